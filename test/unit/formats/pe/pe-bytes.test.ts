import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parsePe, rc4, Rc4, THREECX_RC4_KEY, type PeInfo } from '../../../../electron/formats/pe/index.js';
import { ParseError } from '../../../../electron/common/issues.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { buildPe, Bytes, NT_OFFSET, OPT_OFFSET, SECTION_TABLE, versionInfo, versionResourceSection } from './build-pe.js';

const parse = (b: Uint8Array): Promise<PeInfo> => parsePe(new BufferReader(b));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

async function rejectsWith(b: Uint8Array, code: string, what: string, offset: number): Promise<void> {
  await assert.rejects(parse(b), (e: unknown) => {
    assert.ok(e instanceof ParseError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.what, what);
    assert.equal(e.offset, offset);
    return true;
  });
}

function issueMatching(info: PeInfo, re: RegExp): { message: string; offset: number | null } {
  const hit = info.issues.find((i) => re.test(i.message));
  assert.ok(hit, `no issue matching ${re}; issues: ${JSON.stringify(info.issues)}`);
  return hit;
}

test('rc4 matches RFC 6229 (40-bit key 0102030405, keystream offsets 0 and 16)', () => {
  const ks = rc4(Uint8Array.from([1, 2, 3, 4, 5]), new Uint8Array(32));
  assert.equal(hex(ks), 'b2396305f03dc027ccc3524a0a1118a8' + '6982944f18fc82d589c403a47a0d0919');
});

test('rc4 matches the classic Key/Plaintext and Secret/Attack at dawn vectors, one-shot and streamed', () => {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  assert.equal(hex(rc4(enc('Key'), enc('Plaintext'))), 'bbf316e8d940af0ad3');
  assert.equal(hex(rc4(enc('Secret'), enc('Attack at dawn'))), '45a01f645fc35b383552544b9bf5');
  const streamed = new Rc4(enc('Secret'));
  assert.equal(hex(streamed.process(enc('Attack '))) + hex(streamed.process(enc('at dawn'))), '45a01f645fc35b383552544b9bf5');
  assert.equal(new TextDecoder().decode(THREECX_RC4_KEY), '3jB(2bsG#@c7');
  assert.throws(() => rc4(new Uint8Array(0), new Uint8Array(1)), RangeError);
});

test('not a PE: empty, no MZ, e_lfanew past the data, no PE signature, COFF cut off', async () => {
  await rejectsWith(new Uint8Array(0), 'truncated', 'IMAGE_DOS_HEADER.e_magic', 0);
  const good = buildPe().bytes;
  await rejectsWith(Uint8Array.from(good).fill(0x41, 0, 2), 'bad-signature', 'IMAGE_DOS_HEADER.e_magic', 0);
  await rejectsWith(good.subarray(0, 0x30), 'truncated', 'IMAGE_DOS_HEADER.e_lfanew', 0x3c);
  const far = Uint8Array.from(good);
  new DataView(far.buffer).setUint32(0x3c, 0x7fff_fff0, true);
  await rejectsWith(far, 'out-of-bounds', 'IMAGE_DOS_HEADER.e_lfanew', 0x3c);
  const noSig = Uint8Array.from(good);
  noSig[NT_OFFSET] = 0x4e;
  await rejectsWith(noSig, 'bad-signature', 'IMAGE_NT_HEADERS.Signature', NT_OFFSET);
  await rejectsWith(good.subarray(0, NT_OFFSET + 10), 'out-of-bounds', 'IMAGE_DOS_HEADER.e_lfanew', 0x3c);
});

test('a minimal PE32+ DLL without resources or signature parses with no issues', async () => {
  const info = await parse(buildPe({ sections: [{ name: '.text', rva: 0x1000, data: Uint8Array.of(0xc3) }] }).bytes);
  assert.equal(info.machineName, 'x64');
  assert.equal(info.is64, true);
  assert.equal(info.isDll, true);
  assert.equal(info.timeDateStampIso, '2023-03-13T06:33:26.000Z');
  assert.deepEqual(info.sections, [{ name: '.text', virtualAddress: 0x1000, virtualSize: 1, rawOffset: 0x200, rawSize: 0x200 }]);
  assert.equal(info.version, null);
  assert.equal(info.certificateTable, null);
  assert.deepEqual(info.issues, []);
});

test('PE32 x86 exe, unknown machine and zero time stamp', async () => {
  const b = buildPe({ machine: 0x14c, characteristics: 0x0102, stamp: 0 }).bytes;
  new DataView(b.buffer).setUint16(OPT_OFFSET, 0x10b, true);
  new DataView(b.buffer).setUint32(OPT_OFFSET + 92, 16, true);
  const info = await parse(b);
  assert.deepEqual([info.machineName, info.is64, info.isDll, info.timeDateStampIso], ['x86', false, false, null]);
  const odd = await parse(buildPe({ machine: 0x1c0 }).bytes);
  assert.equal(odd.machineName, 'unknown(0x01c0)');
});

test('truncated section table keeps the headers that are there and records an issue', async () => {
  const sections = [0, 1, 2].map((i) => ({ name: `.s${i}`, rva: 0x1000 * (i + 1), data: Uint8Array.of(i) }));
  const b = buildPe({ sections }).bytes.subarray(0, SECTION_TABLE + 40 + 20);
  const info = await parse(b);
  assert.deepEqual(info.sections.map((s) => s.name), ['.s0']);
  assert.equal(issueMatching(info, /section table truncated: 1 of 3/).offset, SECTION_TABLE + 40);
});

test('NumberOfSections above the cap is capped with an issue', async () => {
  const b = buildPe().bytes;
  new DataView(b.buffer).setUint16(NT_OFFSET + 6, 0xffff, true);
  const info = await parse(b);
  issueMatching(info, /NumberOfSections 65535 above the cap 96/);
  assert.ok(info.sections.length <= 96);
});

test('optional header cut off by the end of the file: issue, no data directories', async () => {
  const info = await parse(buildPe().bytes.subarray(0, OPT_OFFSET + 80));
  issueMatching(info, /optional header truncated: 80 of 240/);
  issueMatching(info, /ends before NumberOfRvaAndSizes/);
  assert.equal(info.version, null);
  assert.equal(info.certificateTable, null);
});

test('a hand-built version resource decodes fixed info and strings', async () => {
  const vi = versionInfo([18, 12, 416, 0], { CompanyName: '3CX Ltd', ProductName: '3CX Desktop App', Comments: '' });
  const rsrc = versionResourceSection(0x2000, vi);
  const built = buildPe({ sections: [{ name: '.rsrc', rva: 0x2000, data: rsrc }], dirs: { 2: [0x2000, rsrc.length] } });
  const info = await parse(built.bytes);
  assert.deepEqual(info.issues, []);
  assert.equal(info.version?.offset, built.sectionOffsets[0]! + 0x58);
  assert.equal(info.version?.fileVersion, '18.12.416.0');
  assert.deepEqual(info.version?.strings, { CompanyName: '3CX Ltd', ProductName: '3CX Desktop App', Comments: '' });
});

test('a loop in the resource tree is reported and the walk ends', async () => {
  const rsrc = versionResourceSection(0x2000, versionInfo([1, 0, 0, 0], {}));
  // name-level directory entry (at 0x18 + 16 + 4) points back at the root
  new DataView(rsrc.buffer).setUint32(0x18 + 16 + 4, 0x80000000, true);
  const built = buildPe({ sections: [{ name: '.rsrc', rva: 0x2000, data: rsrc }], dirs: { 2: [0x2000, rsrc.length] } });
  const info = await parse(built.bytes);
  assert.equal(info.version, null);
  assert.equal(issueMatching(info, /visited twice \(loop/).offset, built.sectionOffsets[0]);
});

test('resource entries and version blocks pointing outside the data become issues', async () => {
  const rsrc = versionResourceSection(0x2000, versionInfo([1, 0, 0, 0], {}));
  new DataView(rsrc.buffer).setUint32(0x30 + 16 + 4, 0x7ff0, true); // lang entry → data entry past the section
  const built = buildPe({ sections: [{ name: '.rsrc', rva: 0x2000, data: rsrc }], dirs: { 2: [0x2000, rsrc.length] } });
  const info = await parse(built.bytes);
  assert.equal(info.version, null);
  assert.equal(issueMatching(info, /IMAGE_RESOURCE_DATA_ENTRY.OffsetToData/).offset, built.sectionOffsets[0]! + 0x7ff0);

  const vi = versionInfo([1, 0, 0, 0], { A: 'x' });
  vi.set([0x4e, 0], 6); // key 'NS_VERSION_INFO'
  const rsrc2 = versionResourceSection(0x2000, vi);
  const b2 = buildPe({ sections: [{ name: '.rsrc', rva: 0x2000, data: rsrc2 }], dirs: { 2: [0x2000, rsrc2.length] } });
  const info2 = await parse(b2.bytes);
  assert.equal(info2.version, null);
  assert.equal(issueMatching(info2, /not "VS_VERSION_INFO"/).offset, b2.sectionOffsets[0]! + 0x58 + 6);
});

test('a String block with wLength 0 stops the string walk with an issue but keeps the fixed info', async () => {
  const vi = versionInfo([2, 3, 4, 5], { First: 'one', Second: 'two' });
  // root(6+32 key → 40) + ffi 52 = 92; StringFileInfo header 6 + 30 key = 36 → table at 128,
  // table header 6 + 18 key → 24 → first String at 152; its length is 6+12+8 = 28 → second at 180.
  new DataView(vi.buffer).setUint16(180, 0, true);
  const rsrc = versionResourceSection(0x2000, vi);
  const built = buildPe({ sections: [{ name: '.rsrc', rva: 0x2000, data: rsrc }], dirs: { 2: [0x2000, rsrc.length] } });
  const info = await parse(built.bytes);
  assert.equal(info.version?.fileVersion, '2.3.4.5');
  assert.deepEqual(info.version?.strings, { First: 'one' });
  assert.equal(issueMatching(info, /String.wLength 0/).offset, built.sectionOffsets[0]! + 0x58 + 180);
});

/** A WIN_CERTIFICATE holding a bare DER SEQUENCE of `derBody` bytes, then `after`. */
function winCert(derBody: number, after: Uint8Array = new Uint8Array(0), dwLength?: number): Uint8Array {
  const der = new Bytes().raw([0x30, 0x82, derBody >> 8, derBody & 0xff]).raw(new Uint8Array(derBody));
  const len = dwLength ?? 8 + der.length + after.length;
  return new Bytes().u32(len).u16(0x200).u16(2).raw(der.bytes()).raw(after).align(8).bytes();
}

test('certificate directory outside the file: issue at its offset, no entries', async () => {
  const b = buildPe({ dirs: { 4: [0x10000, 0x100] } }).bytes;
  const info = await parse(b);
  assert.deepEqual(info.certificateTable, { offset: 0x10000, size: 0x100, entries: [], bytesAfterEntries: 0, feedface: [], payload: null });
  assert.equal(issueMatching(info, /lies outside the file/).offset, 0x10000);
});

test('dwLength larger than the directory is clamped with an issue; bad DER is flagged', async () => {
  const cert = winCert(16, new Uint8Array(0), 0x1000);
  const built = buildPe({ tail: cert });
  new DataView(built.bytes.buffer).setUint32(OPT_OFFSET + 112 + 32, built.tailOffset, true);
  new DataView(built.bytes.buffer).setUint32(OPT_OFFSET + 112 + 36, cert.length, true);
  const info = await parse(built.bytes);
  const e = info.certificateTable!.entries[0]!;
  assert.deepEqual([e.dwLength, e.pkcs7Length, e.trailingBytes], [0x1000, 20, 0]);
  assert.equal(issueMatching(info, /dwLength 4096 runs \d+ bytes past/).offset, built.tailOffset);
  issueMatching(info, /PKCS#7 SignedData .* does not decode/);

  const notDer = Uint8Array.from(cert);
  notDer[8] = 0x04;
  new DataView(notDer.buffer).setUint32(0, cert.length, true);
  const b2 = buildPe({ tail: notDer, dirs: { 4: [built.tailOffset, notDer.length] } });
  const info2 = await parse(b2.bytes);
  assert.equal(info2.certificateTable!.entries[0]!.pkcs7Length, null);
  assert.equal(issueMatching(info2, /does not start with a DER SEQUENCE/).offset, built.tailOffset + 8);

  const tiny = Uint8Array.from(cert);
  new DataView(tiny.buffer).setUint32(0, 4, true);
  const b3 = buildPe({ tail: tiny, dirs: { 4: [built.tailOffset, tiny.length] } });
  const info3 = await parse(b3.bytes);
  assert.deepEqual(info3.certificateTable!.entries, []);
  assert.equal(info3.certificateTable!.bytesAfterEntries, tiny.length);
  issueMatching(info3, /dwLength 4 is smaller than its header/);
});

test('data after the DER and FE ED FA CE markers: trailing bytes, payload decrypted with the 3CX key', async () => {
  const stub = Uint8Array.of(0x48, 0x83, 0xec, 0x28, 0xc3);
  const inner = buildPe({ stamp: 0 }).bytes;
  const plain = Buffer.concat([stub, inner]);
  const after = Buffer.concat([Buffer.from('feedfacefeedface', 'hex'), rc4(THREECX_RC4_KEY, plain)]);
  const cert = winCert(32, after);
  const tailOffset = buildPe().tailOffset;
  const info = await parse(buildPe({ tail: cert, dirs: { 4: [tailOffset, cert.length] } }).bytes);
  assert.deepEqual(info.issues.filter((i) => !/does not decode/.test(i.message)), []);
  const t = info.certificateTable!;
  const e = t.entries[0]!;
  assert.equal(e.pkcs7Length, 36);
  assert.equal(e.trailingOffset, tailOffset + 8 + 36);
  assert.equal(e.trailingBytes, after.length);
  assert.deepEqual(t.feedface, [e.trailingOffset, e.trailingOffset + 4]);
  assert.equal(t.bytesAfterEntries, 0);
  const p = t.payload!;
  assert.deepEqual([p.markerOffset, p.offset, p.length], [e.trailingOffset + 4, e.trailingOffset + 8, plain.length]);
  assert.equal(p.decrypted.sha256, createHash('sha256').update(plain).digest('hex'));
  assert.deepEqual(p.decrypted.embeddedPe, { offset: stub.length, machineName: 'x64', isDll: true, timeDateStampIso: null });
  assert.equal(p.decrypted.startsWithCode, true);
});

test('up to seven zero bytes that only align the entry are padding, not trailing data', async () => {
  const cert = winCert(1, new Uint8Array(0), 16); // 8 + 5 bytes of DER + 3 zero bytes = 16
  const tailOffset = buildPe().tailOffset;
  const info = await parse(buildPe({ tail: cert, dirs: { 4: [tailOffset, cert.length] } }).bytes);
  const e = info.certificateTable!.entries[0]!;
  assert.deepEqual([e.pkcs7Length, e.trailingBytes], [5, 0]);
  const nonZero = Uint8Array.from(cert);
  nonZero[15] = 1;
  const info2 = await parse(buildPe({ tail: nonZero, dirs: { 4: [tailOffset, cert.length] } }).bytes);
  assert.equal(info2.certificateTable!.entries[0]!.trailingBytes, 3);
});

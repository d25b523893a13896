import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markersIn, parsePe, rc4, THREECX_RC4_KEY, type PeInfo } from '../../../../electron/formats/pe/index.js';
import { FileReader } from '../../../../electron/io/file-reader.js';
import { FIXTURE_FILES, haveMingw, makeFixtures } from './fixtures.js';

const skip = haveMingw() ? false : 'x86_64-w64-mingw32-gcc is not installed: the PE fixtures cannot be built (apt-get install mingw-w64)';
const STAMP = '2023-03-13T06:33:26.000Z'; // make-pe.sh's SOURCE_DATE_EPOCH 1678689206
let dir = '';

before(() => {
  if (!skip) dir = makeFixtures().dir;
});

async function parseFile(name: string): Promise<PeInfo> {
  const r = await FileReader.open(join(dir, name));
  try {
    return await parsePe(r);
  } finally {
    await r.close();
  }
}

async function markersOf(name: string): Promise<{ id: string; offset: number }[]> {
  const r = await FileReader.open(join(dir, name));
  try {
    return await markersIn(r);
  } finally {
    await r.close();
  }
}

/** What openssl sees in the signature osslsigncode extracts (the PKCS#7 DER without its WIN_CERTIFICATE header). */
function opensslView(file: string): { derLength: number; subject: string; issuer: string; serial: string; signingTime: string } {
  const tmp = mkdtempSync(join(tmpdir(), 'pe-sig-'));
  try {
    const der = join(tmp, 'sig.der');
    execFileSync('osslsigncode', ['extract-signature', '-in', join(dir, file), '-out', der], { stdio: 'ignore' });
    const pem = execFileSync('openssl', ['pkcs7', '-inform', 'DER', '-in', der, '-print_certs'], { encoding: 'utf8' });
    const x509 = execFileSync('openssl', ['x509', '-noout', '-subject', '-issuer', '-serial'], { input: pem, encoding: 'utf8' });
    const field = (k: string): string => (x509.match(new RegExp(`^${k}=(.*)$`, 'm'))?.[1] ?? '').replace(/ = /g, '=');
    const asn1 = execFileSync('openssl', ['asn1parse', '-inform', 'DER', '-in', der], { encoding: 'utf8' });
    const t = asn1.match(/:signingTime\n.*\n.*UTCTIME\s*:(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z/);
    assert.ok(t, 'openssl shows no signingTime');
    return {
      derLength: readFileSync(der).length, subject: field('subject'), issuer: field('issuer'), serial: field('serial'),
      signingTime: `20${t[1]}-${t[2]}-${t[3]}T${t[4]}:${t[5]}:${t[6]}.000Z`,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** osslsigncode's Authenticode digests (stored in the signature, and recomputed over the file). */
function authenticodeDigests(file: string): { current: string; calculated: string } {
  // Exit status is non-zero here: the throwaway certificate is self-signed and not in any CA file.
  let out = '';
  try {
    out = execFileSync('osslsigncode', ['verify', '-in', join(dir, file)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    out = String((e as { stdout?: string }).stdout ?? '');
  }
  const get = (k: string): string => out.match(new RegExp(`${k} message digest\\s*:\\s*([0-9A-F]+)`))?.[1] ?? `no ${k} digest`;
  return { current: get('Current'), calculated: get('Calculated') };
}

test('make-pe.sh writes exactly the documented fixture files', { skip }, () => {
  assert.deepEqual(readdirSync(dir).sort(), [...FIXTURE_FILES].sort());
});

for (const v of ['18.12.416', '18.12.407', '18.12.425', '18.11.1213']) {
  test(`3CXDesktopApp-${v}.exe: x64 GUI exe with the 3CX version resource`, { skip }, async () => {
    const info = await parseFile(`3CXDesktopApp-${v}.exe`);
    assert.deepEqual([info.machine, info.machineName, info.is64, info.isDll], [0x8664, 'x64', true, false]);
    assert.equal(info.timeDateStampIso, STAMP);
    assert.ok(info.sections.some((s) => s.name === '.rsrc'));
    assert.equal(info.version?.fileVersion, `${v}.0`);
    assert.equal(info.version?.productVersion, `${v}.0`);
    assert.deepEqual(info.version?.strings, {
      CompanyName: '3CX Ltd', FileDescription: '3CX Desktop App', FileVersion: `${v}.0`, InternalName: '3CXDesktopApp',
      LegalCopyright: 'Test stand-in', OriginalFilename: '3CXDesktopApp.exe', ProductName: '3CX Desktop App', ProductVersion: `${v}.0`,
    });
    const at = readFileSync(join(dir, `3CXDesktopApp-${v}.exe`)).subarray(info.version!.offset + 6, info.version!.offset + 36);
    assert.equal(at.toString('utf16le'), 'VS_VERSION_INFO');
    assert.equal(info.certificateTable, null);
    assert.deepEqual(info.issues, []);
  });
}

test('Update.exe carries the Squirrel-style updater version resource', { skip }, async () => {
  const info = await parseFile('Update.exe');
  assert.equal(info.isDll, false);
  assert.equal(info.version?.productVersion, '1.0.0.0');
  assert.equal(info.version?.strings['FileDescription'], 'Update');
  assert.equal(info.version?.strings['ProductName'], 'Squirrel');
  assert.equal(info.version?.strings['ProductVersion'], '1.0.0.0');
  assert.deepEqual(info.issues, []);
});

test('ffmpeg-trojanized.dll: x64 DLL without resources; markersIn finds the loader strings where they are', { skip }, async () => {
  const info = await parseFile('ffmpeg-trojanized.dll');
  assert.deepEqual([info.machineName, info.isDll, info.version, info.certificateTable], ['x64', true, null, null]);
  assert.ok(!info.sections.some((s) => s.name === '.rsrc'));
  assert.deepEqual(info.issues, []);
  const hits = await markersOf('ffmpeg-trojanized.dll');
  assert.deepEqual(hits.map((h) => h.id).sort(), ['avmonitor-event', 'd3dcompiler-name', 'rc4-key']);
  const bytes = readFileSync(join(dir, 'ffmpeg-trojanized.dll'));
  const at = (id: string, len: number): Buffer => bytes.subarray(hits.find((h) => h.id === id)!.offset, hits.find((h) => h.id === id)!.offset + len);
  assert.equal(at('rc4-key', 12).toString('latin1'), '3jB(2bsG#@c7');
  assert.equal(at('avmonitor-event', 42).toString('utf16le'), 'AVMonitorRefreshEvent');
  assert.equal(at('d3dcompiler-name', 18).toString('latin1'), 'd3dcompiler_47.dll');
  const rdata = info.sections.find((s) => s.name === '.rdata')!;
  assert.ok(hits.every((h) => h.offset >= rdata.rawOffset && h.offset < rdata.rawOffset + rdata.rawSize), 'markers sit in .rdata');
});

test('ffmpeg-clean.dll: FFmpeg-like version resource and no markers', { skip }, async () => {
  const info = await parseFile('ffmpeg-clean.dll');
  assert.equal(info.isDll, true);
  assert.equal(info.version?.fileVersion, '4.4.0.0');
  assert.equal(info.version?.strings['ProductName'], 'FFmpeg');
  assert.equal(info.version?.strings['FileVersion'], '4.4.0.0');
  assert.deepEqual(await markersOf('ffmpeg-clean.dll'), []);
});

function checkD3dVersion(info: PeInfo): void {
  assert.deepEqual([info.machineName, info.isDll], ['x64', true]);
  assert.equal(info.version?.fileVersion, '10.0.22621.1');
  assert.equal(info.version?.strings['CompanyName'], 'Microsoft Corporation');
  assert.equal(info.version?.strings['OriginalFilename'], 'D3DCOMPILER_47.DLL');
  assert.equal(info.version?.strings['FileVersion'], '10.0.22621.1');
}

test('d3dcompiler_47-clean.dll: one signed WIN_CERTIFICATE, nothing after the PKCS#7, signer as openssl sees it', { skip }, async () => {
  const info = await parseFile('d3dcompiler_47-clean.dll');
  checkD3dVersion(info);
  assert.deepEqual(info.issues, []);
  const t = info.certificateTable!;
  const size = readFileSync(join(dir, 'd3dcompiler_47-clean.dll')).length;
  assert.equal(t.offset + t.size, size, 'osslsigncode appends the table at the end');
  assert.equal(t.entries.length, 1);
  const e = t.entries[0]!;
  const ossl = opensslView('d3dcompiler_47-clean.dll');
  assert.deepEqual([e.offset, e.revision, e.certificateType], [t.offset, 0x200, 2]);
  assert.equal(e.pkcs7Length, ossl.derLength);
  assert.equal(e.dwLength, t.size);
  assert.ok(e.dwLength - 8 - ossl.derLength < 8, 'only alignment padding after the DER');
  assert.deepEqual([e.trailingOffset, e.trailingBytes], [t.offset + 8 + ossl.derLength, 0]);
  assert.deepEqual(e.signer, { subject: ossl.subject, issuer: ossl.issuer, serialHex: ossl.serial });
  assert.equal(e.signer?.subject, 'CN=Microsoft Corporation Stand-in, O=3CX Triage Test');
  assert.equal(e.signingTime, ossl.signingTime);
  assert.equal(e.signingTime, STAMP);
  assert.deepEqual([t.bytesAfterEntries, t.feedface, t.payload], [0, [], null]);
});

test('d3dcompiler_47-carrier.dll: FEEDFACE x2 + RC4 blob hidden after the PKCS#7 decrypts to payload-plain.bin', { skip }, async () => {
  const info = await parseFile('d3dcompiler_47-carrier.dll');
  checkD3dVersion(info);
  assert.deepEqual(info.issues, []);
  const file = readFileSync(join(dir, 'd3dcompiler_47-carrier.dll'));
  const plain = readFileSync(join(dir, 'payload-plain.bin'));
  const ossl = opensslView('d3dcompiler_47-carrier.dll');
  const t = info.certificateTable!;
  const e = t.entries[0]!;
  assert.equal(t.entries.length, 1);
  assert.equal(e.pkcs7Length, ossl.derLength);
  assert.equal(e.dwLength, 8 + ossl.derLength + 8 + plain.length);
  assert.equal(t.size, Math.ceil(e.dwLength / 8) * 8);
  assert.equal(t.offset + t.size, file.length);
  assert.equal(e.trailingOffset, t.offset + 8 + ossl.derLength);
  assert.equal(e.trailingBytes, 8 + plain.length);
  assert.deepEqual(e.signer, { subject: ossl.subject, issuer: ossl.issuer, serialHex: ossl.serial });
  assert.equal(t.bytesAfterEntries, 0);
  assert.deepEqual(t.feedface, [e.trailingOffset, e.trailingOffset + 4]);
  assert.equal(file.subarray(e.trailingOffset, e.trailingOffset + 8).toString('hex'), 'feedfacefeedface');
  const p = t.payload!;
  assert.deepEqual([p.markerOffset, p.offset, p.length], [e.trailingOffset + 4, e.trailingOffset + 8, plain.length]);
  assert.equal(p.decrypted.sha256, createHash('sha256').update(plain).digest('hex'));
  assert.deepEqual(Buffer.from(rc4(THREECX_RC4_KEY, file.subarray(p.offset, p.offset + p.length))), plain);
  assert.deepEqual(p.decrypted.embeddedPe, { offset: plain.indexOf('MZ'), machineName: 'x64', isDll: true, timeDateStampIso: null });
  assert.equal(p.decrypted.embeddedPe?.offset, 30);
  assert.equal(p.decrypted.startsWithCode, true);
  // CVE-2013-3900: the Authenticode digest skips the certificate table, so the carrier's digest
  // still matches its signature and equals the clean DLL's.
  const carrierDigest = authenticodeDigests('d3dcompiler_47-carrier.dll');
  assert.match(carrierDigest.current, /^[0-9A-F]{64}$/);
  assert.equal(carrierDigest.calculated, carrierDigest.current);
  assert.deepEqual(carrierDigest, authenticodeDigests('d3dcompiler_47-clean.dll'));
  const hits = await markersOf('d3dcompiler_47-carrier.dll');
  assert.deepEqual(hits.filter((h) => h.id === 'feedface-x2').map((h) => h.offset), [e.trailingOffset]);
});

test('payload-plain.bin is not a PE (it starts with the NOP stub)', { skip }, async () => {
  await assert.rejects(parseFile('payload-plain.bin'), /no MZ signature/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { adler32, openEwf, segmentFileName, sniffEwf } from '../../../../electron/formats/ewf/index.js';
import { parseHeaderText } from '../../../../electron/formats/ewf/metadata.js';
import { openContainer } from '../../../../electron/evidence/containers/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { ParseError } from '../../../../electron/common/issues.js';
import type { Reader } from '../../../../electron/io/reader.js';
import { deflateSync } from 'node:zlib';
import { FIXTURE_SKIP, generatedContainers, rawSha256 } from './fixtures.js';

async function sha256(r: Reader): Promise<string> {
  const h = createHash('sha256');
  for (let off = 0; off < r.size; off += 1 << 20) h.update(await r.read(off, 1 << 20));
  return h.digest('hex');
}

test('adler32 matches RFC 1950 values', () => {
  assert.equal(adler32(new TextEncoder().encode('Wikipedia')), 0x11e60398);
  assert.equal(adler32(new Uint8Array(0)), 1);
  assert.equal(adler32(new Uint8Array(100_000).fill(0xff)), adler32(new Uint8Array(100_000).fill(0xff), 0, 100_000));
});

test('segment file names follow E01..E99, EAA.., keeping case', () => {
  assert.equal(segmentFileName('/x/img.E01', 2), '/x/img.E02');
  assert.equal(segmentFileName('/x/img.E01', 99), '/x/img.E99');
  assert.equal(segmentFileName('/x/img.E01', 100), '/x/img.EAA');
  assert.equal(segmentFileName('/x/img.E01', 101), '/x/img.EAB');
  assert.equal(segmentFileName('/x/img.E01', 100 + 26), '/x/img.EBA');
  assert.equal(segmentFileName('/x/img.E01', 100 + 676), '/x/img.FAA');
  assert.equal(segmentFileName('/x/img.e01', 100), '/x/img.eaa');
  assert.equal(segmentFileName('/x/img.raw', 2), null);
});

test('EWF2 (Ex01) and L01 are refused with unsupported-version', async () => {
  for (const sig of [[0x45, 0x56, 0x46, 0x32, 0x0d, 0x0a, 0x81, 0x00], [0x4c, 0x56, 0x46, 0x09, 0x0d, 0x0a, 0xff, 0x00]]) {
    const b = new Uint8Array(512);
    b.set(sig);
    assert.ok(sniffEwf(b));
    await assert.rejects(openEwf([{ name: 'x.Ex01', reader: new BufferReader(b) }]), (e: unknown) => e instanceof ParseError && e.code === 'unsupported-version');
  }
});

test('header text: keys row after "main", values row, epoch dates from header2', () => {
  const text = '1\nmain\nc\tn\ta\te\tt\tav\tov\tm\tu\tp\tr\ncase-1\tev-1\tdesc\tme\tnotes\t20140813\tLinux\t1700000000\t1700000000\t0\tf\n\nsrce\n';
  const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const out = parseHeaderText(deflateSync(u16), true);
  assert.equal(out['case number'], 'case-1');
  assert.equal(out['examiner'], 'me');
  assert.equal(out['acquisition date'], '2023-11-14T22:13:20.000Z');
  assert.throws(() => parseHeaderText(new Uint8Array([1, 2, 3]), false), ParseError);
});

for (const variant of ['e01', 'e01-multi', 'e01-none', 'e01-ftk', 'e01-linen']) {
  test(`generated ${variant}: logical bytes equal the raw disk; verification equals the stored hash`, { skip: FIXTURE_SKIP }, async () => {
    const dir = generatedContainers();
    const c = await openContainer(join(dir, variant, 'disk.E01'), { verify: true });
    try {
      assert.equal(c.kind, 'e01');
      assert.equal(c.info['segment files'], readdirSync(join(dir, variant)).length);
      assert.equal(await sha256(c.reader), rawSha256(dir));
      assert.equal(c.verification?.ok, true);
      assert.equal(c.verification?.actual, createHash('md5').update(readFileSync(join(dir, 'disk.raw'))).digest('hex'));
      if (variant === 'e01') assert.equal(c.info['SHA-1 verification'], 'ok');
      assert.equal(c.info['case number'], 'case-1');
      assert.deepEqual(c.issues, []);
    } finally {
      await c.close();
    }
  });
}

test('a damaged table entry: recovered from table2; with both copies damaged the chunk reads as zeros plus an issue', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const bytes = new Uint8Array(readFileSync(join(dir, 'e01-none', 'disk.E01')));
  const raw = readFileSync(join(dir, 'disk.raw'));
  const buf = Buffer.from(bytes.buffer);
  const table = buf.indexOf('table\0');
  const table2 = buf.indexOf('table2\0');
  assert.ok(table > 0 && table2 > table);
  const dv = new DataView(bytes.buffer);
  // Point chunk 2 far outside the file in the table; table2 (the mirror) still has it right.
  dv.setUint32(table + 76 + 24 + 2 * 4, 0x7ffffff0, true);
  const one = await openEwf([{ name: 'disk.E01', reader: new BufferReader(bytes.slice()) }]);
  const chunk = one.chunkSize;
  assert.deepEqual(Buffer.from(await one.reader.read(2 * chunk, chunk)), raw.subarray(2 * chunk, 3 * chunk));
  assert.ok(one.issues.some((i) => i.offset === table && /entries checksum mismatch/.test(i.message)), JSON.stringify(one.issues));
  dv.setUint32(table2 + 76 + 24 + 2 * 4, 0x7ffffff0, true);
  const both = await openEwf([{ name: 'disk.E01', reader: new BufferReader(bytes) }]);
  assert.ok((await both.reader.read(2 * chunk, chunk)).every((x) => x === 0));
  assert.deepEqual(Buffer.from(await both.reader.read(3 * chunk, chunk)), raw.subarray(3 * chunk, 4 * chunk));
  assert.ok(both.issues.some((i) => i.offset === 2 * chunk && /chunk 2/.test(i.message)), JSON.stringify(both.issues));
});

test('a truncated last segment: missing chunks read as zeros, issues say which segment is incomplete', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const names = readdirSync(join(dir, 'e01-multi')).sort();
  const segs = names.slice(0, 3).map((n) => ({ name: n, reader: new BufferReader(new Uint8Array(readFileSync(join(dir, 'e01-multi', n)))) }));
  const img = await openEwf(segs);
  assert.equal(img.mediaSize, 32 * 1024 * 1024);
  assert.ok(img.issues.some((i) => /not 'done'/.test(i.message)));
  assert.ok(img.issues.some((i) => /tables list \d+ of 1024 chunks/.test(i.message)));
  const tail = await img.reader.read(img.mediaSize - 4096, 4096);
  assert.ok(tail.every((x) => x === 0));
});

/**
 * Large reads of EWF media go through readChunkRun (one span read, one decode batch per run of
 * chunks); these tests hold it to the single-chunk path: the same bytes, the same issues, for
 * sound images and for damaged chunks, and far fewer file reads for scattered small reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openEwf } from '../../../../electron/formats/ewf/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import type { Reader } from '../../../../electron/io/reader.js';
import { FIXTURE_SKIP, generatedContainers } from './fixtures.js';

/** Counts reads and bytes asked of a segment file. */
function counting(bytes: Uint8Array): Reader & { reads: number; bytes: number } {
  const inner = new BufferReader(bytes);
  const r = { size: inner.size, reads: 0, bytes: 0, read: async (o: number, l: number) => { r.reads++; r.bytes += l; return inner.read(o, l); }, close: async () => {} };
  return r;
}

/** The media read chunk by chunk (the single-chunk path only) and in 4 MiB reads (runs). */
async function bothWays(segs: () => { name: string; reader: Reader }[]): Promise<{ small: Buffer; large: Buffer; smallIssues: string[]; largeIssues: string[] }> {
  const a = await openEwf(segs());
  const parts: Uint8Array[] = [];
  for (let off = 0; off < a.mediaSize; off += a.chunkSize) parts.push((await a.reader.read(off, a.chunkSize)).slice());
  const b = await openEwf(segs());
  const big: Uint8Array[] = [];
  for (let off = 0; off < b.mediaSize; off += 4 << 20) big.push(await b.reader.read(off, 4 << 20));
  const show = (i: { message: string; offset: number | null }): string => `${i.offset} ${i.message}`;
  return { small: Buffer.concat(parts), large: Buffer.concat(big), smallIssues: a.issues.map(show), largeIssues: b.issues.map(show) };
}

test('large reads equal chunk-by-chunk reads and the raw disk, single and multi-segment sets', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const raw = readFileSync(join(dir, 'disk.raw'));
  for (const sub of ['e01-none', 'e01-multi']) {
    const names = readdirSync(join(dir, sub)).sort();
    const files = names.map((n) => new Uint8Array(readFileSync(join(dir, sub, n))));
    const r = await bothWays(() => names.map((n, i) => ({ name: n, reader: new BufferReader(files[i]!) })));
    assert.ok(r.large.equals(raw), sub);
    assert.ok(r.small.equals(raw), sub);
    assert.deepEqual(r.largeIssues, r.smallIssues, sub);
  }
});

function tableOf(bytes: Uint8Array): { base: number; entry: (i: number) => number } {
  const table = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf('table\0');
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  return { base: Number(dv.getBigUint64(table + 76 + 8, true)), entry: (i) => dv.getUint32(table + 76 + 24 + i * 4, true) };
}

test('a chunk that does not inflate, and a stored chunk with a bad Adler-32, give the same bytes and issues either way', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  // Compressed set: garble the zlib stream of a compressed chunk (ewfacquire stores incompressible ones as they are).
  const zipped = new Uint8Array(readFileSync(join(dir, 'e01', 'disk.E01')));
  const z = tableOf(zipped);
  let n = 1;
  while (n < 1000 && (z.entry(n) & 0x80000000) === 0) n++;
  assert.ok(n < 1000, 'a compressed chunk');
  const at = z.base + (z.entry(n) & 0x7fffffff);
  for (let k = 2; k < 40; k++) zipped[at + k] = zipped[at + k]! ^ 0x5a;
  const a = await bothWays(() => [{ name: 'disk.E01', reader: new BufferReader(zipped.slice()) }]);
  assert.ok(a.large.equals(a.small));
  assert.deepEqual(a.largeIssues, a.smallIssues);
  assert.ok(a.smallIssues.some((m) => m.includes(`chunk ${n} `)), JSON.stringify(a.smallIssues));
  // Stored set: flip one data byte of chunk 9 (its Adler-32 no longer matches).
  const stored = new Uint8Array(readFileSync(join(dir, 'e01-none', 'disk.E01')));
  const s = tableOf(stored);
  assert.equal(s.entry(9) & 0x80000000, 0, 'chunk 9 is stored');
  stored[s.base + s.entry(9) + 10] = stored[s.base + s.entry(9) + 10]! ^ 1;
  const b = await bothWays(() => [{ name: 'disk.E01', reader: new BufferReader(stored.slice()) }]);
  assert.ok(b.large.equals(b.small));
  assert.deepEqual(b.largeIssues, b.smallIssues);
  assert.ok(b.smallIssues.some((m) => /chunk 9 .*Adler-32/.test(m)), JSON.stringify(b.smallIssues));
});

test('a large read costs one file read per run; scattered small reads read only their chunk', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const raw = readFileSync(join(dir, 'disk.raw'));
  const seg = counting(new Uint8Array(readFileSync(join(dir, 'e01', 'disk.E01'))));
  const img = await openEwf([{ name: 'disk.E01', reader: seg }]);
  const chunk = img.chunkSize;
  const before = seg.reads;
  assert.ok(Buffer.from(await img.reader.read(0, 32 * chunk)).equals(raw.subarray(0, 32 * chunk)));
  assert.equal(seg.reads - before, 1);
  const bytesBefore = seg.bytes;
  for (const i of [400, 700, 550, 900]) {
    assert.ok(Buffer.from(await img.reader.read(i * chunk + 100, 50)).equals(raw.subarray(i * chunk + 100, i * chunk + 150)));
  }
  // Four scattered chunks: about four stored chunks read, not a 1 MiB window each.
  assert.ok(seg.bytes - bytesBefore <= 4 * (2 * chunk + 1024), `${seg.bytes - bytesBefore} bytes read`);
});

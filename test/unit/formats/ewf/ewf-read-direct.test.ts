/**
 * Large EWF reads decode straight into their result (readChunkRunInto through BlockReader's direct
 * path) with one reused zlib stream: the bytes must equal the raw disk at any alignment, a damaged
 * chunk must read and be reported exactly as a small read does, and a sequential pass must not fill
 * the chunk cache. The table's Adler-32 taken by zlib must equal the JavaScript one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adler32 } from '../../../../electron/formats/ewf/checksums.js';
import { adler32Large } from '../../../../electron/formats/ewf/adler-native.js';
import { openEwf } from '../../../../electron/formats/ewf/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { FIXTURE_SKIP, generatedContainers } from './fixtures.js';

test('adler32Large equals adler32 below and above the native threshold, on any sub-range', () => {
  let seed = 7;
  const bytes = Uint8Array.from({ length: 200_000 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
  for (const [s, e] of [[0, 0], [3, 100], [0, 16 * 1024 - 1], [0, 16 * 1024], [5, 70_001], [0, 200_000], [123, 199_999]] as const) {
    assert.equal(adler32Large(bytes, s, e), adler32(bytes, s, e), `${s}..${e}`);
  }
  assert.equal(adler32Large(new Uint8Array(100_000).fill(0xff)), adler32(new Uint8Array(100_000).fill(0xff)));
});

test('large reads at odd offsets and lengths equal the raw disk; the sequential pass leaves the cache near empty', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const raw = readFileSync(join(dir, 'disk.raw'));
  for (const variant of ['e01', 'e01-none']) {
    const img = await openEwf([{ name: 'disk.E01', reader: new BufferReader(new Uint8Array(readFileSync(join(dir, variant, 'disk.E01')))) }]);
    const window = 4 * 1024 * 1024 - 3 * 512;
    for (let off = 1000; off < img.mediaSize; off += window) {
      const got = await img.reader.read(off, window);
      assert.ok(Buffer.from(got).equals(raw.subarray(off, off + window)), `${variant} at ${off}`);
    }
    // Only the blocks the windows cover in part went through the cache.
    assert.ok(img.reader.cache.cachedBytes <= 2 * Math.ceil(img.mediaSize / window) * img.chunkSize, `${img.reader.cache.cachedBytes} bytes cached`);
    assert.deepEqual(img.issues, []);
  }
});

test('a damaged chunk inside a large read: zeros and the same single located issue a small read gives', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const raw = readFileSync(join(dir, 'disk.raw'));
  const bytes = new Uint8Array(readFileSync(join(dir, 'e01', 'disk.E01')));
  const table = Buffer.from(bytes.buffer).indexOf('table\0');
  const dv = new DataView(bytes.buffer);
  const base = Number(dv.getBigUint64(table + 76 + 8, true));
  const entry = (i: number): number => dv.getUint32(table + 76 + 24 + i * 4, true);
  let n = 40; // a compressed chunk (the fixture stores its incompressible first chunks as they are)
  while ((entry(n) & 0x80000000) === 0) n++;
  const at = base + (entry(n) & 0x7fffffff);
  for (let k = 2; k < 30; k++) bytes[at + k] = bytes[at + k]! ^ 0xa5;
  const img = await openEwf([{ name: 'disk.E01', reader: new BufferReader(bytes) }]);
  const cs = img.chunkSize;
  const from = (n - 5) * cs + 7;
  const got = await img.reader.read(from, cs * 60);
  const rel = n * cs - from;
  assert.ok(got.subarray(rel, rel + cs).every((x) => x === 0));
  assert.ok(Buffer.from(got.subarray(0, rel)).equals(raw.subarray(from, n * cs)));
  assert.ok(Buffer.from(got.subarray(rel + cs)).equals(raw.subarray((n + 1) * cs, from + cs * 60)));
  const mine = img.issues.filter((i) => i.offset === n * cs);
  assert.equal(mine.length, 1, JSON.stringify(img.issues));
  assert.match(mine[0]!.message, new RegExp(`chunk ${n} in disk\\.E01 at ${at}: zlib stream does not inflate`));
  // A small read of the chunk afterwards: zeros, no second issue.
  assert.ok((await img.reader.read(n * cs, 512)).every((x) => x === 0));
  assert.equal(img.issues.length, 1);
});

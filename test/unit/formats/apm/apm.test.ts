import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '../../../../electron/common/issues.js';
import { parseApm } from '../../../../electron/formats/apm/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';

/** A disk with a DDM and a map of `parts` (name, type, start, count) on `bs`-byte blocks. */
function apmDisk(bs: number, parts: [string, string, number, number][], blocks = 64): Uint8Array {
  const d = new Uint8Array(bs * blocks);
  const v = new DataView(d.buffer);
  d.set([0x45, 0x52]);
  v.setUint16(2, bs);
  v.setUint32(4, blocks);
  parts.forEach(([name, type, start, count], i) => {
    const at = (i + 1) * bs;
    d.set([0x50, 0x4d], at);
    v.setUint32(at + 4, parts.length);
    v.setUint32(at + 8, start);
    v.setUint32(at + 12, count);
    d.set(new TextEncoder().encode(name), at + 16);
    d.set(new TextEncoder().encode(type), at + 48);
    v.setUint32(at + 0x58, 0x33);
  });
  return d;
}

test('partitions in map blocks of 512 and 2048 bytes', async () => {
  for (const bs of [512, 2048]) {
    const m = await parseApm(new BufferReader(apmDisk(bs, [['Apple', 'Apple_partition_map', 1, 3], ['disk', 'Apple_HFS', 8, 40], ['', 'Apple_Free', 48, 16]])));
    assert.equal(m.blockSize, bs);
    assert.deepEqual(m.partitions.map((p) => [p.index, p.name, p.type, p.offset, p.size, p.status]), [
      [0, 'Apple', 'Apple_partition_map', bs, 3 * bs, 0x33], [1, 'disk', 'Apple_HFS', 8 * bs, 40 * bs, 0x33], [2, '', 'Apple_Free', 48 * bs, 16 * bs, 0x33],
    ]);
    assert.deepEqual(m.issues, []);
  }
});

test('a map that ends early or runs past the disk is reported, not thrown; no DDM is a ParseError', async () => {
  const d = apmDisk(512, [['a', 'Apple_HFS', 4, 10], ['b', 'Apple_HFSX', 14, 1000]]);
  d[1024] = 0; // second entry loses its signature
  const m = await parseApm(new BufferReader(d));
  assert.equal(m.partitions.length, 1);
  assert.match(m.issues[0]!.message, /lacks the 'PM' signature/);
  const past = await parseApm(new BufferReader(apmDisk(512, [['b', 'Apple_APFS', 14, 1000]])));
  assert.match(past.issues[0]!.message, /runs past the end/);
  await assert.rejects(parseApm(new BufferReader(new Uint8Array(1024))), (e: unknown) => e instanceof ParseError && e.code === 'bad-signature');
});

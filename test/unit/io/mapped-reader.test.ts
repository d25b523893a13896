import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BufferReader } from '../../../electron/io/buffer-reader.js';
import { MappedReader, type BlockPlace } from '../../../electron/io/mapped-reader.js';
import type { Reader } from '../../../electron/io/reader.js';

const BS = 16;

/**
 * A virtual disk of `places.length` blocks: file blocks stored in the "image" in a shuffled order
 * (some adjacent, some not), zero blocks, and slow blocks the slow reader serves. `expected` is the
 * disk as it should read.
 */
function disk(places: ('file' | 'zero' | 'slow')[], order: number[]) {
  const expected = new Uint8Array(places.length * BS);
  for (let i = 0; i < expected.length; i++) expected[i] = places[Math.floor(i / BS)] === 'zero' ? 0 : ((i * 7 + 3) & 0xff) || 1;
  const fileBlocks = places.map((p, i) => (p === 'file' ? i : -1)).filter((i) => i >= 0);
  const slotOf = new Map<number, number>();
  const perm = fileBlocks.map((b, k) => ({ b, key: order[k % order.length]! + k / 1000 })).sort((x, y) => x.key - y.key);
  perm.forEach((x, slot) => slotOf.set(x.b, slot));
  const image = new Uint8Array(BS + fileBlocks.length * BS); // a header block first, so no block sits at 0
  for (const [b, slot] of slotOf) image.set(expected.subarray(b * BS, (b + 1) * BS), BS + slot * BS);
  let slowReads = 0;
  const slow: Reader = {
    size: expected.length,
    read: async (o, l) => {
      slowReads++;
      for (let i = o; i < o + l; i++) assert.equal(places[Math.floor(i / BS)], 'slow', `slow path asked for block ${Math.floor(i / BS)}`);
      return expected.slice(o, Math.min(expected.length, o + l));
    },
    close: async () => {},
  };
  const place = (i: number): BlockPlace => (places[i] === 'file' ? { file: BS + slotOf.get(i)! * BS } : places[i]!);
  return { reader: new MappedReader(expected.length, BS, new BufferReader(image), place, slow), expected, slowReads: () => slowReads };
}

test('every range reads as the virtual disk, whatever mix of file, zero and slow blocks it spans', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom<'file' | 'zero' | 'slow'>('file', 'zero', 'slow'), { minLength: 1, maxLength: 24 }),
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 24 }),
      fc.nat(), fc.nat(),
      async (places, order, a, b) => {
        const d = disk(places, order);
        const size = places.length * BS;
        const off = a % (size + 4);
        const len = b % (size + 8);
        const got = await d.reader.read(off, len);
        assert.deepEqual(got, d.expected.slice(off, Math.min(size, off + len)));
      },
    ),
    { numRuns: 400 },
  );
});

test('adjacent file blocks are read in one piece; slow blocks go to the slow reader', async () => {
  const d = disk(['file', 'file', 'file', 'slow', 'slow', 'zero'], [0]);
  const all = await d.reader.read(0, 6 * BS);
  assert.deepEqual(all, d.expected);
  assert.equal(d.slowReads(), 1); // blocks 3..4 in one slow read
});

test('a file block that points past the end of the image is handed to the slow path', async () => {
  const expected = new Uint8Array(2 * BS).fill(9);
  let slowAsked = 0;
  const slow: Reader = { size: 2 * BS, read: async (o, l) => (slowAsked++, expected.slice(o, o + l)), close: async () => {} };
  const r = new MappedReader(2 * BS, BS, new BufferReader(new Uint8Array(BS)), (i) => ({ file: 8 + i * BS }), slow);
  assert.deepEqual(await r.read(0, 2 * BS), expected);
  assert.equal(slowAsked, 1);
});

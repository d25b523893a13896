import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockCache, BlockReader, MAX_READ_ISSUES, pushIssue, type ReadIssue } from '../../../electron/io/block-cache.js';
import { ParseError } from '../../../electron/common/issues.js';

const block = (i: number, n = 16) => new Uint8Array(n).fill(i & 0xff);

test('concurrent gets of one block share a single load (in-flight de-duplication)', async () => {
  let loads = 0;
  const cache = new BlockCache(async (i) => {
    loads++;
    await new Promise((r) => setTimeout(r, 5));
    return block(i);
  });
  const [a, b, c] = await Promise.all([cache.get(3), cache.get(3), cache.get(3)]);
  assert.equal(loads, 1);
  assert.equal(a, b);
  assert.equal(b, c);
  await cache.get(3);
  assert.equal(loads, 1);
});

test('bounded in bytes, evicting the least recently used block', async () => {
  const loaded: number[] = [];
  const cache = new BlockCache(async (i) => (loaded.push(i), block(i, 100)), 300);
  for (const i of [0, 1, 2]) await cache.get(i);
  await cache.get(0); // 0 becomes most recent
  await cache.get(3); // evicts 1
  assert.equal(cache.cachedBytes, 300);
  await cache.get(0);
  await cache.get(2);
  assert.deepEqual(loaded, [0, 1, 2, 3]);
  await cache.get(1);
  assert.deepEqual(loaded, [0, 1, 2, 3, 1]);
});

test('a failed load is not cached and rejects every waiter', async () => {
  let n = 0;
  const cache = new BlockCache(async () => {
    n++;
    throw new Error('boom');
  });
  await assert.rejects(Promise.all([cache.get(1), cache.get(1)]), /boom/);
  await assert.rejects(cache.get(1), /boom/);
  assert.equal(n, 2);
});

test('BlockReader reads across block edges and clips at the end', async () => {
  const size = 100;
  const r = new BlockReader(size, 16, async (i) => Uint8Array.from({ length: Math.min(16, size - i * 16) }, (_, k) => i * 16 + k));
  assert.deepEqual([...(await r.read(14, 5))], [14, 15, 16, 17, 18]);
  assert.deepEqual([...(await r.read(95, 50))], [95, 96, 97, 98, 99]);
  assert.equal((await r.read(100, 10)).length, 0);
  assert.deepEqual([...(await r.read(0, 100))], Array.from({ length: 100 }, (_, k) => k));
});

test('a block whose loader throws a ParseError reads as zeros plus one located issue; other errors propagate', async () => {
  const issues: ReadIssue[] = [];
  const r = new BlockReader(64, 16, async (i) => {
    if (i === 1) throw new ParseError('decode', { what: 'chunk', offset: 999 });
    if (i === 3) throw new Error('disk on fire');
    return block(7);
  }, issues, undefined, { file: 'x.E01' });
  const got = await r.read(0, 48);
  assert.deepEqual([...got.subarray(16, 32)], new Array(16).fill(0));
  assert.equal(got[0], 7);
  await r.read(16, 16);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.offset, 16);
  assert.equal(issues[0]!.file, 'x.E01');
  await assert.rejects(r.read(48, 16), /disk on fire/);
});

test('short blocks are padded with zeros and reported', async () => {
  const issues: ReadIssue[] = [];
  const r = new BlockReader(32, 16, async () => new Uint8Array(4).fill(1), issues);
  const b = await r.read(0, 16);
  assert.deepEqual([...b], [1, 1, 1, 1, ...new Array(12).fill(0)]);
  assert.equal(issues.length, 1);
});

test('issue list is capped', () => {
  const issues: ReadIssue[] = [];
  for (let i = 0; i < MAX_READ_ISSUES + 50; i++) pushIssue(issues, { message: 'x', offset: i, file: null });
  assert.equal(issues.length, MAX_READ_ISSUES + 1);
});

test('WindowedReader serves small reads from aligned windows, across edges, and big reads directly', async () => {
  const { WindowedReader } = await import('../../../electron/io/block-cache.js');
  const { BufferReader } = await import('../../../electron/io/buffer-reader.js');
  const bytes = Uint8Array.from({ length: 1000 }, (_, k) => k & 0xff);
  let calls = 0;
  const inner = new BufferReader(bytes);
  const counting = { size: inner.size, read: (o: number, l: number) => (calls++, inner.read(o, l)), close: async () => {} };
  const w = new WindowedReader(counting, 64, 1024);
  assert.deepEqual([...(await w.read(10, 5))], [10, 11, 12, 13, 14]);
  assert.deepEqual([...(await w.read(20, 5))], [20, 21, 22, 23, 24]);
  assert.equal(calls, 1);
  assert.deepEqual([...(await w.read(60, 8))], [60, 61, 62, 63, 64, 65, 66, 67]);
  assert.deepEqual([...(await w.read(995, 64))], [227, 228, 229, 230, 231]);
  assert.equal((await w.read(0, 500)).length, 500);
  assert.deepEqual([...(await w.read(0, 1000))], [...bytes]);
});

test('BlockReader hands runs of uncached blocks to the run loader; null or failed entries go through the block loader', async () => {
  const size = 160;
  const singles: number[] = [];
  const runs: [number, number][] = [];
  const issues: ReadIssue[] = [];
  const r = new BlockReader(size, 16, async (i) => {
    singles.push(i);
    if (i === 6) throw new ParseError('decode', { what: 'block', offset: 96 });
    return Uint8Array.from({ length: 16 }, (_, k) => i * 16 + k);
  }, issues, undefined, {
    maxRunBytes: 64,
    runLoader: async (first, count) => {
      runs.push([first, count]);
      // Blocks 3 and 6 are left to the block loader (as a damaged chunk would be).
      return Array.from({ length: count }, (_, k) => (first + k === 3 || first + k === 6 ? null : Uint8Array.from({ length: 16 }, (_, j) => (first + k) * 16 + j)));
    },
  });
  await r.read(16, 16); // block 1 alone: the block loader
  const all = await r.read(0, size);
  assert.deepEqual([...all.subarray(0, 96)], Array.from({ length: 96 }, (_, k) => k));
  assert.ok(all.subarray(96, 112).every((x) => x === 0));
  assert.deepEqual([...all.subarray(112)], Array.from({ length: 48 }, (_, k) => 112 + k));
  // Block 0 alone (1 is cached), then runs of at most 4 (maxRunBytes 64 / 16).
  assert.deepEqual(runs, [[2, 4], [6, 4]]);
  assert.deepEqual(singles.sort((a, b) => a - b), [0, 1, 3, 6]);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.offset, 96);
  // Everything is cached now: nothing more is loaded.
  await r.read(0, size);
  assert.equal(runs.length, 2);
});

test('WindowedReader inOrderOnly: scattered reads read just their bytes, reads in order switch to windows', async () => {
  const { WindowedReader } = await import('../../../electron/io/block-cache.js');
  const { BufferReader } = await import('../../../electron/io/buffer-reader.js');
  const bytes = Uint8Array.from({ length: 4096 }, (_, k) => k & 0xff);
  const asked: number[] = [];
  const inner = new BufferReader(bytes);
  const w = new WindowedReader({ size: inner.size, read: (o: number, l: number) => (asked.push(l), inner.read(o, l)), close: async () => {} }, 256, 4096, true);
  for (const o of [3000, 100, 2000, 700]) assert.deepEqual([...(await w.read(o, 8))], [...bytes.subarray(o, o + 8)]);
  assert.deepEqual(asked, [8, 8, 8, 8]);
  asked.length = 0;
  for (let o = 1024; o < 1024 + 8 * 32; o += 32) assert.deepEqual([...(await w.read(o, 32))], [...bytes.subarray(o, o + 32)]);
  // Two reads in a row are still read alone; from the third a 256-byte window serves them.
  assert.deepEqual(asked, [32, 32, 256]);
});

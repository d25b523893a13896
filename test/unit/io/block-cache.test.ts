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

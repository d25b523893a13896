/**
 * BlockReader's large-read path (io/direct-read.ts): whole blocks decoded by the run decoder straight
 * into the result and not cached; partly covered, cached, or left-out blocks through the cache and
 * the single-block loader, with the same bytes and issues a small read gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockReader, type ReadIssue } from '../../../electron/io/block-cache.js';
import { ParseError } from '../../../electron/common/issues.js';

const BS = 16;
const SIZE = 200; // 12 whole blocks and a short last one (8 bytes)
const byte = (pos: number): number => (pos * 7 + 3) & 0xff;
const expect = (start: number, length: number): number[] => Array.from({ length }, (_, k) => byte(start + k));

function reader(opts: { bad?: number[]; leave?: number[]; runFails?: Error; directBytes?: number } = {}) {
  const singles: number[] = [];
  const runs: [number, number][] = [];
  const issues: ReadIssue[] = [];
  const block = (i: number): Uint8Array => Uint8Array.from({ length: Math.min(BS, SIZE - i * BS) }, (_, k) => byte(i * BS + k));
  const r = new BlockReader(SIZE, BS, async (i) => {
    singles.push(i);
    if (opts.bad?.includes(i)) throw new ParseError('decode', { what: 'block', offset: i * BS });
    return block(i);
  }, issues, undefined, {
    maxRunBytes: 4 * BS,
    directBytes: opts.directBytes ?? 3 * BS,
    runInto: async (first, count, dst) => {
      runs.push([first, count]);
      if (opts.runFails) throw opts.runFails;
      const ok = new Uint8Array(count);
      for (let k = 0; k < count; k++) {
        const i = first + k;
        // A block the decoder cannot give is left as garbage and flagged 0.
        if (opts.leave?.includes(i) || opts.bad?.includes(i)) dst.fill(0xee, k * BS, Math.min((k + 1) * BS, dst.length));
        else { dst.set(block(i), k * BS); ok[k] = 1; }
      }
      return ok;
    },
  });
  return { r, singles, runs, issues };
}

test('a large unaligned read: edges through the block loader (cached), whole blocks in runs (not cached)', async () => {
  const { r, singles, runs } = reader();
  const got = await r.read(5, 180); // blocks 0 (part), 1..11 whole, 11 ends at 192 > 185: part
  assert.deepEqual([...got], expect(5, 180));
  assert.deepEqual(singles.sort((a, b) => a - b), [0, 11]);
  assert.deepEqual(runs, [[1, 4], [5, 4], [9, 2]]);
  assert.equal(r.cache.cachedBytes, 2 * BS, 'only the two edge blocks are cached');
  // The same read again decodes the whole blocks again (nothing was cached for them) but not the edges.
  assert.deepEqual([...(await r.read(5, 180))], expect(5, 180));
  assert.deepEqual(singles.sort((a, b) => a - b), [0, 11]);
  assert.equal(runs.length, 6);
});

test('the short last block is read whole when the read reaches the end', async () => {
  const { r, singles } = reader();
  assert.deepEqual([...(await r.read(0, 1000))], expect(0, SIZE));
  assert.deepEqual(singles, []);
});

test('blocks already cached are copied, not decoded again; small reads keep the cached path', async () => {
  const { r, singles, runs } = reader();
  await r.read(3 * BS + 2, 4); // block 3 alone: block loader, cached
  assert.deepEqual(singles, [3]);
  assert.deepEqual([...(await r.read(BS, 6 * BS))], expect(BS, 6 * BS));
  assert.deepEqual(runs, [[1, 2], [4, 3]]);
  assert.deepEqual(singles, [3]);
  // Below directBytes the run loader is not used (none given here): blocks come one by one.
  assert.deepEqual([...(await r.read(9 * BS + 1, 2 * BS))], expect(9 * BS + 1, 2 * BS));
  assert.deepEqual(singles.sort((a, b) => a - b), [3, 9, 10, 11]);
});

test('a block the run leaves out is read by the block loader: bytes as stored, or zeros and one located issue', async () => {
  const { r, singles, issues } = reader({ leave: [2], bad: [6] });
  const got = await r.read(0, 8 * BS);
  assert.deepEqual([...got.subarray(0, 6 * BS)], expect(0, 6 * BS));
  assert.ok(got.subarray(6 * BS, 7 * BS).every((x) => x === 0));
  assert.deepEqual([...got.subarray(7 * BS)], expect(7 * BS, BS));
  assert.deepEqual(singles.sort((a, b) => a - b), [2, 6]);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.offset, 6 * BS);
  // The same bytes and the same (single) issue as small reads give.
  await r.read(6 * BS, BS);
  assert.equal(issues.length, 1);
});

test('a run failing with a ParseError falls back to the block loader; any other error propagates', async () => {
  const a = reader({ runFails: new ParseError('truncated', { what: 'span' }) });
  assert.deepEqual([...(await a.r.read(0, 4 * BS))], expect(0, 4 * BS));
  assert.deepEqual(a.singles.sort((x, y) => x - y), [0, 1, 2, 3]);
  const b = reader({ runFails: new Error('disk on fire') });
  await assert.rejects(b.r.read(0, 4 * BS), /disk on fire/);
});

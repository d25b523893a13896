import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '../../../../electron/common/issues.js';
import { openVss } from '../../../../electron/formats/vss/index.js';
import type { ReadIssue } from '../../../../electron/io/block-cache.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { B, buildVss } from './vss-builder.js';

/** The fill byte of each 512-byte sector of a block read back (block k of the volume is byte k). */
const sectors = (b: Uint8Array): number[] => Array.from({ length: b.length / 512 }, (_, i) => b[i * 512]!);
const T1 = 133243920000000000n;
const T2 = T1 + 36_000_000_000n;

test('no VSS header → null; a header with no catalog → no stores', async () => {
  assert.equal(await openVss(new BufferReader(new Uint8Array(64 * 1024))), null);
  const v = buildVss(8, []);
  new DataView(v.bytes.buffer).setBigUint64(0x1e00 + 48, 0n, true);
  assert.deepEqual((await openVss(new BufferReader(v.bytes)))!.stores, []);
});

test('a plain descriptor puts the preserved block back; other blocks read from the volume', async () => {
  const v = buildVss(32, [{ guidByte: 0x11, time: T1, descs: [{ orig: 2 * B, rel: 0, store: 10 * B }] }]);
  const vss = (await openVss(new BufferReader(v.bytes)))!;
  assert.deepEqual(vss.stores.map((s) => [s.index, s.id, s.created]), [[1, '11111111-1111-1111-1111-111111111111', '2023-03-27T12:00:00.000Z']]);
  const r = vss.snapshot(1);
  assert.equal(r.size, 32 * B);
  assert.deepEqual(sectors(await r.read(2 * B, B)), Array(32).fill(10));
  assert.deepEqual(sectors(await r.read(3 * B, B)), Array(32).fill(3));
  // Reads across block boundaries stitch the two sources.
  const x = await r.read(2 * B + B - 4, 8);
  assert.deepEqual([...x], [10, 10, 10, 10, 3, 3, 3, 3]);
});

test('stores chain oldest → newest; catalog order does not matter; an overlay applies to its own store only', async () => {
  const v = buildVss(40, [
    // Listed first but newer: store 2.
    { guidByte: 0x22, time: T2, descs: [{ orig: 4 * B, rel: 0, store: 20 * B }, { orig: 5 * B, rel: 0, store: 21 * B }, { orig: 5 * B, rel: 1, store: 22 * B, flags: 2, bitmap: 0b11 }] },
    { guidByte: 0x11, time: T1, descs: [{ orig: 4 * B, rel: 0, store: 23 * B }] },
  ]);
  const vss = (await openVss(new BufferReader(v.bytes)))!;
  assert.deepEqual(vss.stores.map((s) => s.id.slice(0, 2)), ['11', '22']);
  const old = vss.snapshot(1);
  const recent = vss.snapshot(2);
  assert.equal((await old.read(4 * B, 1))[0], 23, 'store 1 has its own copy of block 4');
  assert.equal((await recent.read(4 * B, 1))[0], 20);
  // Block 5: store 1 has nothing, falls through to store 2's full block, without store 2's overlay.
  assert.deepEqual(sectors(await old.read(5 * B, B)), Array(32).fill(21));
  assert.deepEqual(sectors(await recent.read(5 * B, B)), [22, 22, ...Array(30).fill(21)]);
});

test('an overlay with no full block under it lays its sectors over what lies beneath', async () => {
  const v = buildVss(32, [{ guidByte: 1, time: T1, descs: [{ orig: 6 * B, rel: 0, store: 12 * B, flags: 2, bitmap: 0x80000001 }, { orig: 6 * B, rel: 1, store: 12 * B, flags: 2, bitmap: 0x2 }] }]);
  const r = (await openVss(new BufferReader(v.bytes)))!.snapshot(1);
  assert.deepEqual(sectors(await r.read(6 * B, B)), [12, 12, ...Array(29).fill(6), 12]);
});

test('a forwarder reads the next store at its relative offset; not-used descriptors are ignored', async () => {
  const v = buildVss(40, [
    { guidByte: 1, time: T1, descs: [{ orig: 3 * B, rel: 7 * B, store: 0, flags: 1 }, { orig: 8 * B, rel: 0, store: 15 * B, flags: 4 }] },
    { guidByte: 2, time: T2, descs: [{ orig: 7 * B, rel: 0, store: 16 * B }] },
  ]);
  const r = (await openVss(new BufferReader(v.bytes)))!.snapshot(1);
  assert.equal((await r.read(3 * B, 1))[0], 16);
  assert.equal((await r.read(8 * B, 1))[0], 8);
});

test('the newest store blanks blocks its bitmap marks unused; an older store reading through it does not', async () => {
  const v = buildVss(40, [
    { guidByte: 1, time: T1, descs: [] },
    { guidByte: 2, time: T2, descs: [], bitmapBlocks: [9] },
  ]);
  const vss = (await openVss(new BufferReader(v.bytes)))!;
  assert.equal((await vss.snapshot(2).read(9 * B + 5, 1))[0], 0);
  assert.equal((await vss.snapshot(1).read(9 * B + 5, 1))[0], 9);
  assert.equal((await vss.snapshot(2).read(10 * B, 1))[0], 10);
});

test('a catalog that loops, leaves the volume or has a bad record type is a located ParseError', async () => {
  const loop = buildVss(16, [{ guidByte: 1, time: T1, descs: [] }]);
  new DataView(loop.bytes.buffer).setBigUint64(loop.catalog + 40, BigInt(loop.catalog), true);
  await assert.rejects(openVss(new BufferReader(loop.bytes)), (e: unknown) => e instanceof ParseError && e.code === 'loop' && e.offset === loop.catalog);
  const far = buildVss(16, []);
  new DataView(far.bytes.buffer).setBigUint64(0x1e00 + 48, BigInt(15 * B + 8), true);
  await assert.rejects(openVss(new BufferReader(far.bytes)), (e: unknown) => e instanceof ParseError && e.code === 'out-of-bounds');
  const wrong = buildVss(16, []);
  wrong.bytes[wrong.catalog + 20] = 3;
  await assert.rejects(openVss(new BufferReader(wrong.bytes)), (e: unknown) => e instanceof ParseError && e.code === 'bad-signature');
});

test('a block list that loops makes that store read as zeros with located issues, not a crash', async () => {
  const v = buildVss(16, [{ guidByte: 1, time: T1, descs: [{ orig: B, rel: 0, store: 2 * B }] }]);
  new DataView(v.bytes.buffer).setBigUint64(v.lists[0]! + 40, BigInt(v.lists[0]!), true);
  const issues: ReadIssue[] = [];
  const r = (await openVss(new BufferReader(v.bytes)))!.snapshot(1, issues);
  assert.deepEqual([...(await r.read(B, 4))], [0, 0, 0, 0]);
  assert.match(issues[0]!.message, /loop: VSS store block list block chain revisits a block/);
});

test('a store header that is not one leaves the store readable, with the reason', async () => {
  const v = buildVss(16, [{ guidByte: 1, time: T1, descs: [] }]);
  v.bytes[v.headers[0]!] = 0;
  const s = (await openVss(new BufferReader(v.bytes)))!.stores[0]!;
  assert.equal(s.info, null);
  assert.match(s.infoError!, /bad-signature: VSS store header identifier/);
});

test('descriptors pointing outside the volume are dropped, not followed', async () => {
  const v = buildVss(16, [{ guidByte: 1, time: T1, descs: [{ orig: 2 * B, rel: 0, store: 100 * B }, { orig: 2 ** 60, rel: 0, store: 3 * B }] }]);
  const r = (await openVss(new BufferReader(v.bytes)))!.snapshot(1);
  assert.equal((await r.read(2 * B, 1))[0], 2);
});

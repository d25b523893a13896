/**
 * The index slack scanner on hand-built nodes: an old entry whose header the end marker overwrote,
 * an intact old entry, and the look-alikes it must refuse (another parent, bad namespace, zero
 * time, a name running past the node, '/', allocated < real size, DOS names); then a directory's
 * INDX blocks, one of them no longer reached by the tree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readIndex, readIndexWithSlack, scanNodeSlack, type SlackName } from '../../../../electron/formats/ntfs/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { fileNameValue, indexNode, indexRoot, indxBlock } from './build.js';

const DIR = 40;
const key = (name: string, opts: Parameters<typeof fileNameValue>[3] = {}, parent = DIR): Uint8Array => fileNameValue(name, parent, 1, opts);

/** A complete entry (header + key), 8-aligned, as the live code writes them. */
function entry(ref: number, seq: number, k: Uint8Array): Uint8Array {
  const len = (16 + k.length + 7) & ~7;
  const b = new Uint8Array(len);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, ref, true); dv.setUint16(6, seq, true); dv.setUint16(8, len, true); dv.setUint16(10, k.length, true);
  b.set(k, 16);
  return b;
}

/**
 * A node with live entry a.txt, then c.txt removed the Windows way (the end marker written over
 * its header, its key left behind), then older entries in the rest of the allocated space.
 */
function nodeWithSlack(old: Uint8Array[]): { node: Uint8Array; liveEnd: number } {
  const live = indexNode([{ ref: 41, key: key('a.txt') }, { ref: 42, key: key('c.txt') }]);
  const dv0 = new DataView(live.buffer);
  const cPos = 16 + dv0.getUint16(16 + 8, true);
  const tail = old.reduce((n, e) => n + e.length, 0);
  const node = new Uint8Array(live.length + tail + 64);
  node.set(live);
  const dv = new DataView(node.buffer);
  // End marker over c.txt's header: reference 0, length 16, no key, "last".
  node.fill(0, cPos, cPos + 16);
  dv.setUint16(cPos + 8, 16, true); dv.setUint16(cPos + 12, 2, true);
  dv.setUint32(4, cPos + 16, true); // index length
  dv.setUint32(8, node.length, true); // allocated size
  let o = live.length;
  for (const e of old) { node.set(e, o); o += e.length; }
  return { node, liveEnd: cPos };
}

const names = (out: SlackName[]): string[] => out.map((s) => `${s.key.name}@${s.ref.entry}-${s.ref.sequence}${s.refOverwritten ? '!' : ''}`);

test('slack scanner: the key behind an end marker (reference lost) and an intact old entry; look-alikes refused', () => {
  const badNs = key('ns.txt'); badNs[0x41] = 7;
  const noTime = key('notime.txt'); noTime.fill(0, 8, 16);
  const allocLess = key('alloc.txt'); new DataView(allocLess.buffer).setBigUint64(0x30, 4096n, true); // real > allocated (0)
  const { node, liveEnd } = nodeWithSlack([
    entry(60, 2, key('d.txt')),
    entry(61, 1, key('other-parent.txt', {}, 7)),
    entry(62, 1, badNs),
    entry(63, 1, noTime),
    entry(64, 1, key('a/b.txt')),
    entry(65, 1, allocLess),
    entry(66, 1, key('DOSNAM~1.TXT', { namespace: 2 })),
    entry(67, 3, key('e.txt', { dir: true })),
  ]);
  const out: SlackName[] = [];
  scanNodeSlack(node, 1000, liveEnd, node.length, DIR, 100, out);
  assert.deepEqual(names(out), ['c.txt@0-0!', 'd.txt@60-2', 'e.txt@67-3']);
  assert.equal(out[0]!.offset, 1000 + liveEnd);
  assert.equal(out[0]!.key.created, '2022-06-18T04:26:40.000Z');
  assert.equal(out[2]!.key.fileAttributes & 0x10000000, 0x10000000);
  // The live entries are never reported, and references past the MFT are refused.
  const few: SlackName[] = [];
  scanNodeSlack(node, 0, liveEnd, node.length, DIR, 61, few);
  assert.deepEqual(names(few), ['c.txt@0-0!', 'd.txt@60-2']);
  // A name that would run past the allocated end is not read.
  const cut: SlackName[] = [];
  const dEnd = liveEnd + 16 + 0x42 + 2 * 'c.txt'.length;
  scanNodeSlack(node, 0, liveEnd, dEnd - 1, DIR, 100, cut);
  assert.deepEqual(cut, []);
});

test('slack scanner: bounds it is given are clamped, never trusted', () => {
  const { node } = nodeWithSlack([entry(60, 2, key('d.txt'))]);
  for (const [from, end] of [[-8, node.length], [Number.NaN, node.length], [node.length + 100, node.length + 200], [0, 1e12], [3, Number.POSITIVE_INFINITY]]) {
    const out: SlackName[] = [];
    assert.doesNotThrow(() => scanNodeSlack(node, 0, from!, end!, DIR, 100, out));
    for (const s of out) assert.ok(s.offset + 16 + 0x42 <= node.length);
  }
  const tiny: SlackName[] = [];
  scanNodeSlack(new Uint8Array(20), 0, 0, 20, DIR, 100, tiny);
  assert.deepEqual(tiny, []);
});

test('directory slack: root and reached blocks past their live end, unreached INDX blocks whole; live entries as readIndex', async () => {
  const root = indexRoot(indexNode([{ ref: 41, key: key('m.txt'), sub: 0 }]));
  const alloc = new Uint8Array(4 * 4096);
  // Block 0 (reached): live k.txt; an old entry after the end.
  const n0 = indexNode([{ ref: 43, key: key('k.txt') }], undefined, 40);
  const n0s = new Uint8Array(n0.length + 200);
  n0s.set(n0);
  n0s.set(entry(70, 1, key('old0.txt')), n0.length);
  alloc.set(indxBlock(0, n0s), 0);
  // Block 1: not reached by the tree (a freed block): its "live" entries are old names too.
  alloc.set(indxBlock(1, indexNode([{ ref: 71, key: key('freed.txt') }], undefined, 40)), 4096);
  // Block 2: never used (zeros). Block 3: a torn free block (ignored).
  const torn = indxBlock(3, indexNode([{ ref: 72, key: key('torn.txt') }], undefined, 40));
  torn[510] = 0x55;
  alloc.set(torn, 3 * 4096);
  const issues: string[] = [];
  const r = await readIndexWithSlack(root, 0, new BufferReader(alloc), 4096, DIR, 100, issues);
  assert.deepEqual(r.entries.map((e) => e.key.name), (await readIndex(root, 0, new BufferReader(alloc), 4096, [])).map((e) => e.key.name));
  assert.deepEqual(r.entries.map((e) => e.key.name), ['m.txt', 'k.txt']);
  assert.deepEqual(names(r.slack), ['old0.txt@70-1', 'freed.txt@71-1']);
  assert.deepEqual(issues, []);
  // When the walk met damage, an unreached block may be a live one cut off: only its slack is read.
  const damaged = Uint8Array.from(alloc);
  damaged[510] = 0x55; // tear block 0
  const issues2: string[] = [];
  const r2 = await readIndexWithSlack(root, 0, new BufferReader(damaged), 4096, DIR, 100, issues2);
  assert.match(issues2[0]!, /checksum/);
  assert.deepEqual(names(r2.slack), []);
});

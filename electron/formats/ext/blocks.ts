/**
 * Where an inode's bytes lie (SPEC.md § Block map, § Extent tree): ext2/3 direct and
 * single/double/triple indirect pointers, or an ext4 extent tree. Both produce byte extents for
 * io/extent-reader; holes and uninitialised extents read as zeros. Every pointer is range-checked
 * against the volume, the tree depth is capped, tree blocks are visited once, and only the
 * blocks the file size needs are mapped.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { pushExtent, type Extent } from '../../io/extent-reader.js';

/** The kernel never builds trees deeper than 5 levels. */
export const MAX_EXTENT_DEPTH = 5;
const EXTENT_MAGIC = 0xf30a;

export interface BlockSource {
  readonly blockSize: number;
  readonly blocksCount: number;
  readBlock(block: number): Promise<Uint8Array>;
}

/** Raw (logical block, physical block or null, block count) runs, before conversion to bytes. */
interface Run { lblk: number; pblk: number | null; count: number }

function toExtents(runs: Run[], bs: number, size: number): Extent[] {
  runs.sort((a, b) => a.lblk - b.lblk);
  const out: Extent[] = [];
  let covered = 0;
  for (const r of runs) {
    const start = r.lblk * bs;
    if (start >= size || start < covered) continue; // overlapping runs: the first one wins
    const len = Math.min(r.count * bs, size - start);
    pushExtent(out, start, r.pblk === null ? null : r.pblk * bs, len);
    covered = start + len;
  }
  return out;
}

/** ext2/3 block map: i_block[0..11] direct, [12] single, [13] double, [14] triple indirect. */
export async function blockMapExtents(src: BlockSource, iBlock: Uint8Array, size: number): Promise<Extent[]> {
  const bs = src.blockSize;
  const need = Math.ceil(size / bs);
  const per = bs / 4;
  const runs: Run[] = [];
  const c = new ByteCursor(iBlock);
  const add = (lblk: number, p: number): void => {
    if (p === 0 || p >= src.blocksCount) return; // hole, or a pointer off the volume: reads as zeros
    const last = runs[runs.length - 1];
    if (last && last.pblk !== null && last.lblk + last.count === lblk && last.pblk + last.count === p) last.count++;
    else runs.push({ lblk, pblk: p, count: 1 });
  };
  for (let i = 0; i < 12 && i < need; i++) add(i, c.u32(i * 4, `i_block[${i}]`));
  // A real file never shares an indirect block with itself: a repeat is a crafted loop, and the
  // visited set also bounds the work to the blocks the volume has.
  const seen = new Set<number>();
  // Each level maps per^level blocks; a subtree is read only if it covers blocks below `need`.
  const walk = async (ptr: number, level: number, first: number): Promise<void> => {
    if (first >= need || ptr === 0 || ptr >= src.blocksCount) return;
    if (seen.has(ptr)) throw new ParseError('loop', { what: `indirect block ${ptr} used twice`, offset: ptr * bs });
    seen.add(ptr);
    const block = new ByteCursor(await src.readBlock(ptr), ptr * bs);
    const span = per ** (level - 1);
    for (let i = 0; i < per; i++) {
      const lblk = first + i * span;
      if (lblk >= need) break;
      const p = block.has(i * 4, 4) ? block.u32(i * 4, 'indirect pointer') : 0;
      if (level === 1) add(lblk, p);
      else await walk(p, level - 1, lblk);
    }
  };
  await walk(c.u32(48, 'i_block[12]'), 1, 12);
  await walk(c.u32(52, 'i_block[13]'), 2, 12 + per);
  await walk(c.u32(56, 'i_block[14]'), 3, 12 + per + per * per);
  return toExtents(runs, bs, size);
}

/** ext4 extent tree rooted in i_block. */
export async function extentTreeExtents(src: BlockSource, iBlock: Uint8Array, size: number): Promise<Extent[]> {
  const bs = src.blockSize;
  const runs: Run[] = [];
  const seen = new Set<number>();
  const node = async (c: ByteCursor, depthLeft: number): Promise<void> => {
    if (c.u16(0, 'eh_magic') !== EXTENT_MAGIC) throw new ParseError('bad-signature', { what: 'extent header eh_magic (0xF30A)', offset: c.base });
    const entries = c.u16(2, 'eh_entries');
    const depth = c.u16(6, 'eh_depth');
    if (depth > depthLeft) throw new ParseError('limit-exceeded', { what: 'extent tree eh_depth', offset: c.base + 6, need: depth, have: depthLeft });
    if (12 + entries * 12 > c.length) throw new ParseError('truncated', { what: 'extent entries', offset: c.base, need: 12 + entries * 12, have: c.length });
    for (let i = 0; i < entries; i++) {
      const at = 12 + i * 12;
      const lblk = c.u32(at, 'ee_block');
      if (depth === 0) {
        let len = c.u16(at + 4, 'ee_len');
        const uninit = len > 32768;
        if (uninit) len -= 32768;
        const pblk = c.u16(at + 6, 'ee_start_hi') * 2 ** 32 + c.u32(at + 8, 'ee_start_lo');
        const off = pblk >= src.blocksCount || pblk + len > src.blocksCount;
        runs.push({ lblk, pblk: uninit || off ? null : pblk, count: len });
      } else {
        const child = c.u32(at + 4, 'ei_leaf_lo') + c.u16(at + 8, 'ei_leaf_hi') * 2 ** 32;
        if (child >= src.blocksCount) throw new ParseError('out-of-bounds', { what: 'extent index ei_leaf', offset: c.base + at + 4 });
        if (seen.has(child)) throw new ParseError('loop', { what: `extent tree block ${child} visited twice`, offset: c.base + at + 4 });
        seen.add(child);
        if (lblk * bs >= size) continue;
        await node(new ByteCursor(await src.readBlock(child), child * bs), depth - 1);
      }
    }
  };
  await node(new ByteCursor(iBlock), MAX_EXTENT_DEPTH);
  return toExtents(runs, bs, size);
}

/**
 * A store's block list (which 16 KiB volume blocks it preserved, and where), its block range list
 * and its bitmaps. The block list is folded front to back into a forward map (original offset →
 * descriptor, with any overlay attached) and a reverse map of forwarders (SPEC.md, "Successive
 * block descriptors").
 */
import { ParseError } from '../../common/issues.js';
import type { Reader } from '../../io/reader.js';
import { BLOCK_HEADER, blockChain, readBlock, RECORD, VSS_BLOCK, VSS_LIMITS } from './structs.js';

export const FLAG = { forwarder: 1, overlay: 2, notUsed: 4 } as const;

export interface Descriptor {
  orig: number;
  rel: number;
  store: number;
  flags: number;
  /** Overlay only: which 512-byte sectors of the block the overlay holds (LSB = first sector). */
  bitmap: number;
  /** The overlay that applies on top of this (non-overlay) descriptor when its store is read itself. */
  overlay: Descriptor | null;
}

export interface BlockMap {
  forward: Map<number, Descriptor>;
  /** Forwarders by relative offset: blocks of the next store that still hold their original data. */
  reverse: Map<number, Descriptor>;
  /** Descriptors dropped because an offset did not fit the volume. */
  skipped: number;
}

const MAX_OFFSET = 2n ** 53n - 1n;

export async function readBlockMap(volume: Reader, listOffset: number, volumeSize: number): Promise<BlockMap> {
  const forward = new Map<number, Descriptor>();
  const reverse = new Map<number, Descriptor>();
  let count = 0;
  let skipped = 0;
  const maxBlocks = Math.ceil(VSS_LIMITS.maxDescriptors / ((VSS_BLOCK - BLOCK_HEADER) / 32));
  for await (const c of blockChain(volume, listOffset, RECORD.blockList, 'VSS store block list', maxBlocks)) {
    for (let e = BLOCK_HEADER; e + 32 <= VSS_BLOCK; e += 32) {
      const origBig = c.u64big(e, 'VSS descriptor original offset');
      const relBig = c.u64big(e + 8, 'VSS descriptor relative offset');
      const storeBig = c.u64big(e + 16, 'VSS descriptor store offset');
      const flags = c.u32(e + 24, 'VSS descriptor flags');
      if (origBig === 0n && relBig === 0n && storeBig === 0n && flags === 0) continue; // unused slot
      if (++count > VSS_LIMITS.maxDescriptors) throw new ParseError('limit-exceeded', { what: 'VSS block descriptors in one store', offset: c.base + e, need: count, have: VSS_LIMITS.maxDescriptors });
      if (origBig > MAX_OFFSET || relBig > MAX_OFFSET || storeBig > MAX_OFFSET || Number(origBig) >= volumeSize || Number(storeBig) + VSS_BLOCK > volume.size) {
        skipped++;
        continue;
      }
      const d: Descriptor = { orig: Number(origBig), rel: Number(relBig), store: Number(storeBig), flags, bitmap: c.u32(e + 28, 'VSS descriptor allocation bitmap'), overlay: null };
      fold(forward, reverse, d);
    }
  }
  return { forward, reverse, skipped };
}

/** One descriptor into the maps, in list order (SPEC.md "Successive block descriptors"). */
function fold(forward: Map<number, Descriptor>, reverse: Map<number, Descriptor>, d: Descriptor): void {
  if (d.flags & FLAG.notUsed) return;
  if (!(d.flags & FLAG.overlay)) {
    const r = reverse.get(d.orig);
    if (r) {
      // A block moved by an earlier forwarder: this descriptor really describes the forwarder's origin.
      d.orig = r.orig;
      reverse.delete(r.rel);
      if (d.flags & FLAG.forwarder && d.orig === d.rel) return;
    }
  }
  const existing = forward.get(d.orig);
  if (!existing) forward.set(d.orig, d);
  else if (d.flags & FLAG.overlay) {
    const ov = existing.flags & FLAG.overlay ? existing : existing.overlay;
    if (ov) ov.bitmap = (ov.bitmap | d.bitmap) >>> 0;
    else existing.overlay = d;
  } else {
    d.overlay = existing.flags & FLAG.overlay ? existing : existing.overlay;
    forward.set(d.orig, d);
  }
  if (d.flags & FLAG.forwarder) reverse.set(d.rel, d);
}

export interface RangeEntry { store: number; rel: number; size: number }

/** The store block range list: the volume ranges the store's own data occupies. */
export async function readRangeList(volume: Reader, offset: number): Promise<RangeEntry[]> {
  const out: RangeEntry[] = [];
  if (offset === 0) return out;
  const maxBlocks = Math.ceil(VSS_LIMITS.maxRangeEntries / ((VSS_BLOCK - BLOCK_HEADER) / 24));
  for await (const c of blockChain(volume, offset, RECORD.rangeList, 'VSS store block range list', maxBlocks)) {
    for (let e = BLOCK_HEADER; e + 24 <= VSS_BLOCK; e += 24) {
      const size = c.u64big(e + 16, 'VSS block range size');
      if (size === 0n) continue;
      if (out.length >= VSS_LIMITS.maxRangeEntries) throw new ParseError('limit-exceeded', { what: 'VSS block range entries', offset: c.base + e, need: out.length + 1, have: VSS_LIMITS.maxRangeEntries });
      out.push({ store: c.u64(e, 'VSS block range store offset'), rel: c.u64(e + 8, 'VSS block range relative offset'), size: c.u64(e + 16, 'VSS block range size') });
    }
  }
  return out;
}

/**
 * A store bitmap (one bit per 16 KiB volume block, LSB first; set = not in use by the store).
 * Only the chain of block offsets is kept; bits are read on demand, one bitmap block cached.
 */
export class StoreBitmap {
  private cached: { index: number; bytes: Uint8Array } | null = null;
  private constructor(private readonly volume: Reader, private readonly blocks: number[]) {}

  static async open(volume: Reader, offset: number, volumeSize: number): Promise<StoreBitmap | null> {
    if (offset === 0) return null;
    const bitsPerBlock = (VSS_BLOCK - BLOCK_HEADER) * 8;
    const need = Math.max(1, Math.ceil(volumeSize / VSS_BLOCK / bitsPerBlock));
    const blocks: number[] = [];
    // A bitmap longer than the volume needs is cut (its tail describes no block); loops still throw.
    for await (const c of blockChain(volume, offset, RECORD.bitmap, 'VSS store bitmap', need + 1)) {
      blocks.push(c.base);
      if (blocks.length >= need) break;
    }
    return new StoreBitmap(volume, blocks);
  }

  /** Bit for the 16 KiB block at `offset`; blocks past the bitmap's end count as clear. */
  async isSet(offset: number): Promise<boolean> {
    const bit = Math.floor(offset / VSS_BLOCK);
    const bitsPerBlock = (VSS_BLOCK - BLOCK_HEADER) * 8;
    const index = Math.floor(bit / bitsPerBlock);
    if (index >= this.blocks.length) return false;
    if (this.cached?.index !== index) this.cached = { index, bytes: (await readBlock(this.volume, this.blocks[index]!, 'VSS store bitmap')).bytes };
    const within = bit - index * bitsPerBlock;
    return ((this.cached.bytes[BLOCK_HEADER + (within >> 3)]! >> (within & 7)) & 1) === 1;
  }
}

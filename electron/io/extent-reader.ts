import { clampRange, type Reader } from './reader.js';

/**
 * One contiguous piece of a file: `length` bytes at logical offset `logical`, stored at byte
 * `physical` of the volume, or a hole (`physical === null`) that reads as zeros.
 */
export interface Extent {
  readonly logical: number;
  readonly physical: number | null;
  readonly length: number;
}

/**
 * A file laid out as extents over a volume Reader (FAT cluster chains, ext block maps and extent
 * trees). Bytes no extent covers, holes, and bytes past the end of the volume read as zeros, so a
 * torn image gives a short-of-truth file, never an exception in the middle of a hash.
 * Extents must be sorted by `logical` and must not overlap (the builders guarantee it).
 */
export class ExtentReader implements Reader {
  constructor(
    private readonly volume: Reader,
    private readonly extents: readonly Extent[],
    readonly size: number,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    if (r.length === 0) return new Uint8Array(0);
    const end = r.start + r.length;
    const out = new Uint8Array(r.length);
    for (let i = this.first(r.start); i < this.extents.length; i++) {
      const e = this.extents[i]!;
      if (e.logical >= end) break;
      const from = Math.max(e.logical, r.start);
      const to = Math.min(e.logical + e.length, end);
      if (to <= from || e.physical === null) continue;
      const bytes = await this.volume.read(e.physical + (from - e.logical), to - from);
      out.set(bytes, from - r.start);
    }
    return out;
  }

  async close(): Promise<void> {}

  /** Index of the first extent that may hold `pos` (binary search on logical start). */
  private first(pos: number): number {
    let lo = 0;
    let hi = this.extents.length - 1;
    let best = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.extents[mid]!.logical <= pos) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  }
}

/** Appends a piece, merging it with the previous one when both are physically contiguous. */
export function pushExtent(out: Extent[], logical: number, physical: number | null, length: number): void {
  const last = out[out.length - 1];
  if (last && last.logical + last.length === logical && ((last.physical === null && physical === null) || (last.physical !== null && physical !== null && last.physical + last.length === physical))) {
    out[out.length - 1] = { logical: last.logical, physical: last.physical, length: last.length + length };
  } else out.push({ logical, physical, length });
}

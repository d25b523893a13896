/**
 * A fork (data, resource, or a special file) as a Reader: its extents mapped onto the volume.
 * Extents past the end of the volume, or a fork whose extents cover fewer bytes than its logical
 * size, read as zeros there; the caller records the issue when it builds the extent list.
 */
import { clampRange, type Reader } from '../../io/reader.js';
import type { Extent } from './volume-header.js';

export class ForkReader implements Reader {
  /** Logical byte offset where each extent starts; one extra entry for the end. */
  private readonly starts: number[] = [0];

  constructor(
    private readonly volume: Reader,
    private readonly blockSize: number,
    private readonly extents: readonly Extent[],
    readonly size: number,
  ) {
    for (const e of extents) this.starts.push(this.starts[this.starts.length - 1]! + e.blockCount * blockSize);
  }

  /** Bytes the extents cover (may fall short of `size` on a damaged volume). */
  get covered(): number {
    return this.starts[this.starts.length - 1]!;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    if (r.length === 0) return new Uint8Array(0);
    let lo = 0;
    let hi = this.extents.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= r.start) lo = mid;
      else hi = mid - 1;
    }
    // Common case: the whole read lies in one extent and on the volume.
    const e0 = this.extents[lo];
    if (e0 && r.start + r.length <= this.starts[lo + 1]!) {
      const at = e0.startBlock * this.blockSize + (r.start - this.starts[lo]!);
      const b = await this.volume.read(at, r.length);
      if (b.length === r.length) return b;
    }
    const out = new Uint8Array(r.length);
    let pos = r.start;
    for (let i = lo; i < this.extents.length && pos < r.start + r.length; i++) {
      const eStart = this.starts[i]!;
      const eEnd = this.starts[i + 1]!;
      if (eEnd <= pos) continue;
      const take = Math.min(eEnd, r.start + r.length) - pos;
      const at = this.extents[i]!.startBlock * this.blockSize + (pos - eStart);
      const b = await this.volume.read(at, take);
      out.set(b, pos - r.start);
      pos += take;
    }
    return out;
  }

  /** The volume reader is owned by the volume. */
  async close(): Promise<void> {}
}

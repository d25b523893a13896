import { clampRange, type Reader } from './reader.js';

/**
 * Several Readers end to end (split raw `.001 .002 ...`, a VMDK's flat extents): one logical
 * byte range. The ConcatReader owns its parts and closes them.
 */
export class ConcatReader implements Reader {
  readonly size: number;
  /** starts[i] = logical offset of parts[i]; one extra entry holds the total. */
  private readonly starts: number[];

  constructor(private readonly parts: readonly Reader[]) {
    this.starts = [0];
    let total = 0;
    for (const p of parts) {
      total += p.size;
      if (!Number.isSafeInteger(total)) throw new RangeError('concatenated size above 2^53-1');
      this.starts.push(total);
    }
    this.size = total;
  }

  /** Index of the part holding logical offset `off` (off < size). */
  private partAt(off: number): number {
    let lo = 0;
    let hi = this.parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    // Skip empty parts that share a start with the next one.
    while (lo < this.parts.length - 1 && this.starts[lo + 1]! <= off) lo++;
    return lo;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    if (r.length === 0) return new Uint8Array(0);
    let i = this.partAt(r.start);
    const start = this.starts[i]!;
    if (r.start + r.length <= this.starts[i + 1]!) return this.parts[i]!.read(r.start - start, r.length);
    const out = new Uint8Array(r.length);
    let pos = 0;
    while (pos < r.length && i < this.parts.length) {
      const within = r.start + pos - this.starts[i]!;
      const want = Math.min(r.length - pos, this.parts[i]!.size - within);
      if (want > 0) {
        const got = await this.parts[i]!.read(within, want);
        out.set(got, pos);
        if (got.length < want) return out.subarray(0, pos + got.length); // a part shrank: short read
        pos += want;
      }
      i++;
    }
    return out.subarray(0, pos);
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled(this.parts.map((p) => p.close()));
    const failed = results.find((x) => x.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
}

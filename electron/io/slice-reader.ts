import { clampRange, type Reader } from './reader.js';

/** A window [offset, offset+length) of a parent Reader: a partition, a stored ZIP member. */
export class SliceReader implements Reader {
  readonly size: number;
  constructor(
    private readonly parent: Reader,
    private readonly base: number,
    length: number,
  ) {
    if (base < 0 || length < 0 || base > parent.size) throw new RangeError(`slice ${base}+${length} outside parent of ${parent.size}`);
    this.size = Math.min(length, parent.size - base);
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    return this.parent.read(this.base + r.start, r.length);
  }
  /** A slice does not own its parent. */
  async close(): Promise<void> {}
}

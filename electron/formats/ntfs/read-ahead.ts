/**
 * A Reader that serves small reads from one larger window read ahead: a directory's INDX blocks
 * are read one by one but lie together, so one read replaces a dozen through the container stack.
 * The window is only an optimisation: when reading it fails (a run past the end of a truncated
 * image), the read asked for is passed through, so callers see exactly the errors they would
 * without it.
 */
import { ParseError } from '../../common/issues.js';
import type { Reader } from '../../io/reader.js';

export class ReadAheadReader implements Reader {
  private start = 0;
  private window: Uint8Array | null = null;
  private failedAt = -1;

  constructor(private readonly inner: Reader, private readonly windowBytes = 256 * 1024) {}

  get size(): number {
    return this.inner.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const w = this.window;
    if (w && offset >= this.start && offset + length <= this.start + w.length) return w.subarray(offset - this.start, offset - this.start + length);
    if (length >= this.windowBytes || !Number.isSafeInteger(offset) || offset < 0 || offset >= this.inner.size) return this.inner.read(offset, length);
    const start = offset - (offset % this.windowBytes);
    if (start !== this.failedAt) {
      try {
        const got = await this.inner.read(start, Math.min(this.windowBytes, this.inner.size - start));
        this.window = got;
        this.start = start;
        if (offset + length <= start + got.length) return got.subarray(offset - start, offset - start + length);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.failedAt = start;
      }
    }
    return this.inner.read(offset, length);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

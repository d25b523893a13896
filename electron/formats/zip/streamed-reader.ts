/**
 * A Reader over content that can only be produced front to back (deflated or encrypted members,
 * gzip). Small content is produced once into memory; sequential readers (hashing) are served
 * straight from the stream; a reader that seeks backwards, or far ahead, gets a private temp copy
 * (spill.ts) under a size cap. Reads are serialised so one stream is never pulled twice at once.
 */
import { ParseError } from '../../common/issues.js';
import { clampRange, type Reader } from '../../io/reader.js';
import { ZIP_LIMITS } from './limits.js';
import { SpillReader } from './spill.js';

export interface StreamedReaderOptions {
  what: string;
  memoryMaxBytes?: number;
  spillMaxBytes?: number;
  skipAheadBytes?: number;
  tempDir?: string;
}

export class StreamedReader implements Reader {
  private it: AsyncIterator<Uint8Array> | null = null;
  private pos = 0;
  private carry: Uint8Array = new Uint8Array(0);
  private mem: Uint8Array | null = null;
  private spill: SpillReader | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    readonly size: number,
    /** Produces the content from the start, fresh on every call. */
    private readonly source: () => AsyncIterable<Uint8Array>,
    private readonly o: StreamedReaderOptions,
  ) {}

  read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    const p = this.queue.then(() => this.readNow(r.start, r.length));
    this.queue = p.catch(() => {});
    return p;
  }

  private async readNow(offset: number, length: number): Promise<Uint8Array> {
    if (this.closed) throw new Error(`${this.o.what}: read after close`);
    if (length === 0) return new Uint8Array(0);
    if (this.size <= (this.o.memoryMaxBytes ?? ZIP_LIMITS.memoryMaxBytes)) {
      this.mem ??= await this.collect();
      return this.mem.subarray(offset, offset + length);
    }
    if (this.spill) return this.spill.read(offset, length);
    const ahead = offset - this.pos;
    if (ahead >= 0 && ahead <= (this.o.skipAheadBytes ?? ZIP_LIMITS.skipAheadBytes)) {
      if (ahead > 0) await this.take(ahead);
      return this.take(length);
    }
    await this.dropStream();
    const cap = this.o.spillMaxBytes ?? ZIP_LIMITS.spillMaxBytes;
    if (this.size > cap) {
      throw new ParseError('limit-exceeded', { what: `random access into ${this.o.what}`, need: this.size, have: cap },
        `random access into ${this.o.what} needs a ${this.size}-byte temp copy, above the cap of ${cap}`);
    }
    this.spill = await SpillReader.fromChunks(this.source(), cap, this.o.what, this.o.tempDir);
    return this.spill.read(offset, length);
  }

  /**
   * The content front to back exactly as produced (no copies, no memory or temp copy), for one
   * sequential consumer such as a hash; null once this reader has been read another way.
   */
  sequentialChunks(): AsyncIterable<Uint8Array> | null {
    if (this.closed || this.it || this.mem || this.spill) return null;
    return this.source();
  }

  private async collect(): Promise<Uint8Array> {
    const out = new Uint8Array(this.size);
    let got = 0;
    for await (const c of this.source()) {
      out.set(c.subarray(0, this.size - got), got);
      got += c.length;
    }
    return out.subarray(0, Math.min(got, this.size));
  }

  /** Next `n` bytes of the stream (fewer only at its end). */
  private async take(n: number): Promise<Uint8Array> {
    this.it ??= this.source()[Symbol.asyncIterator]();
    const parts: Uint8Array[] = [];
    let have = 0;
    while (have < n) {
      if (this.carry.length === 0) {
        const next = await this.it.next();
        if (next.done) break;
        this.carry = next.value;
        continue;
      }
      const part = this.carry.subarray(0, n - have);
      this.carry = this.carry.subarray(part.length);
      parts.push(part);
      have += part.length;
    }
    this.pos += have;
    if (parts.length === 1) return parts[0]!;
    const out = new Uint8Array(have);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  private async dropStream(): Promise<void> {
    const it = this.it;
    this.it = null;
    this.carry = new Uint8Array(0);
    this.pos = 0;
    if (it?.return) await it.return(undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await this.dropStream();
    this.mem = null;
    if (this.spill) await this.spill.close();
    this.spill = null;
  }
}

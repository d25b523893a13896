/**
 * The decompressed UDIF disk as a Reader: a sorted sector map of chunks. Zero/ignore chunks and
 * gaps read as zeros, raw chunks straight from the image, compressed chunks are decoded whole
 * (they are small, 1 MiB by default in hdiutil) and kept in a byte-bounded BlockCache keyed by
 * chunk index. A chunk that cannot be decoded reads as zeros and becomes one located issue.
 */
import { ParseError } from '../../common/issues.js';
import { BlockCache, pushIssue, type ReadIssue } from '../../io/block-cache.js';
import { clampRange, type Reader } from '../../io/reader.js';
import { decodeChunk } from './decode.js';
import { CHUNK, type Chunk } from './mish.js';

export const SECTOR = 512;
/** Largest decoded chunk accepted (hdiutil writes 1 MiB; other tools up to a few MiB). */
export const MAX_CHUNK_BYTES = 64 * 1024 * 1024;

export class UdifDiskReader implements Reader {
  private readonly cache: BlockCache;
  private readonly bad = new Set<number>();

  constructor(
    private readonly file: Reader,
    /** Sorted by sector, not overlapping (checked by the caller). */
    readonly chunks: readonly Chunk[],
    readonly size: number,
    readonly issues: ReadIssue[],
    private readonly fileName: string | null,
    cacheBytes = 64 * 1024 * 1024,
  ) {
    this.cache = new BlockCache((i) => this.decode(i), cacheBytes);
  }

  private async decode(i: number): Promise<Uint8Array> {
    const ch = this.chunks[i]!;
    const size = ch.sectors * SECTOR;
    if (size > MAX_CHUNK_BYTES) throw new ParseError('limit-exceeded', { what: 'decoded chunk size', offset: ch.offset, need: size, have: MAX_CHUNK_BYTES });
    if (ch.length > MAX_CHUNK_BYTES + 65536) throw new ParseError('limit-exceeded', { what: 'stored chunk size', offset: ch.offset, need: ch.length, have: MAX_CHUNK_BYTES });
    const input = await this.file.read(ch.offset, ch.length);
    let out: Uint8Array;
    try {
      if (input.length < ch.length) throw new ParseError('truncated', { what: 'chunk data', offset: ch.offset, need: ch.length, have: input.length });
      out = await decodeChunk(ch.type, input, size, ch.offset);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      // Cached as zeros so a bad chunk is decoded (and reported) once, not on every read.
      this.note(i, `${e.message}; sectors ${ch.sector}-${ch.sector + ch.sectors - 1} read as zeros`);
      return new Uint8Array(size);
    }
    if (out.length === size) return out;
    const fixed = new Uint8Array(size);
    fixed.set(out.subarray(0, size));
    this.note(i, `chunk at sector ${ch.sector} decoded to ${out.length} bytes, expected ${size}; the rest reads as zeros`);
    return fixed;
  }

  private note(i: number, message: string): void {
    if (this.bad.has(i)) return;
    this.bad.add(i);
    pushIssue(this.issues, { message, offset: this.chunks[i]!.sector * SECTOR, file: this.fileName });
  }

  /** Index of the first chunk ending after `sector`. */
  private firstChunk(sector: number): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = this.chunks[mid]!;
      if (c.sector + c.sectors <= sector) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    if (r.length === 0) return new Uint8Array(0);
    const out = new Uint8Array(r.length);
    const end = r.start + r.length;
    const jobs: Promise<void>[] = [];
    for (let i = this.firstChunk(Math.floor(r.start / SECTOR)); i < this.chunks.length; i++) {
      const ch = this.chunks[i]!;
      const cStart = ch.sector * SECTOR;
      if (cStart >= end) break;
      const from = Math.max(r.start, cStart);
      const to = Math.min(end, cStart + ch.sectors * SECTOR);
      if (to <= from || ch.type === CHUNK.zero || ch.type === CHUNK.ignore) continue;
      jobs.push(this.fill(i, out, from - r.start, from - cStart, to - from));
    }
    await Promise.all(jobs);
    return out;
  }

  /** Copy `len` bytes at `within` of chunk i into out[at...]. */
  private async fill(i: number, out: Uint8Array, at: number, within: number, len: number): Promise<void> {
    const ch = this.chunks[i]!;
    if (ch.type === CHUNK.raw) {
      const avail = Math.max(0, Math.min(len, ch.length - within));
      const b = avail > 0 ? await this.file.read(ch.offset + within, avail) : new Uint8Array(0);
      out.set(b, at);
      if (b.length < len) this.note(i, `raw chunk at sector ${ch.sector} stores ${ch.length} of ${ch.sectors * SECTOR} bytes (or the file is short); the rest reads as zeros`);
      return;
    }
    let block: Uint8Array;
    try {
      block = await this.cache.get(i);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.note(i, `${e.message}; sectors ${ch.sector}-${ch.sector + ch.sectors - 1} read as zeros`);
      return;
    }
    out.set(block.subarray(within, within + len), at);
  }

  async close(): Promise<void> {
    this.cache.clear();
  }
}

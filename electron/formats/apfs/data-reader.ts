/** Readers over file data: a file's extents on the container, and chunked decompressed data. */
import { ParseError } from '../../common/issues.js';
import { BlockCache } from '../../io/block-cache.js';
import { clampRange, type Reader } from '../../io/reader.js';
import type { FileExtent } from './records.js';

/**
 * A file (or xattr stream) of `size` bytes made of extents; bytes no extent covers, and holes
 * (physical block 0), read as zeros, as the file system returns them. Clones need nothing special:
 * a shared extent is just an extent.
 */
export class ExtentReader implements Reader {
  private readonly extents: FileExtent[];

  constructor(private readonly disk: Reader, private readonly blockSize: number, extents: FileExtent[], readonly size: number, private readonly what: string) {
    this.extents = [...extents].sort((a, b) => a.logical - b.logical);
    for (const e of this.extents) {
      const end = (e.physBlock + Math.ceil(e.length / blockSize)) * blockSize;
      if (e.physBlock !== 0 && (!Number.isSafeInteger(end) || end > disk.size)) {
        throw new ParseError('out-of-bounds', { what: `${what}: extent at block ${e.physBlock} (+${e.length} bytes) past the container end`, offset: e.physBlock * blockSize });
      }
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    const out = new Uint8Array(r.length);
    if (r.length === 0) return out;
    const end = r.start + r.length;
    // First extent that may overlap: binary search on logical start.
    let lo = 0;
    let hi = this.extents.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = this.extents[mid]!;
      if (e.logical + e.length <= r.start) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.extents.length; i++) {
      const e = this.extents[i]!;
      if (e.logical >= end) break;
      const from = Math.max(r.start, e.logical);
      const to = Math.min(end, e.logical + e.length);
      if (to <= from || e.physBlock === 0) continue;
      const got = await this.disk.read(e.physBlock * this.blockSize + (from - e.logical), to - from);
      if (got.length !== to - from) throw new ParseError('truncated', { what: `${this.what} extent data`, offset: e.physBlock * this.blockSize, need: to - from, have: got.length });
      out.set(got, from - r.start);
    }
    return out;
  }

  async close(): Promise<void> {}
}

/**
 * Decompressed data in fixed-size chunks decoded on demand through a small cache. Unlike
 * io/BlockReader a bad chunk is an error for the reader, not zeros: a file's contents must not be
 * silently altered.
 */
export class ChunkedReader implements Reader {
  private readonly cache: BlockCache;

  constructor(readonly size: number, private readonly chunkSize: number, decode: (index: number) => Promise<Uint8Array>, cacheBytes = 4 * 1024 * 1024) {
    this.cache = new BlockCache(async (i) => {
      const want = Math.min(chunkSize, size - i * chunkSize);
      const b = await decode(i);
      if (b.length !== want) throw new ParseError('decode', { what: `compressed chunk ${i} gave ${b.length} bytes, expected ${want}`, offset: i * chunkSize });
      return b;
    }, cacheBytes);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    const out = new Uint8Array(r.length);
    let pos = 0;
    while (pos < r.length) {
      const at = r.start + pos;
      const i = Math.floor(at / this.chunkSize);
      const chunk = await this.cache.get(i);
      const within = at - i * this.chunkSize;
      const take = Math.min(chunk.length - within, r.length - pos);
      out.set(chunk.subarray(within, within + take), pos);
      pos += take;
    }
    return out;
  }

  async close(): Promise<void> {
    this.cache.clear();
  }
}

/**
 * Media bytes of an EWF image handed out chunk by chunk as views, for hashing long runs of the
 * disk. The media reader (BlockReader) answers a 1 MiB read by decoding the chunks into one fresh
 * buffer and copying them into another; for 3 GB that is two allocations and two copies per
 * megabyte and most of a worker's garbage collection. Here each chunk's stored bytes come from one
 * large read of its segment file, a chunk is inflated into its own buffer, and the chunk a disk's
 * empty space is made of (the same few dozen compressed bytes thousands of times) is inflated once
 * and handed out again: no copy at all.
 *
 * The bytes are the media reader's exactly: a chunk that is not plainly readable (in no table,
 * outside its segment file, not inflating to its full size, stored short) is read through the
 * media reader itself, which reads it as zeros and records the issue as it always does.
 */
import { ParseError } from '../common/issues.js';
import { ChunkInflater, locateChunk, type ChunkSource } from '../formats/ewf/index.js';
import type { Reader } from '../io/reader.js';

/** Stored bytes read from a segment file at once. */
const SPAN_BYTES = 4 * 1024 * 1024;
/** Compressed chunks at most this long are remembered by their bytes (only very repetitive chunks are that small). */
const MEMO_MAX_INPUT = 1024;
const MEMO_MAX_ENTRIES = 64;
/** Decoded chunks readInto keeps (4 MiB of 32 KiB chunks): enough that the batches sharing a chunk find it. */
const RECENT_CHUNKS = 128;

interface Located { index: number; segment: number; start: number; length: number; compressed: boolean }

export class EwfChunkViews {
  private readonly memo = new Map<string, Uint8Array>();
  /** readInto's recently decoded chunks (least recent first), and its reused zlib stream. */
  private readonly recent = new Map<number, Uint8Array>();
  private inflater: ChunkInflater | null = null;

  /** `media`: the image's own media reader (the fallback for chunks not plainly readable). */
  constructor(private readonly src: ChunkSource, private readonly media: Reader) {}

  /**
   * Media bytes [start, end) in order, as views that stay valid (they are never reused), or
   * nothing when the range is not inside the media (the caller then reads the ordinary way).
   */
  async *range(start: number, end: number): AsyncGenerator<Uint8Array> {
    for await (const { k, want, span, located } of this.chunks(start, end)) {
      const base = k * this.src.chunkSize;
      const chunk = (span && this.decode(span, located, k, want)) ?? (await this.media.read(base, want));
      const from = Math.max(0, start - base);
      const to = Math.min(chunk.length, end - base);
      if (to > from) yield from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to);
    }
  }

  /**
   * Media bytes [start, start + dst.length) copied into `dst` (a caller's reused buffer), for the
   * batched small files of hashing/entry-batch.ts. Small files lie several to a chunk, and the
   * files sharing one seldom share a batch (ntfs-3g, for one, puts a directory's files 16 MiB
   * apart), so each chunk is decoded into a recycled buffer of a small LRU (RECENT_CHUNKS) and
   * served from there to the next batch that wants it: no buffer allocated per read or per chunk
   * (the media reader's cache allocates one per chunk), and on the 50,000-file bench 1.04 decodes a
   * chunk instead of 1.9 when only each read's part was decoded. Same bytes as range().
   */
  async readInto(dst: Uint8Array, start: number): Promise<void> {
    const end = start + dst.length;
    for await (const { k, want, span, located } of this.chunks(start, end, true)) {
      const base = k * this.src.chunkSize;
      const from = Math.max(start, base);
      const to = Math.min(end, base + want);
      // Copied in the turn it is found: a recycled buffer never changes under the copy.
      const copy = (chunk: Uint8Array): void => dst.set(chunk.subarray(from - base, to - base), from - start);
      const hit = this.recent.get(k);
      if (hit) {
        this.recent.delete(k);
        this.recent.set(k, hit);
        copy(hit);
      } else {
        copy(await this.decodeRecent(k, want, span, located));
      }
    }
  }

  /** Chunk k's `want` bytes decoded into the buffer of the least recent chunk, and kept. */
  private async decodeRecent(k: number, want: number, span: { bytes: Uint8Array; base: number } | null, located: Located[]): Promise<Uint8Array> {
    let buf: Uint8Array;
    if (this.recent.size >= RECENT_CHUNKS) {
      const [oldest, b] = this.recent.entries().next().value!;
      this.recent.delete(oldest);
      buf = b.buffer.byteLength >= want ? new Uint8Array(b.buffer, 0, want) : new Uint8Array(want);
    } else {
      buf = new Uint8Array(want);
    }
    if (!(span && this.decodeInto(span, located, k, buf))) buf.set((await this.media.read(k * this.src.chunkSize, want)).subarray(0, want));
    this.recent.delete(k); // another read may have decoded it meanwhile
    this.recent.set(k, buf);
    return buf;
  }

  /**
   * The chunks [start, end) touches, in order, each with the stored span that holds it (null: it
   * is not to be decoded from one; `skipRecent`: chunks readInto holds are not read again).
   */
  private async *chunks(start: number, end: number, skipRecent = false): AsyncGenerator<{ k: number; want: number; span: { bytes: Uint8Array; base: number } | null; located: Located[] }> {
    const { chunkSize: cs, mediaSize } = this.src;
    if (!(start >= 0 && start <= end && end <= mediaSize && end <= this.media.size)) throw new RangeError(`media range ${start}-${end} outside ${mediaSize} bytes`);
    let index = Math.floor(start / cs);
    const last = Math.ceil(end / cs); // exclusive
    while (index < last) {
      while (skipRecent && index < last && this.recent.has(index)) {
        yield { k: index, want: Math.min(cs, mediaSize - index * cs), span: null, located: [] };
        index++;
      }
      if (index >= last) break;
      const batch = this.plan(index, last);
      const span = batch.located.length > 0 ? await this.readSpan(batch.located) : null;
      for (let k = index; k < batch.next; k++) yield { k, want: Math.min(cs, mediaSize - k * cs), span, located: batch.located };
      index = batch.next;
    }
  }

  /** Chunks from `first` whose stored bytes lie in one segment, ascending, within SPAN_BYTES. */
  private plan(first: number, last: number): { located: Located[]; next: number } {
    const { chunkSize: cs } = this.src;
    const located: Located[] = [];
    let k = first;
    for (; k < last; k++) {
      let loc: ReturnType<typeof locateChunk>;
      try {
        loc = locateChunk(this.src, k);
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        if (located.length === 0) continue; // the media reader gives this one (zeros and an issue)
        break;
      }
      const length = Math.min(loc.end - loc.start, loc.compressed ? cs * 2 + 1024 : cs + 4);
      const head = located[0];
      const prev = located[located.length - 1];
      if (head && (loc.segment !== head.segment || loc.start < prev!.start + prev!.length || loc.start + length - head.start > SPAN_BYTES)) break;
      located.push({ index: k, segment: loc.segment, start: loc.start, length, compressed: loc.compressed });
      if (located.length * cs >= SPAN_BYTES) {
        k++;
        break;
      }
    }
    return { located, next: Math.max(k, first + 1) };
  }

  private async readSpan(located: Located[]): Promise<{ bytes: Uint8Array; base: number }> {
    const head = located[0]!;
    const tail = located[located.length - 1]!;
    const seg = this.src.segments[head.segment]!;
    try {
      return { bytes: await seg.file.read(head.start, tail.start + tail.length - head.start), base: head.start };
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      return { bytes: new Uint8Array(0), base: head.start }; // every chunk then goes to the media reader
    }
  }

  /** Chunk `index`'s media bytes from the span, or null when the media reader must give them. */
  private decode(span: { bytes: Uint8Array; base: number }, located: Located[], index: number, want: number): Uint8Array | null {
    const stored = storedChunk(span, located, index);
    if (!stored) return null;
    const { raw, compressed } = stored;
    if (!compressed) return raw.length >= want ? raw.subarray(0, want) : null;
    const key = raw.length <= MEMO_MAX_INPUT ? Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('latin1') : null;
    let out = key === null ? undefined : this.memo.get(key);
    if (!out) {
      out = new Uint8Array(want);
      if (!this.inflateInto(raw, out)) return null;
      if (key !== null) this.remember(key, out);
    }
    if (out.length < want) return null;
    return out.length === want ? out : out.subarray(0, want);
  }

  /** decode() into `slot` (want bytes); false when the media reader must give them. */
  private decodeInto(span: { bytes: Uint8Array; base: number }, located: Located[], index: number, slot: Uint8Array): boolean {
    const stored = storedChunk(span, located, index);
    if (!stored) return false;
    if (stored.compressed) return this.inflateInto(stored.raw, slot);
    if (stored.raw.length < slot.length) return false;
    slot.set(stored.raw.subarray(0, slot.length));
    return true;
  }

  /** One reused zlib stream for every chunk this reader inflates (ChunkInflater says why). */
  private inflateInto(raw: Uint8Array, dst: Uint8Array): boolean {
    this.inflater ??= new ChunkInflater(this.src.chunkSize);
    return this.inflater.inflateInto(raw, dst) === null;
  }

  private remember(key: string, value: Uint8Array): void {
    if (this.memo.size >= MEMO_MAX_ENTRIES) this.memo.delete(this.memo.keys().next().value!);
    this.memo.set(key, value);
  }
}

/** Chunk `index`'s stored bytes in the span, or null when the span does not hold them whole (the file shrank). */
function storedChunk(span: { bytes: Uint8Array; base: number }, located: Located[], index: number): { raw: Uint8Array; compressed: boolean } | null {
  const loc = located[index - (located[0]?.index ?? 0)];
  if (!loc || loc.index !== index) return null;
  const from = loc.start - span.base;
  if (from + loc.length > span.bytes.length) return null;
  return { raw: span.bytes.subarray(from, from + loc.length), compressed: loc.compressed };
}

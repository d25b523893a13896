/**
 * Verification reads the media in order as a series of batches: consecutive chunks of one segment
 * file whose stored bytes lie in one bounded span, so one large read fetches them all and one
 * decoder call turns them into the batch's media bytes.
 */
import { ParseError } from '../../common/issues.js';
import { locateChunk, type ChunkSource } from './chunks.js';

/** Per-chunk descriptor words in `Batch.desc`: offset in the span, stored length, flags, media bytes. */
export const DESC_WORDS = 4;
export const FLAG_COMPRESSED = 1;
/** The chunk could not be located (no table lists it, or its offset lies outside the file). */
export const FLAG_MISSING = 2;

/** Decoded bytes per batch: bounds the memory in flight (a batch's output lives until it is hashed). */
export const BATCH_OUTPUT_BYTES = 4 * 1024 * 1024;

export interface Batch {
  firstChunk: number;
  count: number;
  /** Segment index, or -1 when no chunk of the batch could be located. */
  segment: number;
  /** [spanStart, spanStart + spanLength) of the segment file holds every located chunk. */
  spanStart: number;
  spanLength: number;
  /** DESC_WORDS int32 per chunk: rel offset, stored length, flags, media bytes wanted. */
  desc: Int32Array;
  /** Why a FLAG_MISSING chunk (by position in the batch) could not be located. */
  missing: Map<number, string>;
  /**
   * Set on a last batch standing for every chunk after the last one any table lists (a missing or
   * cut segment, or a crafted media size): `count` chunks, no descriptors, nothing to read or hash.
   */
  tail?: string;
}

/** Largest stored form of one chunk read: zlib may expand incompressible data a little. */
export function storedMax(chunkSize: number, compressed: boolean): number {
  return compressed ? chunkSize * 2 + 1024 : chunkSize + 4;
}

/**
 * The batches covering chunks `from` .. `to` - 1 (default: the whole media), in order. Reading
 * plans a large read's chunks the same way (read-run.ts).
 */
export function* planBatches(src: ChunkSource, outputBytes = BATCH_OUTPUT_BYTES, from = 0, to = Infinity): Generator<Batch> {
  const { chunkSize, mediaSize } = src;
  const total = Math.min(Math.ceil(mediaSize / chunkSize), to);
  const perBatch = Math.max(1, Math.floor(outputBytes / chunkSize));
  const spanCap = Math.max(outputBytes + 1024 * 1024, storedMax(chunkSize, true));
  const listed = src.groups.reduce((m, g) => Math.max(m, g.firstChunk + g.entries.length), 0);
  let next = Math.max(0, from);
  while (next < total) {
    if (next >= listed) {
      const tail = `chunk ${next} is in no table section (missing or damaged segment)`;
      yield { firstChunk: next, count: total - next, segment: -1, spanStart: 0, spanLength: 0, desc: new Int32Array(0), missing: new Map(), tail };
      return;
    }
    const cap = Math.min(perBatch, total - next);
    const desc = new Int32Array(cap * DESC_WORDS);
    const missing = new Map<number, string>();
    let segment = -1;
    let spanStart = 0;
    let spanEnd = 0;
    let k = 0;
    for (; k < cap; k++) {
      const index = next + k;
      const want = Math.min(chunkSize, mediaSize - index * chunkSize);
      let loc: ReturnType<typeof locateChunk>;
      try {
        loc = locateChunk(src, index);
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        desc.set([0, 0, FLAG_MISSING, want], k * DESC_WORDS);
        missing.set(k, err.message);
        continue;
      }
      const len = Math.min(loc.end - loc.start, storedMax(chunkSize, loc.compressed));
      if (segment === -1) {
        segment = loc.segment;
        spanStart = loc.start;
        spanEnd = loc.start + len;
      } else if (loc.segment !== segment || loc.start < spanStart || loc.start + len - spanStart > spanCap) {
        break; // another file, or too far from this span: the next batch starts here
      } else {
        spanEnd = Math.max(spanEnd, loc.start + len);
      }
      desc.set([loc.start - spanStart, len, loc.compressed ? FLAG_COMPRESSED : 0, want], k * DESC_WORDS);
    }
    yield { firstChunk: next, count: k, segment, spanStart, spanLength: spanEnd - spanStart, desc: k === cap ? desc : desc.slice(0, k * DESC_WORDS), missing };
    next += k;
  }
}

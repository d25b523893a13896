/**
 * Large reads of EWF media: the chunks a read needs are planned as verification plans them
 * (verify-plan.ts), so consecutive chunks cost one read of their stored bytes and one decode
 * batch, instead of one windowed read and one inflate call each with its own buffers.
 */
import { ParseError } from '../../common/issues.js';
import type { ChunkSource } from './chunks.js';
import { decodeBatch, InflateMemo, type ChunkInflating, type DecodeResult } from './decode-batch.js';
import { DESC_WORDS, planBatches, type Batch } from './verify-plan.js';

/**
 * Decodes chunks first .. first + count - 1. Entry k is chunk first + k, or null for a chunk the
 * batch could not give cleanly (not located, not inflating, short, or an Adler-32 mismatch): the
 * single-chunk reader then reads it again and reports its problem exactly as it always does.
 */
export async function readChunkRun(src: ChunkSource, first: number, count: number, memo: InflateMemo, inflater?: ChunkInflating): Promise<(Uint8Array | null)[]> {
  const out: (Uint8Array | null)[] = new Array<Uint8Array | null>(count).fill(null);
  const { chunkSize } = src;
  for (const b of planBatches(src, count * chunkSize, first, first + count)) {
    if (b.tail !== undefined || b.segment < 0 || b.count === 0) continue;
    const span = await readSpan(src, b);
    if (!span) continue;
    const media = new Uint8Array(b.count * chunkSize);
    const r = decodeBatch(span, b.desc, chunkSize, media, memo, inflater);
    markClean(b, r, (k) => {
      out[b.firstChunk - first + k] = media.subarray(k * chunkSize, k * chunkSize + b.desc[k * DESC_WORDS + 3]!);
    });
  }
  return out;
}

/**
 * Decodes chunks first .. first + count - 1 straight into `dst` (chunk k at k × chunkSize; `dst`
 * holds exactly their media bytes), on this thread with `inflater` (one reused zlib stream).
 * Returns one flag per chunk: 1 = decoded cleanly; 0 = left for the single-chunk reader (as
 * readChunkRun's nulls).
 */
export async function readChunkRunInto(src: ChunkSource, first: number, count: number, dst: Uint8Array, memo: InflateMemo, inflater?: ChunkInflating): Promise<Uint8Array> {
  const ok = new Uint8Array(count);
  const { chunkSize } = src;
  for (const b of planBatches(src, count * chunkSize, first, first + count)) {
    if (b.tail !== undefined || b.segment < 0 || b.count === 0) continue;
    const span = await readSpan(src, b);
    if (!span) continue;
    const at = (b.firstChunk - first) * chunkSize;
    const into = dst.subarray(at, at + (b.count - 1) * chunkSize + b.desc[(b.count - 1) * DESC_WORDS + 3]!);
    const r = decodeBatch(span, b.desc, chunkSize, into, memo, inflater);
    markClean(b, r, (k) => {
      ok[b.firstChunk - first + k] = 1;
    });
  }
  return ok;
}

async function readSpan(src: ChunkSource, b: Batch): Promise<Uint8Array | null> {
  try {
    return await src.segments[b.segment]!.file.read(b.spanStart, b.spanLength);
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    return null;
  }
}

/** Calls `clean(k)` for each chunk of the batch decoded without any problem. */
function markClean(b: Batch, r: DecodeResult, clean: (k: number) => void): void {
  const skip = new Set<number>(b.missing.keys());
  for (const [k] of r.bad) skip.add(k);
  for (const [k] of r.checksum) skip.add(k);
  for (let k = 0; k < b.count; k++) if (!skip.has(k)) clean(k);
}

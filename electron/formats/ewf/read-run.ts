/**
 * Large reads of EWF media: the chunks a read needs are planned as verification plans them
 * (verify-plan.ts), so consecutive chunks cost one read of their stored bytes and one decode
 * batch, instead of one windowed read and one inflate call each with its own buffers.
 */
import { ParseError } from '../../common/issues.js';
import type { ChunkSource } from './chunks.js';
import { decodeBatch, InflateMemo } from './decode-batch.js';
import { DESC_WORDS, planBatches } from './verify-plan.js';

/**
 * Decodes chunks first .. first + count - 1. Entry k is chunk first + k, or null for a chunk the
 * batch could not give cleanly (not located, not inflating, short, or an Adler-32 mismatch): the
 * single-chunk reader then reads it again and reports its problem exactly as it always does.
 */
export async function readChunkRun(src: ChunkSource, first: number, count: number, memo: InflateMemo): Promise<(Uint8Array | null)[]> {
  const out: (Uint8Array | null)[] = new Array<Uint8Array | null>(count).fill(null);
  const { chunkSize } = src;
  for (const b of planBatches(src, count * chunkSize, first, first + count)) {
    if (b.tail !== undefined || b.segment < 0 || b.count === 0) continue;
    const seg = src.segments[b.segment]!;
    let span: Uint8Array;
    try {
      span = await seg.file.read(b.spanStart, b.spanLength);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      continue;
    }
    const media = new Uint8Array(b.count * chunkSize);
    const r = decodeBatch(span, b.desc, chunkSize, media, memo);
    const skip = new Set<number>(b.missing.keys());
    for (const [k] of r.bad) skip.add(k);
    for (const [k] of r.checksum) skip.add(k);
    for (let k = 0; k < b.count; k++) {
      if (skip.has(k)) continue;
      const want = b.desc[k * DESC_WORDS + 3]!;
      out[b.firstChunk - first + k] = media.subarray(k * chunkSize, k * chunkSize + want);
    }
  }
  return out;
}

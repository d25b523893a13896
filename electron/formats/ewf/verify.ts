/**
 * Digests the whole media of an EWF set for verification (what ewfverify does): segment files are
 * read in large spans, batches are decoded by a BatchDecoder (inflate worker threads, or this
 * thread) several at a time, and this thread feeds MD5/SHA-1 with the results in media order.
 */
import { createHash } from 'node:crypto';
import type { ChunkSource } from './chunks.js';
import { decodeBatch, InflateMemo, type DecodeResult } from './decode-batch.js';
import { DESC_WORDS, planBatches, type Batch } from './verify-plan.js';
import { addRun } from './verify-slot.js';

// The ring verifier's parts (evidence/containers/verify-ring.ts and its worker) come through here.
export { ChunkInflater } from './chunk-inflater.js';
export { accountReport, decodeSpan, emptyReport, layoutOf, planSlot, plannerOf, TAG_SPACE, type ChunkLayout, type SlotReport, type SlotTarget } from './verify-slot.js';

/**
 * Decodes one batch. It may take ownership of `span` and `out` (transfer them to a thread) and
 * returns views of the same bytes; it rejects only when it cannot run at all (a dead worker).
 */
export interface BatchDecoder {
  decode(span: Uint8Array, desc: Int32Array, chunkSize: number, out: Uint8Array): Promise<{ span: Uint8Array; out: Uint8Array; result: DecodeResult }>;
  close(): Promise<void>;
}

export function inThreadDecoder(): BatchDecoder {
  const memo = new InflateMemo();
  return {
    decode: async (span, desc, chunkSize, out) => ({ span, out, result: decodeBatch(span, desc, chunkSize, out, memo) }),
    close: async () => {},
  };
}

/** A run of consecutive chunks that could not be read (hashed as zeros, so the digest proves nothing). */
export interface UnreadableRun {
  firstChunk: number;
  count: number;
  /** The first chunk's problem, located in its segment file where it has one. */
  reason: string;
  file: string | null;
}

export interface EwfMediaDigest {
  md5: string;
  sha1: string | null;
  /** Media bytes hashed: short of the media size when the tail no table lists was skipped. */
  bytes: number;
  unreadableChunks: number;
  /** At most 1000 runs (MAX_RUNS); `unreadableChunks` counts them all. */
  unreadable: UnreadableRun[];
  checksumMismatches: number;
}

export interface DigestOptions {
  sha1?: boolean;
  decoder?: BatchDecoder;
  /** Batches read and decoded ahead of the one being hashed (bounds memory: ~9 MiB each). */
  depth?: number;
  signal?: AbortSignal;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

interface Decoded {
  batch: Batch;
  span: Uint8Array;
  out: Uint8Array;
  result: DecodeResult;
  /** Set when the span could not be read or decoded at all: every chunk of the batch is unreadable. */
  failed: string | null;
}

export async function digestEwfMedia(src: ChunkSource, opts: DigestOptions = {}): Promise<EwfMediaDigest> {
  const decoder = opts.decoder ?? inThreadDecoder();
  const depth = Math.max(1, opts.depth ?? 3);
  const md5 = createHash('md5');
  const sha1 = opts.sha1 ? createHash('sha1') : null;
  const digest: EwfMediaDigest = { md5: '', sha1: null, bytes: 0, unreadableChunks: 0, unreadable: [], checksumMismatches: 0 };
  // Spent spans and outputs are reused: fresh buffers per batch would page-fault the whole media in.
  const spare = { span: [] as ArrayBuffer[], out: [] as ArrayBuffer[] };
  const take = (list: ArrayBuffer[], n: number): Uint8Array => {
    const i = list.findIndex((b) => b.byteLength >= n);
    return i < 0 ? new Uint8Array(n) : new Uint8Array(list.splice(i, 1)[0]!, 0, n);
  };
  const give = (list: ArrayBuffer[], v: Uint8Array): void => {
    if (v.buffer instanceof ArrayBuffer && v.buffer.byteLength > 0 && list.length < depth + 1) list.push(v.buffer);
  };

  let fallback: BatchDecoder | null = null;
  const run = async (b: Batch): Promise<Decoded> => {
    if (b.tail) return { batch: b, span: new Uint8Array(0), out: new Uint8Array(0), result: { bad: [], checksum: [] }, failed: b.tail };
    const outBytes = outputLength(b, src.chunkSize);
    let span: Uint8Array = new Uint8Array(0);
    if (b.segment >= 0 && b.spanLength > 0) {
      try {
        const raw = await src.segments[b.segment]!.file.read(b.spanStart, b.spanLength);
        span = take(spare.span, raw.length);
        span.set(raw);
      } catch (err) {
        return { batch: b, span, out: new Uint8Array(outBytes), result: { bad: [], checksum: [] }, failed: `read error (${(err as Error).message})` };
      }
    }
    try {
      return { batch: b, ...(await (fallback ?? decoder).decode(span, b.desc, src.chunkSize, take(spare.out, outBytes))), failed: null };
    } catch (err) {
      // The decoder could not run (a worker died): this batch and the rest are decoded here; this
      // one from a fresh read, as its bytes went to the dead thread.
      fallback ??= inThreadDecoder();
      try {
        const raw = b.segment >= 0 && b.spanLength > 0 ? await src.segments[b.segment]!.file.read(b.spanStart, b.spanLength) : new Uint8Array(0);
        const out = new Uint8Array(outBytes);
        return { batch: b, span: new Uint8Array(0), out, result: decodeBatch(raw, b.desc, src.chunkSize, out, null), failed: null };
      } catch {
        return { batch: b, span: new Uint8Array(0), out: new Uint8Array(outBytes), result: { bad: [], checksum: [] }, failed: `decoder failed (${(err as Error).message})` };
      }
    }
  };

  const plan = planBatches(src);
  const inflight: Promise<Decoded>[] = [];
  const refill = (): void => {
    while (inflight.length < depth) {
      const n = plan.next();
      if (n.done) return;
      inflight.push(run(n.value));
    }
  };
  try {
    refill();
    while (inflight.length > 0) {
      opts.signal?.throwIfAborted();
      const d = await inflight.shift()!;
      refill(); // the next reads start before this batch is hashed
      if (d.batch.tail) {
        // Hashing zeros for chunks nobody stored proves nothing and may be endless (a crafted size).
        account(src, d, digest);
        opts.onProgress?.(src.mediaSize, src.mediaSize);
        continue;
      }
      md5.update(d.out);
      sha1?.update(d.out);
      digest.bytes += d.out.length;
      account(src, d, digest);
      give(spare.span, d.span);
      give(spare.out, d.out);
      opts.onProgress?.(digest.bytes, src.mediaSize);
    }
  } finally {
    // On abort, let the in-flight work settle before the decoder (its threads) goes away.
    await Promise.allSettled(inflight);
    await decoder.close();
  }
  digest.md5 = md5.digest('hex');
  digest.sha1 = sha1 ? sha1.digest('hex') : null;
  return digest;
}

function outputLength(b: Batch, chunkSize: number): number {
  return b.count === 0 ? 0 : (b.count - 1) * chunkSize + b.desc[(b.count - 1) * DESC_WORDS + 3]!;
}

/** Records a batch's unreadable chunks (as runs) and checksum mismatches (as chunk issues). */
function account(src: ChunkSource, d: Decoded, digest: EwfMediaDigest): void {
  const { batch: b } = d;
  const seg = b.segment >= 0 ? src.segments[b.segment]! : null;
  const where = (k: number): string => `chunk ${b.firstChunk + k}${seg ? ` in ${seg.name} at ${b.spanStart + b.desc[k * DESC_WORDS]!}` : ''}`;
  if (b.tail) {
    addRun(digest, b.firstChunk, b.count, b.tail, null);
    return;
  }
  const bad = new Map<number, string>();
  for (const [k, why] of b.missing) bad.set(k, why);
  for (const [k, why] of d.result.bad) bad.set(k, `${where(k)}: ${why}`);
  if (d.failed) for (let k = 0; k < b.count; k++) if (!bad.has(k)) bad.set(k, `${where(k)}: ${d.failed}`);
  for (const k of [...bad.keys()].sort((x, y) => x - y)) addRun(digest, b.firstChunk + k, 1, bad.get(k)!, b.missing.has(k) ? null : seg?.name ?? null);
  for (const [k, why] of d.result.checksum) {
    digest.checksumMismatches++;
    src.note(b.firstChunk + k, `${where(k)}: ${why}`);
  }
}

import { availableParallelism } from 'node:os';
import { pushIssue } from '../../io/block-cache.js';
import { digestEwfMedia, inThreadDecoder, type EwfImage, type EwfMediaDigest } from '../../formats/ewf/index.js';
import { FileReader } from '../../io/file-reader.js';
import { InflatePool } from './inflate-pool.js';
import { digestEwfRing } from './verify-ring.js';

export interface EwfVerifyOptions {
  signal?: AbortSignal;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /**
   * Verify threads; 0 decodes on this thread. Default: one per core but the one hashing, at most
   * two: inflating costs less than MD5 does, so one thread keeps up with the hashing thread
   * unless the data compresses badly.
   */
  workers?: number;
}

/** Above this chunk size the ring's slots (one chunk at least, a few of them) would cost too much memory. */
const RING_MAX_CHUNK = 4 * 1024 * 1024;

/** Below this the worker threads cost more to start than they save. */
const IN_THREAD_MEDIA_BYTES = 16 * 1024 * 1024;

/**
 * Reads the whole media and compares MD5 (and SHA-1 when stored) with the acquisition hashes, as
 * ewfverify does: chunks are inflated on worker threads while this thread hashes them in order.
 * A chunk that cannot be read (not located, truncated, does not inflate) is a located issue and
 * makes the verification "could not read", never a match, even if zeros would have matched.
 */
export async function verifyEwf(img: EwfImage, opts: EwfVerifyOptions): Promise<{ algorithm: string; expected: string; actual: string; ok: boolean }> {
  const threads = opts.workers ?? Math.max(1, Math.min(2, availableParallelism() - 1));
  const signal = opts.signal ? { signal: opts.signal } : {};
  const progress = opts.onProgress ? { onProgress: opts.onProgress } : {};
  const sha1 = img.storedSha1 !== null;
  const files = img.chunks.segments.map((s) => s.file);
  const paths = files.every((f) => f instanceof FileReader) ? (files as FileReader[]).map((f) => f.path) : null;
  const large = threads > 0 && img.mediaSize >= IN_THREAD_MEDIA_BYTES;
  // Segment files on disk: workers read and inflate them into a shared ring, this thread only hashes.
  // Other readers (images held in memory, in tests) go through the inflate pool: this thread reads.
  const d = large && paths && img.chunkSize <= RING_MAX_CHUNK
    ? await digestEwfRing(img.chunks, { paths, threads, sha1, ...signal, ...progress })
    : await digestEwfMedia(img.chunks, { sha1, decoder: large ? new InflatePool(threads) : inThreadDecoder(), depth: threads * 2 + 1, ...signal, ...progress });
  const unread = d.unreadableChunks > 0 ? couldNotRead(img, d) : null;
  if (unread) {
    img.info['verification'] = unread;
    // What the stored MD5 would be compared with had the unreadable chunks held zeros (only when
    // every chunk was hashed): equal to the stored MD5 means the damaged chunks were likely empty.
    if (d.bytes === img.mediaSize) img.info['computed MD5 (unreadable chunks as zeros)'] = d.md5;
  } else {
    img.info['computed MD5'] = d.md5;
  }
  if (d.sha1 !== null) {
    if (!unread) img.info['computed SHA-1'] = d.sha1;
    img.info['SHA-1 verification'] = unread ? 'could not read' : d.sha1 === img.storedSha1 ? 'ok' : 'mismatch';
  }
  if (img.storedMd5) return { algorithm: 'md5', expected: img.storedMd5, actual: unread ?? d.md5, ok: !unread && d.md5 === img.storedMd5 };
  if (img.storedSha1) return { algorithm: 'sha1', expected: img.storedSha1, actual: unread ?? d.sha1!, ok: !unread && d.sha1 === img.storedSha1 };
  return { algorithm: 'md5', expected: '', actual: unread ?? d.md5, ok: false };
}

/** One issue per run of unreadable chunks; the summary stands in for the computed hash. */
function couldNotRead(img: EwfImage, d: EwfMediaDigest): string {
  const cs = img.chunkSize;
  for (const r of d.unreadable) {
    const span = r.count === 1 ? `chunk ${r.firstChunk}` : `chunks ${r.firstChunk}-${r.firstChunk + r.count - 1}`;
    pushIssue(img.issues, { message: `verification: ${span} could not be read: ${r.reason}`, offset: r.firstChunk * cs, file: r.file });
  }
  const first = d.unreadable[0]!;
  return `could not read ${d.unreadableChunks} of ${Math.ceil(img.mediaSize / cs)} chunks (first: chunk ${first.firstChunk} at media offset ${first.firstChunk * cs})`;
}

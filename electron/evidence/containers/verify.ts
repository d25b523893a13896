import { availableParallelism } from 'node:os';
import { pushIssue } from '../../io/block-cache.js';
import { digestEwfMedia, inThreadDecoder, type EwfImage, type EwfMediaDigest } from '../../formats/ewf/index.js';
import { InflatePool } from './inflate-pool.js';

export interface EwfVerifyOptions {
  signal?: AbortSignal;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /**
   * Inflate threads; 0 decodes on this thread. Default: one per core but the one hashing, at most
   * two: inflating costs about what MD5 does, so two threads already outpace the hashing thread.
   */
  workers?: number;
}

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
  const decoder = threads > 0 && img.mediaSize >= IN_THREAD_MEDIA_BYTES ? new InflatePool(threads) : inThreadDecoder();
  const d = await digestEwfMedia(img.chunks, {
    sha1: img.storedSha1 !== null,
    decoder,
    depth: threads * 2 + 1,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
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

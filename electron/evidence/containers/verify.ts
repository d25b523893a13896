import { createHash } from 'node:crypto';
import type { EwfImage } from '../../formats/ewf/index.js';

/** Window read per step: 128 chunks of 32 KiB; the BlockReader inflates them concurrently. */
const WINDOW = 4 * 1024 * 1024;

/**
 * Reads the whole media through the EWF reader and compares MD5 (and SHA-1 when stored) with the
 * acquisition hashes, as ewfverify does. The next window is requested before the current one is
 * hashed, so inflation (libuv pool threads) overlaps hashing (this thread).
 */
export async function verifyEwf(
  img: EwfImage,
  opts: { signal?: AbortSignal; onProgress?: (bytesDone: number, bytesTotal: number) => void },
): Promise<{ algorithm: string; expected: string; actual: string; ok: boolean }> {
  const md5 = createHash('md5');
  const sha1 = img.storedSha1 ? createHash('sha1') : null;
  const total = img.mediaSize;
  const reader = img.reader;
  let next: Promise<Uint8Array> | null = total > 0 ? reader.read(0, Math.min(WINDOW, total)) : null;
  for (let off = 0; off < total && next; ) {
    opts.signal?.throwIfAborted();
    const buf = await next;
    const after = off + buf.length;
    next = buf.length > 0 && after < total ? reader.read(after, Math.min(WINDOW, total - after)) : null;
    md5.update(buf);
    sha1?.update(buf);
    off = after;
    opts.onProgress?.(off, total);
    if (buf.length === 0) break;
  }
  const actual = md5.digest('hex');
  if (sha1) {
    const s = sha1.digest('hex');
    img.info['computed SHA-1'] = s;
    img.info['SHA-1 verification'] = s === img.storedSha1 ? 'ok' : 'mismatch';
  }
  img.info['computed MD5'] = actual;
  if (img.storedMd5) return { algorithm: 'md5', expected: img.storedMd5, actual, ok: actual === img.storedMd5 };
  if (img.storedSha1) {
    const s = String(img.info['computed SHA-1']);
    return { algorithm: 'sha1', expected: img.storedSha1, actual: s, ok: s === img.storedSha1 };
  }
  return { algorithm: 'md5', expected: '', actual, ok: false };
}

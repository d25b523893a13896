/**
 * One read pass, every requested digest: a file is streamed in bounded windows
 * (LIMITS.streamChunkBytes) and each window feeds all hashers, so hashing MD5+SHA-1+SHA-256 costs
 * one read of the evidence, never three, and memory stays at two windows whatever the file size.
 */
import { createHash, type Hash } from 'node:crypto';
import { LIMITS } from '../common/limits.js';
import type { Reader } from '../io/reader.js';
import { AMCACHE_PREFIX_BYTES, HASH_ALGORITHMS, type HashAlgorithm, type HashResult } from './types.js';

export interface HashReaderOptions {
  signal?: AbortSignal;
  /** Called after each window with the number of bytes just hashed. */
  onBytes?: (n: number) => void;
  prefixSha1?: boolean;
}

export type Digests = Omit<HashResult, 'ref'>;

/**
 * Digest a Reader in place. Read failures and a file that shrinks while being read come back as
 * `error` (the evidence is what it is); only an abort rejects, with the signal's AbortError.
 */
export async function hashReader(reader: Reader, algorithms: readonly HashAlgorithm[], opts: HashReaderOptions = {}): Promise<Digests> {
  const { signal, onBytes } = opts;
  const wantPrefix = opts.prefixSha1 === true;
  const algs = checkAlgorithms(algorithms);
  const hashers = algs.map((a) => createHash(a));
  const sha1 = algs.includes('sha1') ? hashers[algs.indexOf('sha1')]! : null;
  // The Amcache prefix rides on the whole-file SHA-1 when that is wanted anyway (a copy of its state
  // at the 30 MiB mark); otherwise a separate SHA-1 runs over the first 30 MiB only.
  let prefixOnly: Hash | null = wantPrefix && !sha1 ? createHash('sha1') : null;
  let prefixDigest: string | undefined;
  const size = reader.size;
  const window = LIMITS.streamChunkBytes;

  const feed = (part: Uint8Array, at: number): void => {
    for (const h of hashers) h.update(part);
    if (prefixOnly && at < AMCACHE_PREFIX_BYTES) prefixOnly.update(part);
  };

  let offset = 0;
  let pending: Promise<Uint8Array> | null = null;
  try {
    signal?.throwIfAborted();
    if (algs.length > 0 || wantPrefix) pending = size > 0 ? reader.read(0, Math.min(window, size)) : null;
    while (pending) {
      const buf: Uint8Array = await pending;
      pending = null;
      signal?.throwIfAborted();
      if (buf.length === 0) break;
      const end = offset + buf.length;
      // Read-ahead: the next window is fetched by the I/O threads while this one is hashed.
      if (end < size) pending = readQuietly(reader, end, Math.min(window, size - end));
      if (wantPrefix && prefixDigest === undefined && offset < AMCACHE_PREFIX_BYTES && end >= AMCACHE_PREFIX_BYTES) {
        const cut = AMCACHE_PREFIX_BYTES - offset;
        feed(buf.subarray(0, cut), offset);
        prefixDigest = prefixOnly ? prefixOnly.digest('hex') : sha1!.copy().digest('hex');
        prefixOnly = null;
        if (cut < buf.length) feed(buf.subarray(cut), AMCACHE_PREFIX_BYTES);
      } else {
        feed(buf, offset);
      }
      offset = end;
      onBytes?.(buf.length);
    }
  } catch (err) {
    if (pending) await pending.catch(() => undefined);
    if (signal?.aborted) throw signal.reason;
    return { size: offset, error: `read failed at offset ${offset}: ${describeError(err)}` };
  }
  if ((algs.length > 0 || wantPrefix) && offset !== size) {
    return { size: offset, error: `file changed while hashing: ${size} bytes when opened, ${offset} readable` };
  }
  const out: Digests = { size };
  algs.forEach((a, i) => (out[a] = hashers[i]!.digest('hex')));
  if (wantPrefix) out.prefix30MiBSha1 = prefixDigest ?? (prefixOnly ? prefixOnly.digest('hex') : out.sha1!);
  return out;
}

/** A read whose rejection is observed at once (so an abandoned read-ahead is never "unhandled"). */
function readQuietly(reader: Reader, offset: number, length: number): Promise<Uint8Array> {
  const p = reader.read(offset, length);
  p.catch(() => undefined);
  return p;
}

function checkAlgorithms(algorithms: readonly HashAlgorithm[]): HashAlgorithm[] {
  const out: HashAlgorithm[] = [];
  for (const a of algorithms) {
    if (!HASH_ALGORITHMS.includes(a)) throw new TypeError(`unsupported hash algorithm ${JSON.stringify(a)}`);
    if (!out.includes(a)) out.push(a);
  }
  return out;
}

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

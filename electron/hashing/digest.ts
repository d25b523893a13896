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
  const d = new Digester(algorithms, opts.prefixSha1 === true);
  const size = reader.size;
  try {
    signal?.throwIfAborted();
    if (d.reads) {
      for await (const buf of windows(reader, signal)) {
        d.feed(buf);
        onBytes?.(buf.length);
        await breathe();
      }
    }
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    return { size: d.offset, error: `read failed at offset ${d.offset}: ${describeError(err)}` };
  }
  if (d.reads && d.offset !== size) {
    return { size: d.offset, error: `file changed while hashing: ${size} bytes when opened, ${d.offset} readable` };
  }
  return d.finish(size);
}

/**
 * The digests of one file fed front to back, synchronously: every requested algorithm, and the
 * Amcache prefix SHA-1. hashReader feeds it from a Reader; a worker that already holds a file's
 * bytes (hashing/entry-batch.ts) feeds it from memory.
 */
export class Digester {
  private readonly hashers: Hash[];
  private readonly sha1: Hash | null;
  private prefixOnly: Hash | null;
  private prefixDigest: string | undefined;
  private readonly algs: HashAlgorithm[];
  /** Bytes fed so far. */
  offset = 0;

  constructor(algorithms: readonly HashAlgorithm[], private readonly wantPrefix: boolean) {
    this.algs = checkAlgorithms(algorithms);
    this.hashers = this.algs.map((a) => createHash(a));
    this.sha1 = this.algs.includes('sha1') ? this.hashers[this.algs.indexOf('sha1')]! : null;
    // The Amcache prefix rides on the whole-file SHA-1 when that is wanted anyway (a copy of its state
    // at the 30 MiB mark); otherwise a separate SHA-1 runs over the first 30 MiB only.
    this.prefixOnly = wantPrefix && !this.sha1 ? createHash('sha1') : null;
  }

  /** Whether anything is to be computed (with no algorithm and no prefix, the bytes need not be read). */
  get reads(): boolean {
    return this.algs.length > 0 || this.wantPrefix;
  }

  feed(buf: Uint8Array): void {
    const start = this.offset;
    const end = start + buf.length;
    if (this.wantPrefix && this.prefixDigest === undefined && start < AMCACHE_PREFIX_BYTES && end >= AMCACHE_PREFIX_BYTES) {
      const cut = AMCACHE_PREFIX_BYTES - start;
      this.update(buf.subarray(0, cut), start);
      this.prefixDigest = this.prefixOnly ? this.prefixOnly.digest('hex') : this.sha1!.copy().digest('hex');
      this.prefixOnly = null;
      if (cut < buf.length) this.update(buf.subarray(cut), AMCACHE_PREFIX_BYTES);
    } else {
      this.update(buf, start);
    }
    this.offset = end;
  }

  private update(part: Uint8Array, at: number): void {
    for (const h of this.hashers) h.update(part);
    if (this.prefixOnly && at < AMCACHE_PREFIX_BYTES) this.prefixOnly.update(part);
  }

  /** The digests of a file of `size` bytes (the caller has checked that `offset` reached it). */
  finish(size: number): Digests {
    const out: Digests = { size };
    this.algs.forEach((a, i) => (out[a] = this.hashers[i]!.digest('hex')));
    if (this.wantPrefix) out.prefix30MiBSha1 = this.prefixDigest ?? (this.prefixOnly ? this.prefixOnly.digest('hex') : out.sha1!);
    return out;
  }
}

/** Longest stretch of hashing without letting the event loop run. */
const BREATHE_MS = 20;
let lastBreath = performance.now();

/**
 * Let the event loop run if it has not for BREATHE_MS. Reads from memory or from the sync folder
 * reader resolve as microtasks, so without this a big file would keep the thread from ever
 * seeing a cancel message (in a worker) or anything else (in the engine) until it ends.
 */
export async function breathe(): Promise<void> {
  const now = performance.now();
  if (now - lastBreath < BREATHE_MS) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  lastBreath = performance.now();
}

/**
 * A Reader that can fill the caller's buffer synchronously (hashing/folder-sync's, inside a worker).
 * Hashing then reuses one window per file instead of allocating a fresh one per read, which on
 * Linux halves the CPU cost of copying the bytes out of the page cache.
 */
export interface SyncIntoReader extends Reader {
  readIntoSync(target: Uint8Array, offset: number): number;
}

/**
 * A Reader whose content is produced front to back anyway (an inflated or decrypted archive member):
 * hashing takes the chunks as they come instead of asking for windows that would be cut from them.
 * Returns null when that is no longer possible (the reader was already read another way).
 */
export interface SequentialReader extends Reader {
  sequentialChunks(): AsyncIterable<Uint8Array> | null;
}

function isSequential(r: Reader): r is SequentialReader {
  return typeof (r as Partial<SequentialReader>).sequentialChunks === 'function';
}

function isSyncInto(r: Reader): r is SyncIntoReader {
  return typeof (r as Partial<SyncIntoReader>).readIntoSync === 'function';
}

/** Reusable windows for sync readers; a handful covers every lane of a worker. */
const spareWindows: Uint8Array[] = [];
const MAX_SPARE_WINDOWS = 16;

/**
 * Successive windows of the reader, stopping early (without error) only if the data ends early.
 * Each window is valid until the next is requested: the sync path refills one buffer.
 */
async function* windows(reader: Reader, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  const size = reader.size;
  const window = LIMITS.streamChunkBytes;
  const chunks = isSequential(reader) ? reader.sequentialChunks() : null;
  if (chunks) {
    for await (const c of chunks) {
      signal?.throwIfAborted();
      if (c.length > 0) yield c;
    }
    return;
  }
  if (isSyncInto(reader)) {
    const buf = spareWindows.pop() ?? new Uint8Array(window);
    try {
      for (let off = 0; off < size; ) {
        signal?.throwIfAborted();
        const n = reader.readIntoSync(buf.subarray(0, Math.min(window, size - off)), off);
        if (n === 0) return;
        yield buf.subarray(0, n);
        off += n;
      }
    } finally {
      if (spareWindows.length < MAX_SPARE_WINDOWS) spareWindows.push(buf);
    }
    return;
  }
  // Async readers: the next window is fetched by the I/O threads while this one is hashed.
  let pending: Promise<Uint8Array> | null = size > 0 ? readQuietly(reader, 0, Math.min(window, size)) : null;
  try {
    for (let off = 0; pending; ) {
      const buf: Uint8Array = await pending;
      pending = null;
      signal?.throwIfAborted();
      if (buf.length === 0) return;
      off += buf.length;
      if (off < size) pending = readQuietly(reader, off, Math.min(window, size - off));
      yield buf;
    }
  } finally {
    if (pending) await pending.catch(() => undefined);
  }
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

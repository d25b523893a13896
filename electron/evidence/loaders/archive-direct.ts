/**
 * Fast paths for hash worker threads reading members of a ZIP file on disk.
 *
 * Why: hashing a 1 GB collection through the general member readers cost ~2x the CPU of the work
 * itself — a fresh buffer per 1 MiB window, zlib's stream machinery (a thread-pool hop and a
 * callback per 256 KiB), a copy into memory per member, and the garbage all that leaves (measured:
 * GC was the largest single item in a worker's profile). A worker thread exists to block, so here:
 * - a stored member is read with pread into the hasher's reusable window (SyncIntoReader shape);
 * - a small deflated member is inflated in one synchronous zlib call, under a per-thread memory
 *   budget, with its size and CRC-32 checked exactly as the streaming path checks them.
 * Everything else (large or encrypted members, nested archives) keeps the general readers.
 * Only used off the main thread: a blocking read there would stall the UI and the engine.
 */
import { closeSync, readSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';
import { ParseError } from '../../common/issues.js';
import { openReadOnlySync } from '../../io/file-reader.js';
import { clampRange, type Reader } from '../../io/reader.js';

/** Deflated members up to this size are inflated whole, in one call. */
export const DIRECT_INFLATE_MAX = 16 * 1024 * 1024;
/** Inflated bytes one thread holds at once (lanes wait for each other beyond it). */
const MEMORY_BUDGET = 48 * 1024 * 1024;

/** A read-only descriptor on the archive file (O_NOATIME where allowed), for synchronous reads. */
export const openSyncFd = openReadOnlySync;

export function closeSyncFd(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* already closed */
  }
}

function preadFully(fd: number, target: Uint8Array, position: number): number {
  let got = 0;
  while (got < target.length) {
    const n = readSync(fd, target, got, target.length - got, position + got);
    if (n === 0) break; // the archive shrank under us: short read, never past the data
    got += n;
  }
  return got;
}

/** A stored member: a window of the archive read with pread. Does not own the descriptor. */
export class FdSliceReader implements Reader {
  constructor(private readonly fd: number, private readonly base: number, readonly size: number) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    const buf = new Uint8Array(r.length);
    const got = r.length === 0 ? 0 : preadFully(this.fd, buf, this.base + r.start);
    return got === r.length ? buf : buf.subarray(0, got);
  }

  /** Fill `target` from `offset`; the hasher reuses one window per file this way. */
  readIntoSync(target: Uint8Array, offset: number): number {
    const r = clampRange(this.size, offset, target.length);
    return r.length === 0 ? 0 : preadFully(this.fd, target.subarray(0, r.length), this.base + r.start);
  }

  async close(): Promise<void> {}
}

let inUse = 0;
const waiters: (() => void)[] = [];

async function reserve(n: number): Promise<void> {
  while (inUse > 0 && inUse + n > MEMORY_BUDGET) await new Promise<void>((resolve) => waiters.push(resolve));
  inUse += n;
}

function unreserve(n: number): void {
  inUse -= n;
  while (waiters.length > 0) waiters.shift()!();
}

export interface DeflatedMember {
  name: string;
  dataOffset: number;
  compressedSize: number;
  size: number;
  crc32: number;
}

/** A small deflated member inflated whole on first read; memory returned on close. */
export class InflatedReader implements Reader {
  private data: Promise<Uint8Array> | null = null;
  private reserved = 0;
  private closed = false;

  constructor(private readonly fd: number, private readonly m: DeflatedMember, private readonly onIssue: (code: string, message: string) => void) {}

  get size(): number {
    return this.m.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.m.size, offset, length);
    if (this.closed) throw new Error(`ZIP member ${this.m.name}: read after close`);
    this.data ??= this.inflate();
    const all = await this.data;
    return all.subarray(r.start, r.start + r.length);
  }

  private async inflate(): Promise<Uint8Array> {
    const { name, size, compressedSize } = this.m;
    await reserve(size + compressedSize);
    this.reserved = size + compressedSize;
    if (this.closed) {
      unreserve(this.reserved);
      this.reserved = 0;
      throw new Error(`ZIP member ${name}: closed while waiting to inflate`);
    }
    const input = Buffer.allocUnsafe(compressedSize);
    const got = preadFully(this.fd, input, this.m.dataOffset);
    if (got < compressedSize) throw new ParseError('truncated', { what: `data of ${name}`, offset: this.m.dataOffset, need: compressedSize, have: got });
    let out: Buffer;
    try {
      // One byte of headroom tells "inflates past its declared size" apart from "exactly fits".
      out = inflateRawSync(input, { maxOutputLength: size + 1, chunkSize: Math.max(64 * 1024, Math.min(size + 1, DIRECT_INFLATE_MAX + 1)) });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ParseError('limit-exceeded', { what: `inflated size of ${name}`, need: size + 1, have: size }, `${name} inflates beyond its declared ${size} bytes: stopped (zip bomb or corrupt header)`);
      }
      throw new ParseError('decode', { what: `deflate data of ${name}` }, `cannot inflate ${name}: ${(err as Error).message}`);
    }
    if (out.length > size) throw new ParseError('limit-exceeded', { what: `inflated size of ${name}`, need: out.length, have: size }, `${name} inflates beyond its declared ${size} bytes: stopped (zip bomb or corrupt header)`);
    if (out.length < size) throw new ParseError('truncated', { what: `content of ${name}`, need: size, have: out.length });
    const crc = crc32(out) >>> 0;
    if (crc !== this.m.crc32 >>> 0) this.onIssue('checksum', `CRC-32 of ${name} is ${hex(crc)}, the archive records ${hex(this.m.crc32)}`);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.data?.catch(() => undefined);
    this.data = null;
    if (this.reserved > 0) unreserve(this.reserved);
    this.reserved = 0;
  }
}

const hex = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

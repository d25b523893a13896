import { constants, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { noteRead } from './read-stats.js';
import { clampRange, type Reader } from './reader.js';

/**
 * A Reader over a file on disk, opened read-only. Where the OS allows it (Linux, owner or root)
 * the file is opened with O_NOATIME so that reading evidence does not change its access time.
 */
export class FileReader implements Reader {
  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    readonly path: string,
    /** Whether the access time is protected (O_NOATIME took effect). */
    readonly noAtime: boolean,
  ) {}

  static async open(path: string): Promise<FileReader> {
    const { handle, noAtime } = await openReadOnly(path);
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw Object.assign(new Error(`not a regular file: ${path}`), { code: 'EISDIR' });
      return new FileReader(handle, st.size, path, noAtime);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** The read-only descriptor, for blocking reads into a caller's buffer on a worker thread (hashing/raw-pieces.ts). Valid until close(). */
  get fd(): number {
    return this.handle.fd;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    if (r.length === 0) return new Uint8Array(0);
    const buf = new Uint8Array(r.length);
    // A small read is served on this thread: a trip through the libuv pool costs more than reading
    // a few pages (a directory's index blocks, one compressed chunk), and thousands are made in a
    // listing. Large reads stay asynchronous so they overlap with parsing and never hold the loop long.
    const sync = r.length <= SYNC_READ_MAX;
    let got = 0;
    while (got < r.length) {
      const bytesRead = sync
        ? readSync(this.handle.fd, buf, got, r.length - got, r.start + got)
        : (await this.handle.read(buf, got, r.length - got, r.start + got)).bytesRead;
      if (bytesRead === 0) break; // the file shrank under us: short read, never past the data
      got += bytesRead;
    }
    noteRead(this.path, got);
    return got === r.length ? buf : buf.subarray(0, got);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Largest read made synchronously (see read()). */
const SYNC_READ_MAX = 256 * 1024;

const NOATIME: number = (constants as Record<string, number>)['O_NOATIME'] ?? 0;

/** Open read-only, asking for O_NOATIME and falling back where the kernel refuses it (EPERM). */
export async function openReadOnly(path: string): Promise<{ handle: FileHandle; noAtime: boolean }> {
  if (NOATIME !== 0) {
    try {
      return { handle: await open(path, constants.O_RDONLY | NOATIME), noAtime: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    }
  }
  return { handle: await open(path, constants.O_RDONLY), noAtime: false };
}

/**
 * A read-only descriptor for synchronous reads (workers reading evidence with pread), O_NOATIME
 * where the kernel allows it, as openReadOnly.
 */
export function openReadOnlySync(path: string): number {
  if (NOATIME !== 0) {
    try {
      return openSync(path, constants.O_RDONLY | NOATIME);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    }
  }
  return openSync(path, constants.O_RDONLY);
}

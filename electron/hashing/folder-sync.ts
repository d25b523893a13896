/**
 * Synchronous opener for single-layer `folder` refs, registered (through resolve.ts's
 * registerOpener) inside hash worker threads only.
 *
 * Why: a live folder of 50,000 small files is dominated by per-file system calls, not hashing.
 * The async path (openFolderFile: realpath, lstat, realpath, open, fstat, read, close, each a
 * libuv thread-pool round trip) costs ~250 µs of CPU per file on a 2-core VM; the same calls made
 * synchronously cost ~30 µs. A worker thread exists to block, so sync I/O there stalls nobody.
 *
 * The safety rules are those of evidence/filesystems/folder.ts (keep the two in step): hostile
 * components refused, no symbolic link followed anywhere under the root (realpath equality),
 * read-only with O_NOATIME. It is also stricter where a live system allows races: O_NOFOLLOW
 * refuses a final-component link swapped in after the check, and O_NONBLOCK plus fstat on the
 * opened descriptor mean a FIFO planted in the evidence is refused instead of blocking forever.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { EvidenceRef } from '../common/evidence-ref.js';
import { splitPath } from '../common/vfs.js';
import { openFolderFile } from '../evidence/filesystems/folder.js';
import { resolveSubdir } from '../evidence/loaders/subdir.js';
import { registerOpener } from '../evidence/resolve.js';
import { clampRange } from '../io/reader.js';
import type { SyncIntoReader } from './digest.js';

const flag = (name: string): number => (constants as Record<string, number>)[name] ?? 0;
const BASE_FLAGS = constants.O_RDONLY | flag('O_NOFOLLOW') | flag('O_NONBLOCK');
const NOATIME = flag('O_NOATIME');

/** realpath of each root, once per worker: the examiner's root does not move during a scan. */
const realRoots = new Map<string, string>();

export class SyncFileReader implements SyncIntoReader {
  private closed = false;
  constructor(private readonly fd: number, readonly size: number, readonly noAtime: boolean) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    if (r.length === 0) return new Uint8Array(0);
    // Uninitialised memory is fine: only the bytes read are ever exposed. A plain Uint8Array view,
    // like every other Reader's, not a Buffer.
    const raw = Buffer.allocUnsafeSlow(r.length);
    const buf = new Uint8Array(raw.buffer, raw.byteOffset, r.length);
    let got = 0;
    while (got < r.length) {
      const n = readSync(this.fd, buf, got, r.length - got, r.start + got);
      if (n === 0) break; // the file shrank under us: short read, never past the data
      got += n;
    }
    return got === r.length ? buf : buf.subarray(0, got);
  }

  /** Fill `target` from `offset` (as far as the file goes); returns the bytes read. */
  readIntoSync(target: Uint8Array, offset: number): number {
    const r = clampRange(this.size, offset, target.length);
    let got = 0;
    while (got < r.length) {
      const n = readSync(this.fd, target, got, r.length - got, r.start + got);
      if (n === 0) break;
      got += n;
    }
    return got;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

export function openFolderFileSync(root: string, path: string): SyncFileReader {
  let realRoot = realRoots.get(root);
  if (realRoot === undefined) {
    realRoot = realpathSync.native(root);
    realRoots.set(root, realRoot);
  }
  const parts = splitPath(path);
  for (const p of parts) {
    if (p === '.' || p === '..' || p.includes('\0') || (sep === '\\' && p.includes('\\'))) {
      throw new Error(`refusing path component ${JSON.stringify(p)} in ${JSON.stringify(path)}`);
    }
  }
  const host = parts.length === 0 ? realRoot : join(realRoot, ...parts);
  // No symbolic link on the way: realpath must give back the very path we built...
  const real = realpathSync.native(host);
  if (!samePath(real, host)) throw new Error(`refusing a path that passes through a symbolic link: ${path}`);
  // ...and O_NOFOLLOW refuses a link swapped in at the last component since; O_NONBLOCK keeps a
  // FIFO from blocking the open, and fstat on the descriptor judges the object really opened.
  let opened: { fd: number; noAtime: boolean };
  try {
    opened = openReadOnlySync(host);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new Error(`refusing to follow a symbolic link: ${path}`, { cause: err });
    throw err;
  }
  const { fd, noAtime } = opened;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error(`not a regular file: ${path}`), { code: 'EISDIR' });
    return new SyncFileReader(fd, st.size, noAtime);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

function openReadOnlySync(path: string): { fd: number; noAtime: boolean } {
  if (NOATIME !== 0) {
    try {
      return { fd: openSync(path, BASE_FLAGS | NOATIME), noAtime: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    }
  }
  return { fd: openSync(path, BASE_FLAGS), noAtime: false };
}

function samePath(a: string, b: string): boolean {
  return process.platform === 'linux' ? a === b : a.toLowerCase() === b.toLowerCase();
}

/** Route single-layer folder refs of this thread through the sync opener; deeper chains keep the async one. */
export function useSyncFolderOpener(): void {
  registerOpener('folder', async (ref: EvidenceRef) => {
    const root = ref.chain[0]!.locator;
    const { chain, path } = resolveSubdir(ref); // a KAPE folder's host view starts at its C/
    return chain.length === 1 ? openFolderFileSync(root, path) : openFolderFile(root, path);
  });
}

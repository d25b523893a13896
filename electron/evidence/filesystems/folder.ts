/**
 * A live folder (a mounted system volume, a copied profile) as a read-only Filesystem.
 *
 * Safety rules, because the folder is evidence and its names are hostile:
 * - files are opened read-only with O_NOATIME where the OS allows (io/file-reader);
 * - symbolic links are listed as links and never followed: a macOS root's `/etc -> private/etc`
 *   or a planted `link -> /` must not lead the scan into the examiner's own disk;
 * - every path is built from components that name real directory entries; `.`/`..`/NUL/`\`
 *   components from a caller are refused.
 *
 * Directory access times follow the host mount's atime policy (Node cannot open a directory with
 * O_NOATIME for listing); the README tells examiners to mount evidence read-only.
 */
import { lstat, readdir, realpath } from 'node:fs/promises';
import { sep, join } from 'node:path';
import type { Stats } from 'node:fs';
import type { Layer } from '../../common/evidence-ref.js';
import { LIMITS } from '../../common/limits.js';
import { baseName, joinPath, splitPath, type FileEntry, type Filesystem } from '../../common/vfs.js';
import { FileReader } from '../../io/file-reader.js';
import type { Reader } from '../../io/reader.js';

export class FolderFilesystem implements Filesystem {
  readonly kind = 'folder';
  readonly caseInsensitive = false;
  /** Directory listings cut short at the cap, for the scan's error list. */
  readonly truncatedDirs: string[] = [];

  private constructor(readonly root: string, private readonly realRoot: string) {}

  static async open(root: string): Promise<FolderFilesystem> {
    const real = await realpath(root);
    const st = await lstat(real);
    if (!st.isDirectory()) throw new Error(`not a folder: ${root}`);
    return new FolderFilesystem(root, real);
  }

  hostPath(path: string): string {
    return hostPathUnder(this.realRoot, path);
  }

  async stat(path: string): Promise<FileEntry | null> {
    try {
      const st = await lstat(this.hostPath(path));
      return entryFromStats(normalise(path), st);
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async readdir(path: string): Promise<FileEntry[]> {
    const dir = normalise(path);
    const host = this.hostPath(dir);
    const names = (await readdir(host)).sort();
    if (names.length > LIMITS.dirMaxEntries) {
      this.truncatedDirs.push(dir);
      names.length = LIMITS.dirMaxEntries;
    }
    const out: FileEntry[] = [];
    for (const name of names) {
      try {
        out.push(entryFromStats(joinPath(dir, name), await lstat(join(host, name))));
      } catch (err) {
        if (!isMissing(err)) throw err; // vanished between listing and stat: a live system
      }
    }
    return out;
  }

  async open(path: string): Promise<Reader> {
    return openFolderFile(this.realRoot, path);
  }

  layersFor(): Layer[] {
    return [{ kind: 'folder', locator: this.root }];
  }

  async close(): Promise<void> {}
}

/** Open one file under a folder root, refusing symlinks anywhere on the way. */
export async function openFolderFile(root: string, path: string): Promise<Reader> {
  const realRoot = await realpath(root);
  const host = hostPathUnder(realRoot, path);
  const st = await lstat(host);
  if (st.isSymbolicLink()) throw new Error(`refusing to follow a symbolic link: ${path}`);
  const real = await realpath(host);
  if (!samePath(real, host)) throw new Error(`refusing a path that passes through a symbolic link: ${path}`);
  return FileReader.open(host);
}

function hostPathUnder(realRoot: string, path: string): string {
  const parts = splitPath(normalise(path));
  for (const p of parts) {
    if (p === '.' || p === '..' || p.includes('\0') || (sep === '\\' && p.includes('\\'))) {
      throw new Error(`refusing path component ${JSON.stringify(p)} in ${JSON.stringify(path)}`);
    }
  }
  return parts.length === 0 ? realRoot : join(realRoot, ...parts);
}

function normalise(path: string): string {
  return '/' + splitPath(path).join('/');
}

function samePath(a: string, b: string): boolean {
  return process.platform === 'linux' ? a === b : a.toLowerCase() === b.toLowerCase();
}

function iso(ms: number): string | null {
  return ms > 0 && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

export function entryFromStats(path: string, st: Stats): FileEntry {
  const type = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  return {
    path,
    name: baseName(path),
    type,
    size: type === 'file' ? st.size : 0,
    id: String(st.ino),
    created: iso(st.birthtimeMs),
    modified: iso(st.mtimeMs),
    accessed: iso(st.atimeMs),
    changed: iso(st.ctimeMs),
  };
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

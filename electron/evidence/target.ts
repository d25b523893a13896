/**
 * A host's view over one file system: OS and root shape detection, users, case-insensitive path
 * resolution (Windows trees copied to a case-sensitive disk keep Windows' semantics), and
 * EvidenceRefs for citation. Plugins only ever see this interface (common/vfs.ts).
 */
import type { EvidenceRef } from '../common/evidence-ref.js';
import { joinPath, splitPath, type FileEntry, type Filesystem, type OsKind, type Target, type UserProfile } from '../common/vfs.js';
import { detectHost } from './host-detect.js';

export class FsTarget implements Target {
  private readonly dirCache = new Map<string, Promise<FileEntry[]>>();

  private constructor(
    readonly evidenceId: string,
    readonly fs: Filesystem,
    readonly os: OsKind,
    readonly shape: Target['shape'],
    readonly hostName: string | null,
    readonly hostNameSource: string | null,
    readonly users: readonly UserProfile[],
  ) {}

  static async create(evidenceId: string, fs: Filesystem, osHint: OsKind = 'unknown'): Promise<FsTarget> {
    // A bootstrap target resolves case-insensitively while we find out what the tree is.
    const probe = new FsTarget(evidenceId, fs, 'unknown', 'unknown', null, null, []);
    const d = await detectHost(probe, osHint);
    return new FsTarget(evidenceId, fs, d.os, d.shape, d.hostName, d.hostNameSource, d.users);
  }

  /** Windows and macOS name lookups ignore case; we only fall back to it when the exact name is absent. */
  private get foldCase(): boolean {
    return this.fs.caseInsensitive || this.os !== 'linux';
  }

  async listDir(path: string): Promise<FileEntry[]> {
    let p = this.dirCache.get(path);
    if (!p) {
      p = this.fs.readdir(path);
      this.dirCache.set(path, p);
    }
    return p;
  }

  async resolve(path: string): Promise<FileEntry | null> {
    const parts = splitPath(path);
    if (parts.length === 0) return this.fs.stat('/');
    let dir = '/';
    let entry: FileEntry | null = null;
    for (const part of parts) {
      let entries: FileEntry[];
      try {
        entries = await this.listDir(dir);
      } catch {
        return null;
      }
      entry = entries.find((e) => e.name === part) ?? null;
      if (!entry && this.foldCase) {
        const lower = part.toLowerCase();
        entry = entries.find((e) => e.name.toLowerCase() === lower) ?? null;
      }
      if (!entry) return null;
      dir = entry.path;
    }
    return entry;
  }

  /** Children of a resolved directory; empty when absent or not a directory. */
  async children(path: string): Promise<FileEntry[]> {
    const e = await this.resolve(path);
    if (!e || e.type !== 'dir') return [];
    try {
      return await this.listDir(e.path);
    } catch {
      return [];
    }
  }

  ref(path: string, extra: Partial<Pick<EvidenceRef, 'within' | 'parser' | 'sha256'>> = {}): EvidenceRef {
    return { evidenceId: this.evidenceId, path, chain: this.fs.layersFor(path), ...extra };
  }
}

export { joinPath };

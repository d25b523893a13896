/**
 * The examiner utilities' view of one evidence item: every host file system it holds under one
 * path space. One host is its own root (`/Users/...`); several (volumes, collected hosts) appear as
 * `/<label>/...`, so `ls` of a disk image lists each volume.
 */
import { splitPath, type FileEntry, type Filesystem } from '../common/vfs.js';
import { openEvidence, type OpenedEvidence } from '../evidence/open.js';
import '../evidence/loaders/index.js';

export interface Mounted {
  prefix: string;
  fs: Filesystem;
}

export class EvidenceView {
  private constructor(readonly opened: OpenedEvidence, readonly mounts: Mounted[]) {}

  static async open(path: string): Promise<EvidenceView> {
    const opened = await openEvidence(path, 'E1');
    if (opened.hosts.length === 0) {
      await opened.close();
      throw new Error(opened.item.errors.map((e) => e.message).join('; ') || 'nothing readable in this evidence');
    }
    const mounts = opened.hosts.length === 1
      ? [{ prefix: '', fs: opened.hosts[0]!.fs }]
      : opened.hosts.map((h, i) => ({ prefix: `/${(h.label ?? `host${i + 1}`).replace(/\//g, '_')}`, fs: h.fs }));
    return new EvidenceView(opened, mounts);
  }

  /** The file system and inner path for a path in the view. */
  locate(path: string): { fs: Filesystem; inner: string; prefix: string } | null {
    const norm = '/' + splitPath(path).join('/');
    for (const m of this.mounts) {
      if (m.prefix === '') return { fs: m.fs, inner: norm, prefix: '' };
      if (norm === m.prefix || norm.startsWith(`${m.prefix}/`)) return { fs: m.fs, inner: norm.slice(m.prefix.length) || '/', prefix: m.prefix };
    }
    return null;
  }

  /** Entries directly under a path; the view root of a multi-host item lists its mounts. */
  async list(path: string): Promise<FileEntry[]> {
    if (this.mounts[0]!.prefix !== '' && splitPath(path).length === 0) {
      return this.mounts.map((m) => ({ path: m.prefix, name: m.prefix.slice(1), type: 'dir', size: 0, created: null, modified: null, accessed: null, changed: null }));
    }
    const at = this.locate(path);
    if (!at) return [];
    const entries = await at.fs.readdir(at.inner);
    return entries.map((e) => ({ ...e, path: at.prefix + e.path }));
  }

  async stat(path: string): Promise<FileEntry | null> {
    const at = this.locate(path);
    if (!at) return null;
    const e = await at.fs.stat(at.inner);
    return e ? { ...e, path: at.prefix + e.path } : null;
  }

  close(): Promise<void> {
    return this.opened.close();
  }
}

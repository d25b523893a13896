/**
 * The examiner utilities' view of one evidence item under one path space. A disk image lists each
 * readable volume as `/vol<N>` (N = its partition number, from 1) or by the volume's own name (APFS), as
 * the contract's `ls` says, whether the scan would call it a host or not; other evidence mounts
 * its host file systems: one host is its own root (`/Users/...`), several (collected hosts)
 * appear as `/<label>/...`.
 */
import { splitPath, type FileEntry, type Filesystem } from '../common/vfs.js';
import { detectEvidence } from '../evidence/detect.js';
import { openEvidence } from '../evidence/open.js';
import { IMAGE_KINDS, openDisk } from '../evidence/loaders/image.js';

export interface Mounted {
  prefix: string;
  fs: Filesystem;
}

/** A file system that can list a whole subtree faster than directory by directory (NTFS). */
interface TreeLister {
  tree(path: string, prefix?: string): AsyncGenerator<FileEntry[]>;
}

const canTree = (fs: Filesystem): fs is Filesystem & TreeLister => typeof (fs as Partial<TreeLister>).tree === 'function';

/** `/label` for each mount, '/' replaced and repeats numbered so every prefix is distinct. */
function prefixes(labels: string[]): string[] {
  const seen = new Set<string>();
  return labels.map((l) => {
    const base = `/${l.replace(/\//g, '_') || '_'}`;
    let p = base;
    for (let i = 2; seen.has(p.toLowerCase()); i++) p = `${base}-${i}`;
    seen.add(p.toLowerCase());
    return p;
  });
}

export class EvidenceView {
  private constructor(private readonly closer: () => Promise<void>, readonly mounts: Mounted[]) {}

  static async open(path: string): Promise<EvidenceView> {
    const detected = await detectEvidence(path);
    if (IMAGE_KINDS.includes(detected.kind)) {
      const disk = await openDisk(path, false, detected.kind);
      if (disk.filesystems.length === 0) {
        await disk.container.close();
        throw new Error(disk.errors.map((e) => e.message).join('; ') || 'no readable volume in this image');
      }
      // The loader labels a volume by its 0-based table index; people count partitions from 1.
      const names = prefixes(disk.filesystems.map((f) => (f.label === `vol${f.volume.index}` ? `vol${f.volume.index + 1}` : f.label)));
      // Each volume shadow copy appears beside its volume: /vol2@vss1 is vol2 as shadow copy 1 kept it.
      const mounts = disk.filesystems.flatMap((f, i) => [{ prefix: names[i]!, fs: f.fs }, ...(f.snapshots ?? []).map((s) => ({ prefix: `${names[i]!}@vss${s.index}`, fs: s.fs }))]);
      return new EvidenceView(() => disk.container.close(), mounts);
    }
    await import('../evidence/loaders/index.js'); // archive and collection openers: loaded only when needed
    const opened = await openEvidence(path, 'E1');
    if (opened.hosts.length === 0) {
      await opened.close();
      throw new Error(opened.item.errors.map((e) => e.message).join('; ') || 'nothing readable in this evidence');
    }
    const mounts = opened.hosts.length === 1
      ? [{ prefix: '', fs: opened.hosts[0]!.fs }]
      : opened.hosts.map((h, i) => ({ prefix: `/${(h.label ?? `host${i + 1}`).replace(/\//g, '_')}`, fs: h.fs }));
    return new EvidenceView(() => opened.close(), mounts);
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

  /** Entries directly under a path; the view root of a multi-mount item lists its mounts. */
  async list(path: string, opts: { deleted?: boolean } = {}): Promise<FileEntry[]> {
    if (this.mounts[0]!.prefix !== '' && splitPath(path).length === 0) {
      return this.mounts.map((m) => ({ path: m.prefix, name: m.prefix.slice(1), type: 'dir', size: 0, created: null, modified: null, accessed: null, changed: null }));
    }
    const at = this.locate(path);
    if (!at) return [];
    const entries = await at.fs.readdir(at.inner, opts.deleted ? { deleted: true } : {});
    return at.prefix ? entries.map((e) => ({ ...e, path: at.prefix + e.path })) : entries;
  }

  /**
   * The whole subtree under `path` in `list` order, one directory at a time, when its file system
   * can list it faster than `list` call by call; null otherwise (and at a multi-mount root).
   */
  tree(path: string): AsyncGenerator<FileEntry[]> | null {
    if (this.mounts[0]!.prefix !== '' && splitPath(path).length === 0) return null;
    const at = this.locate(path);
    return at && canTree(at.fs) ? at.fs.tree(at.inner, at.prefix) : null;
  }

  async stat(path: string): Promise<FileEntry | null> {
    const at = this.locate(path);
    if (!at) return null;
    const e = await at.fs.stat(at.inner);
    return e ? { ...e, path: at.prefix + e.path } : null;
  }

  close(): Promise<void> {
    return this.closer();
  }
}

/**
 * A FAT12/16/32 volume as a read-only Filesystem, listed the way `fls -r -p` lists it:
 * long names where valid, the volume label as `<label> (Volume Label Entry)`, deleted entries
 * (`readdir(path, { deleted: true })`) with `_` for their lost first character, `id` = TSK's
 * address of the entry's slot (so `istat`/`icat` take the same number).
 *
 * With deleted entries the root also lists TSK's virtual directory `$OrphanFiles` (id = TSK's
 * address for it): the orphan entries of free clusters (formats/fat/orphans.ts), scanned once,
 * when that directory is first listed. TSK's other virtual files ($MBR, $FAT1, $FAT2) are not
 * listed (formats/fat/SPEC.md § TSK's virtual entries).
 *
 * Names compare exactly first, then without case (FAT is case-insensitive). A path that a live and
 * a deleted entry share resolves to the live one; several deleted entries with one name (`_`)
 * resolve to the first. A directory already on its own path (a loop) lists as empty, as in TSK.
 * Times are FAT local wall-clock times stated as UTC (formats/fat/SPEC.md § Times); FAT has no
 * change time, so `changed` is null.
 */
import type { Layer } from '../../common/evidence-ref.js';
import { ParseError } from '../../common/issues.js';
import { joinPath, splitPath, type FileEntry, type Filesystem } from '../../common/vfs.js';
import { pushIssue, type ReadIssue } from '../../io/block-cache.js';
import type { Reader } from '../../io/reader.js';
import { FatVolume, namedInodes, ROOT_INODE, scanOrphans, type FatDirEntry, type OrphanLimits, type OrphanScan } from '../../formats/fat/index.js';

export const ORPHAN_DIR = '$OrphanFiles';

const DIR_CACHE = 256;
/** Deeper paths than this are refused: no real volume nests so far, a crafted one could loop. */
const MAX_DEPTH = 256;

export interface FatReaddirOptions {
  readonly deleted?: boolean;
}

interface Node {
  readonly path: string;
  /** null = the root directory. */
  readonly entry: FatDirEntry | null;
  /** Slot addresses of the directories above (and of this one): TSK's test for directory loops. */
  readonly ancestors: ReadonlySet<number>;
  /** A directory whose slot is already among its ancestors': listed, but empty. */
  readonly loop: boolean;
}

export class FatFilesystem implements Filesystem {
  readonly kind = 'fat';
  readonly caseInsensitive = true;
  private readonly dirs = new Map<string, Promise<FatDirEntry[]>>();
  private orphanScan: Promise<OrphanScan> | null = null;
  /** The virtual `$OrphanFiles` directory (listed at the root with deleted entries). */
  private readonly orphanDir: FatDirEntry;

  private constructor(readonly volume: FatVolume, private readonly layers: Layer[], private readonly orphanLimits?: OrphanLimits) {
    this.orphanDir = {
      name: ORPHAN_DIR, shortName: '', inode: volume.virtualInodes.orphans, attributes: 0x10, isDir: true, isLabel: false, deleted: false,
      firstCluster: 0, size: 0, created: null, modified: null, accessed: null,
    };
  }

  static async open(reader: Reader, layers: Layer[] = [], orphanLimits?: OrphanLimits): Promise<FatFilesystem> {
    return new FatFilesystem(await FatVolume.open(reader), layers, orphanLimits);
  }

  /**
   * The orphan entries (what /$OrphanFiles lists), found once: a walk of the whole tree for the
   * addresses it reaches, then a scan of the free clusters. A cap reached is an issue and a partial list.
   */
  orphans(): Promise<OrphanScan> {
    if (!this.orphanScan) {
      this.orphanScan = (async () => {
        const named = await namedInodes(this.volume, this.orphanLimits?.maxNamed);
        if (named) return scanOrphans(this.volume, named, this.orphanLimits);
        pushIssue(this.volume.issues, { message: 'too many entries to tell orphans from named entries; $OrphanFiles not scanned', offset: null, file: `/${ORPHAN_DIR}` });
        return { orphans: [], complete: false, bytesScanned: 0 };
      })();
    }
    return this.orphanScan;
  }

  get issues(): readonly ReadIssue[] {
    return this.volume.issues;
  }

  async stat(path: string): Promise<FileEntry | null> {
    const n = await this.resolve(path);
    return n ? entryFor(n.path, n.entry) : null;
  }

  async readdir(path: string, opts: FatReaddirOptions = {}): Promise<FileEntry[]> {
    const n = await this.resolve(path);
    if (!n || (n.entry && !n.entry.isDir)) throw Object.assign(new Error(`no such directory: ${path}`), { code: 'ENOENT' });
    const kids = await this.children(n);
    return kids.filter((k) => opts.deleted === true || (!k.deleted && k !== this.orphanDir)).map((k) => entryFor(joinPath(n.path, k.name), k));
  }

  async open(path: string): Promise<Reader> {
    const n = await this.resolve(path);
    if (!n) throw Object.assign(new Error(`no such file: ${path}`), { code: 'ENOENT' });
    if (!n.entry || n.entry.isDir) throw Object.assign(new Error(`is a directory: ${path}`), { code: 'EISDIR' });
    return this.volume.openFile(n.entry, n.path);
  }

  layersFor(): Layer[] {
    return this.layers;
  }

  async close(): Promise<void> {
    this.dirs.clear();
  }

  private async resolve(path: string): Promise<Node | null> {
    const parts = splitPath(path);
    if (parts.length > MAX_DEPTH) return null;
    let cur: Node = { path: '/', entry: null, ancestors: new Set([ROOT_INODE]), loop: false };
    for (const part of parts) {
      if (cur.entry && !cur.entry.isDir) return null;
      const kids = await this.children(cur);
      const want = part.toUpperCase();
      const next = kids.find((k) => !k.deleted && k.name === part) ?? kids.find((k) => !k.deleted && k.name.toUpperCase() === want)
        ?? kids.find((k) => k.name === part) ?? kids.find((k) => k.name.toUpperCase() === want);
      if (!next) return null;
      // Like TSK: a directory whose slot is already on the path is listed but not entered.
      const loop = next.isDir && cur.ancestors.has(next.inode);
      const ancestors = new Set(cur.ancestors);
      if (next.isDir) ancestors.add(next.inode);
      cur = { path: joinPath(cur.path, next.name), entry: next, ancestors, loop: cur.loop || loop };
    }
    return cur;
  }

  private children(n: Node): Promise<FatDirEntry[]> {
    const e = n.entry;
    if (n.loop) {
      pushIssue(this.volume.issues, { message: `directory ${n.path} is already on its own path (entry ${e?.inode}); not entered`, offset: null, file: n.path });
      return Promise.resolve([]);
    }
    const key = e ? `${e.inode}` : 'root';
    let p = this.dirs.get(key);
    if (p) {
      this.dirs.delete(key);
      this.dirs.set(key, p);
      return p;
    }
    const read = e === this.orphanDir ? this.orphans().then((o) => o.orphans)
      : e ? this.volume.children(e, n.path)
      : this.volume.rootEntries().then((kids) => [...kids, this.orphanDir]);
    p = read
      .catch((err: unknown) => {
        if (!(err instanceof ParseError)) throw err;
        pushIssue(this.volume.issues, { message: `directory ${n.path} unreadable: ${err.message}`, offset: err.offset ?? null, file: n.path });
        return [];
      });
    this.dirs.set(key, p);
    if (this.dirs.size > DIR_CACHE) this.dirs.delete(this.dirs.keys().next().value!);
    return p;
  }
}

function entryFor(path: string, e: FatDirEntry | null): FileEntry {
  if (!e) return { path: '/', name: '', type: 'dir', size: 0, id: String(ROOT_INODE), created: null, modified: null, accessed: null, changed: null };
  return {
    path,
    name: e.name,
    type: e.isDir ? 'dir' : 'file',
    size: e.isDir ? 0 : e.size,
    id: String(e.inode),
    created: e.created,
    modified: e.modified,
    accessed: e.accessed,
    changed: null,
    ...(e.deleted ? { deleted: true } : {}),
  };
}

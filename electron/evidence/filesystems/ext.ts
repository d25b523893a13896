/**
 * An ext2/3/4 volume as a read-only Filesystem, listed the way `fls -r -p` lists it: live names
 * from each directory's entry chain, and with `readdir(path, { deleted: true })` the deleted names
 * TSK recovers (slack after a live entry, inode field 0). `id` is the inode number.
 *
 * - A deleted name shows the metadata of the inode it names, which may since belong to another
 *   file (TSK's `(realloc)`); a deleted name whose inode field is 0 has size 0 and no times.
 * - Symbolic links are `link` and never followed; `open` on one gives the stored target path.
 * - Devices, FIFOs and sockets are `other`, size 0.
 * - Names compare exactly (ext is case-sensitive). A path that a live and a deleted entry share
 *   resolves to the live one. A directory entry naming one of its own ancestors lists as empty.
 * Times: created = crtime (ext4 large inodes), modified = mtime, accessed = atime, changed =
 * ctime, all UTC with the extra fields' nanoseconds (cut to milliseconds) and epoch bits.
 */
import type { Layer } from '../../common/evidence-ref.js';
import { ParseError } from '../../common/issues.js';
import { joinPath, splitPath, type EntryType, type FileEntry, type Filesystem } from '../../common/vfs.js';
import { pushIssue, type ReadIssue } from '../../io/block-cache.js';
import type { Reader } from '../../io/reader.js';
import { ExtVolume, fileType, FT, MODE, ROOT_INO, type Inode } from '../../formats/ext/index.js';

const DIR_CACHE = 256;
const MAX_DEPTH = 256;

export interface ExtReaddirOptions {
  readonly deleted?: boolean;
}

interface Child {
  readonly name: string;
  readonly ino: number;
  readonly deleted: boolean;
  readonly inode: Inode | null;
  readonly type: EntryType;
}

interface Node {
  readonly path: string;
  readonly child: Child;
  readonly ancestors: ReadonlySet<number>;
  readonly loop: boolean;
}

function typeFromMode(mode: number): EntryType {
  const t = fileType(mode);
  return t === MODE.DIR ? 'dir' : t === MODE.REG ? 'file' : t === MODE.LNK ? 'link' : 'other';
}

function typeFromFt(ft: number): EntryType | null {
  return ft === FT.REG ? 'file' : ft === FT.DIR ? 'dir' : ft === FT.LNK ? 'link' : ft === 0 ? null : 'other';
}

export class ExtFilesystem implements Filesystem {
  readonly kind = 'ext';
  readonly caseInsensitive = false;
  private readonly dirs = new Map<number, Promise<Child[]>>();

  private constructor(readonly volume: ExtVolume, private readonly layers: Layer[]) {}

  static async open(reader: Reader, layers: Layer[] = []): Promise<ExtFilesystem> {
    return new ExtFilesystem(await ExtVolume.open(reader), layers);
  }

  get issues(): readonly ReadIssue[] {
    return this.volume.issues;
  }

  async stat(path: string): Promise<FileEntry | null> {
    const n = await this.resolve(path);
    return n ? entryFor(n.path, n.child) : null;
  }

  async readdir(path: string, opts: ExtReaddirOptions = {}): Promise<FileEntry[]> {
    const n = await this.resolve(path);
    if (!n || n.child.type !== 'dir') throw Object.assign(new Error(`no such directory: ${path}`), { code: 'ENOENT' });
    const kids = await this.children(n);
    return kids.filter((k) => opts.deleted === true || !k.deleted).map((k) => entryFor(joinPath(n.path, k.name), k));
  }

  async open(path: string): Promise<Reader> {
    const n = await this.resolve(path);
    if (!n) throw Object.assign(new Error(`no such file: ${path}`), { code: 'ENOENT' });
    if (n.child.type === 'dir') throw Object.assign(new Error(`is a directory: ${path}`), { code: 'EISDIR' });
    if (!n.child.inode) throw Object.assign(new Error(`no inode for ${path} (deleted name)`), { code: 'ENOENT' });
    return this.volume.open(n.child.inode);
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
    const root = await this.volume.inode(ROOT_INO);
    let cur: Node = { path: '/', child: { name: '', ino: ROOT_INO, deleted: false, inode: root, type: 'dir' }, ancestors: new Set([ROOT_INO]), loop: false };
    for (const part of parts) {
      if (cur.child.type !== 'dir') return null;
      const kids = await this.children(cur);
      const next = kids.find((k) => !k.deleted && k.name === part) ?? kids.find((k) => k.name === part);
      if (!next) return null;
      const loop = next.type === 'dir' && cur.ancestors.has(next.ino);
      cur = { path: joinPath(cur.path, next.name), child: next, ancestors: new Set([...cur.ancestors, next.ino]), loop: cur.loop || loop };
    }
    return cur;
  }

  private children(n: Node): Promise<Child[]> {
    const { inode, ino } = n.child;
    if (n.loop || !inode) {
      if (n.loop) pushIssue(this.volume.issues, { message: `directory ${n.path} (inode ${ino}) is one of its own ancestors; not followed`, offset: null, file: n.path });
      return Promise.resolve([]);
    }
    let p = this.dirs.get(ino);
    if (p) {
      this.dirs.delete(ino);
      this.dirs.set(ino, p);
      return p;
    }
    p = this.loadChildren(inode, n.path).catch((err: unknown) => {
      if (!(err instanceof ParseError)) throw err;
      pushIssue(this.volume.issues, { message: `directory ${n.path} unreadable: ${err.message}`, offset: err.offset ?? null, file: n.path });
      return [];
    });
    this.dirs.set(ino, p);
    if (this.dirs.size > DIR_CACHE) this.dirs.delete(this.dirs.keys().next().value!);
    return p;
  }

  private async loadChildren(dir: Inode, where: string): Promise<Child[]> {
    const out: Child[] = [];
    for (const e of await this.volume.readDir(dir)) {
      let inode: Inode | null = null;
      if (e.inode !== 0) {
        try {
          inode = await this.volume.inode(e.inode);
        } catch (err) {
          if (!(err instanceof ParseError)) throw err;
          pushIssue(this.volume.issues, { message: `${joinPath(where, e.name)}: inode ${e.inode} unreadable: ${err.message}`, offset: err.offset ?? null, file: where });
        }
      }
      // A live name's inode says what it is; a deleted name keeps the type it was written with.
      const type = (!e.deleted && inode ? typeFromMode(inode.mode) : typeFromFt(e.fileType)) ?? (inode ? typeFromMode(inode.mode) : 'file');
      out.push({ name: e.name, ino: e.inode, deleted: e.deleted, inode, type });
    }
    return out;
  }
}

function entryFor(path: string, c: Child): FileEntry {
  const i = c.inode;
  return {
    path,
    name: c.name,
    type: c.type,
    size: c.type === 'file' || c.type === 'link' ? (i?.size ?? 0) : 0,
    id: String(c.ino),
    created: i?.crtime ?? null,
    modified: i?.mtime ?? null,
    accessed: i?.atime ?? null,
    changed: i?.ctime ?? null,
    ...(c.deleted ? { deleted: true } : {}),
  };
}

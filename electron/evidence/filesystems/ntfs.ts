/**
 * An NTFS volume as a read-only Filesystem. Paths resolve through the directory indexes ($I30)
 * and MFT records are read on demand (formats/ntfs block cache), so a targeted scan touches the
 * few directories and files it needs; only `readdir(path, { deleted: true })` scans the whole MFT.
 *
 * Names compare case-insensitively through the volume's own $UpCase table (exactly as Windows
 * does; a per-unit String.toUpperCase when the table is unreadable).
 * DOS 8.3 aliases are not listed (as TSK) and not resolved.
 */
import type { Layer } from '../../common/evidence-ref.js';
import { ParseError } from '../../common/issues.js';
import { joinPath, splitPath, type FileEntry, type Filesystem } from '../../common/vfs.js';
import { BufferReader } from '../../io/buffer-reader.js';
import type { Reader } from '../../io/reader.js';
import { walkTree } from './ntfs-tree.js';
import {
  displayNames, MftTable, NS, NtfsVolume, placeDeleted, ReadAheadReader, readIndex, ROOT_ENTRY, scanDeleted,
  type DeletedPlacement, type FileName, type MftRef, type NtfsFile, type NtfsIssue, type NtfsTimes,
} from '../../formats/ntfs/index.js';

export const ORPHAN_DIR = '$OrphanFiles';
const DIR_CACHE = 256;

export interface NtfsReaddirOptions {
  /** Also list deleted records (full MFT scan, once) and, at the root, /$OrphanFiles. */
  readonly deleted?: boolean;
}

export interface NtfsStreamInfo {
  readonly name: string;
  readonly size: number;
  /** `data` = a $DATA stream ('' is the unnamed one); `index` = a named $INDEX_ROOT ($Secure:$SDH). */
  readonly kind: 'data' | 'index';
}

export interface Child {
  readonly name: string;
  readonly ref: MftRef;
  readonly deleted: boolean;
  /** The $FILE_NAME that put it here (index key or record attribute), the fallback for stat. */
  readonly fn: FileName | null;
  readonly orphanDir?: boolean;
}

export class NtfsFilesystem implements Filesystem {
  readonly kind = 'ntfs';
  readonly caseInsensitive = true;
  private readonly dirs = new Map<string, Promise<Child[]>>();
  private deletedMap: Promise<DeletedPlacement> | null = null;
  private table: Promise<MftTable | null> | null = null;

  private constructor(readonly volume: NtfsVolume, private readonly layers: Layer[]) {}

  static async open(reader: Reader, layers: Layer[] = []): Promise<NtfsFilesystem> {
    return new NtfsFilesystem(await NtfsVolume.open(reader), layers);
  }

  get issues(): readonly NtfsIssue[] {
    return this.volume.issues;
  }

  async stat(path: string): Promise<FileEntry | null> {
    const hit = (await this.resolve(path, false)) ?? (await this.resolve(path, true));
    return hit ? this.entryFor(hit.path, hit.child) : null;
  }

  async readdir(path: string, opts: NtfsReaddirOptions = {}): Promise<FileEntry[]> {
    const deleted = opts.deleted === true;
    const hit = (await this.resolve(path, false)) ?? (deleted ? await this.resolve(path, true) : null);
    if (!hit) throw Object.assign(new Error(`no such directory: ${path}`), { code: 'ENOENT' });
    const kids = await this.children(hit.child, deleted);
    const out: FileEntry[] = [];
    for (const k of kids) out.push(await this.entryFor(joinPath(hit.path, k.name), k));
    return out;
  }

  async open(path: string): Promise<Reader> {
    const hit = (await this.resolve(path, false)) ?? (await this.resolve(path, true));
    if (!hit) {
      // `file:stream` names an alternate data stream when no file has that name.
      const parts = splitPath(path);
      const last = parts.pop() ?? '';
      const colon = last.indexOf(':');
      if (colon > 0) return this.openStream('/' + [...parts, last.slice(0, colon)].join('/'), last.slice(colon + 1));
      throw Object.assign(new Error(`no such file: ${path}`), { code: 'ENOENT' });
    }
    return this.openStream(hit.path, '');
  }

  /** A Reader over the named $DATA stream ('' = the file's contents). */
  async openStream(path: string, name: string): Promise<Reader> {
    const f = await this.fileAt(path);
    if (f.isDir && name === '') throw Object.assign(new Error(`is a directory: ${path}`), { code: 'EISDIR' });
    const s = f.data.find((d) => d.name === name);
    if (!s) {
      if (name === '') return new BufferReader(new Uint8Array(0));
      throw Object.assign(new Error(`no stream ${JSON.stringify(name)} in ${path}`), { code: 'ENOENT' });
    }
    return this.volume.streamReader(s, `${path}${name ? ':' + name : ''}`);
  }

  /** The data streams and named indexes of a file (what `fls` prints as `path:name`). */
  async streams(path: string): Promise<NtfsStreamInfo[]> {
    const f = await this.fileAt(path);
    const out: NtfsStreamInfo[] = f.data.map((d) => ({ name: d.name, size: d.size, kind: 'data' as const }));
    for (const [name, a] of f.indexRoots) if (name !== '$I30') out.push({ name, size: a.value.length, kind: 'index' });
    return out;
  }

  /** The $FILE_NAME times of the name a path uses (examiners compare them with $SI). */
  async fileNameTimes(path: string): Promise<NtfsTimes | null> {
    const hit = (await this.resolve(path, false)) ?? (await this.resolve(path, true));
    if (!hit || hit.child.orphanDir) return null;
    try {
      const f = await this.volume.file(hit.child.ref.entry);
      const fn = f.names.find((n) => n.name === hit.child.name && n.namespace !== NS.DOS) ?? hit.child.fn;
      return fn ? { created: fn.created, modified: fn.modified, changed: fn.changed, accessed: fn.accessed } : null;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      return hit.child.fn;
    }
  }

  /**
   * Every entry under `path` (not itself), one directory's entries at a time, in the order
   * `ls --recursive` lists them (ntfs-tree.ts); `prefix` goes before every path (a mount point).
   */
  tree(path: string, prefix = ''): AsyncGenerator<FileEntry[]> {
    return walkTree(this, path, prefix);
  }

  /** The per-record facts of the whole $MFT, read once (null when it is too large to tabulate). */
  mftTable(): Promise<MftTable | null> {
    this.table ??= MftTable.build(this.volume, (n, raw) => this.volume.primeRecord(n, raw.slice()));
    return this.table;
  }

  layersFor(): Layer[] {
    return this.layers;
  }

  async close(): Promise<void> {
    this.dirs.clear();
  }

  private async fileAt(path: string): Promise<NtfsFile> {
    const hit = (await this.resolve(path, false)) ?? (await this.resolve(path, true));
    if (!hit || hit.child.orphanDir) throw Object.assign(new Error(`no such file: ${path}`), { code: 'ENOENT' });
    return this.volume.file(hit.child.ref.entry);
  }

  private async rootChild(): Promise<Child> {
    const r = await this.volume.record(ROOT_ENTRY);
    return { name: '', ref: { entry: ROOT_ENTRY, sequence: r.sequence }, deleted: false, fn: null };
  }

  /** Path → the child that names it, walking directory listings; exact name first, then folded. */
  async resolve(path: string, deleted: boolean): Promise<{ path: string; child: Child } | null> {
    let cur = await this.rootChild();
    let curPath = '/';
    for (const part of splitPath(path)) {
      if (part === '.' || part === '..') return null;
      const kids = await this.children(cur, deleted);
      let next = kids.find((k) => k.name === part);
      if (!next) {
        const fold = await this.volume.folder();
        const upper = fold(part);
        next = kids.find((k) => fold(k.name) === upper);
      }
      if (!next) return null;
      cur = next;
      curPath = joinPath(curPath, next.name);
    }
    return { path: curPath, child: cur };
  }

  private children(dir: Child, deleted: boolean): Promise<Child[]> {
    const key = dir.orphanDir ? `orphans` : `${dir.ref.entry}-${dir.ref.sequence}-${deleted}`;
    let p = this.dirs.get(key);
    if (p) {
      this.dirs.delete(key);
      this.dirs.set(key, p);
      return p;
    }
    p = this.loadChildren(dir, deleted);
    this.dirs.set(key, p);
    if (this.dirs.size > DIR_CACHE) this.dirs.delete(this.dirs.keys().next().value!);
    p.catch(() => this.dirs.delete(key));
    return p;
  }

  /** A directory's children, sorted by name, read afresh (`children` caches them). */
  async loadChildren(dir: Child, deleted: boolean): Promise<Child[]> {
    if (dir.orphanDir) {
      const m = await this.deletedPlacement();
      return m.orphans.map((o) => ({ name: o.name, ref: { entry: o.record.entry, sequence: o.record.sequence }, deleted: true, fn: o.record.names[0] ?? null }));
    }
    let f: NtfsFile;
    try {
      f = await this.volume.file(dir.ref.entry);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.volume.issues.push({ message: `directory entry ${dir.ref.entry} unreadable: ${e.message}`, offset: e.offset ?? null, entry: dir.ref.entry });
      return [];
    }
    const out: Child[] = [];
    const root = f.indexRoots.get('$I30');
    if (f.isDir && root) {
      const issues: string[] = [];
      const allocStream = f.indexAllocs.get('$I30');
      const alloc = allocStream ? new ReadAheadReader(this.volume.streamReader(allocStream, `entry ${f.entry} $I30`)) : null;
      try {
        for (const e of await readIndex(root.value, root.offset, alloc, this.volume.boot.clusterSize, issues)) {
          if (e.key.namespace === NS.DOS || e.ref.entry === f.entry) continue;
          out.push({ name: e.key.name, ref: e.ref, deleted: dir.deleted, fn: e.key });
        }
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        issues.push(e.message);
      }
      for (const m of issues) this.volume.issues.push({ message: `directory entry ${f.entry}: ${m}`, offset: root.offset, entry: f.entry });
    }
    if (deleted) {
      const m = await this.deletedPlacement();
      const seen = new Set(out.map((c) => `${c.ref.entry}/${c.name}`));
      for (const d of m.byParent.get(f.entry) ?? []) {
        if (seen.has(`${d.record.entry}/${d.name.name}`)) continue;
        out.push({ name: d.name.name, ref: { entry: d.record.entry, sequence: d.record.sequence }, deleted: true, fn: d.name });
      }
      // Allocated records that name this directory but are missing from its index.
      const indexed = new Set(out.map((c) => c.ref.entry));
      for (const n of m.allocatedByParent.get(f.entry) ?? []) {
        if (indexed.has(n) || n === f.entry) continue;
        try {
          const kid = await this.volume.file(n);
          for (const fn of displayNames(kid.names)) {
            if (fn.parent.entry === f.entry && fn.parent.sequence === f.sequence) out.push({ name: fn.name, ref: { entry: n, sequence: kid.sequence }, deleted: false, fn });
          }
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }
      if (f.entry === ROOT_ENTRY) out.push({ name: ORPHAN_DIR, ref: { entry: this.volume.recordCount, sequence: 0 }, deleted: false, fn: null, orphanDir: true });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private deletedPlacement(): Promise<DeletedPlacement> {
    if (!this.deletedMap) {
      this.deletedMap = (async () => {
        const scan = await scanDeleted(this.volume);
        this.volume.issues.push(...scan.issues);
        return placeDeleted(this.volume, scan);
      })();
      this.deletedMap.catch(() => (this.deletedMap = null));
    }
    return this.deletedMap;
  }

  /** The entry for one child at `path` (fastEntry in ntfs-tree.ts is its fast twin: keep them in step). */
  async entryFor(path: string, c: Child): Promise<FileEntry> {
    const name = c.name === '' ? '' : c.name;
    if (c.orphanDir) return { path, name, type: 'dir', size: 0, id: `${c.ref.entry}`, created: null, modified: null, accessed: null, changed: null };
    try {
      const f = await this.volume.file(c.ref.entry);
      // An index entry whose sequence no longer matches the record points at a reused slot.
      const stale = !c.deleted && f.sequence !== c.ref.sequence && c.ref.sequence !== 0;
      const t = f.si ?? c.fn ?? f.names[0] ?? null;
      const data = f.data.find((d) => d.name === '');
      const e: FileEntry = {
        path, name, type: f.isDir ? 'dir' : 'file', size: f.isDir ? 0 : (data?.size ?? 0), id: `${f.entry}-${f.sequence}`,
        created: t?.created ?? null, modified: t?.modified ?? null, accessed: t?.accessed ?? null, changed: t?.changed ?? null,
      };
      return c.deleted || !f.inUse || stale ? { ...e, deleted: true } : e;
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      this.volume.issues.push({ message: `${path}: MFT entry ${c.ref.entry} unreadable (${err.message}); listed from its index entry`, offset: err.offset ?? null, entry: c.ref.entry });
      const fn = c.fn;
      const isDir = fn ? (fn.fileAttributes & 0x10000000) !== 0 : false;
      return {
        path, name, type: isDir ? 'dir' : 'file', size: isDir ? 0 : (fn?.realSize ?? 0), id: `${c.ref.entry}-${c.ref.sequence}`,
        created: fn?.created ?? null, modified: fn?.modified ?? null, accessed: fn?.accessed ?? null, changed: fn?.changed ?? null,
        ...(c.deleted ? { deleted: true } : {}),
      };
    }
  }
}


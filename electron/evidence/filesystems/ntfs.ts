/**
 * An NTFS volume as a read-only Filesystem. Paths resolve through the directory indexes ($I30)
 * and MFT records are read on demand (formats/ntfs block cache), so a targeted scan touches the
 * few directories and files it needs; only `readdir(path, { deleted: true })` scans the whole MFT.
 *
 * Deleted listings add the names of freed MFT records (/$OrphanFiles for the unplaceable) and
 * the names recovered from index slack (ntfs-deleted.ts), as `fls` shows them.
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
import { addDeletedChildren, deletedNameOf, type DeletedIndex, type NtfsDeletedName } from './ntfs-deleted.js';
import type { Child } from './ntfs-child.js';
import { childEntry } from './ntfs-entry.js';
import { walkTree } from './ntfs-tree.js';
import {
  MftTable, NS, NtfsVolume, placeDeleted, ReadAheadReader, readIndex, readIndexWithSlack, ROOT_ENTRY, scanDeleted,
  type IndexEntry, type NtfsFile, type NtfsIssue, type NtfsTimes, type SlackName,
} from '../../formats/ntfs/index.js';

export type { NtfsDeletedName, NtfsNameSource } from './ntfs-deleted.js';
export type { Child } from './ntfs-child.js';

export const ORPHAN_DIR = '$OrphanFiles';
const DIR_CACHE = 256;

export interface NtfsReaddirOptions {
  /** Also list deleted records (full MFT scan, once), names in index slack and, at the root, /$OrphanFiles. */
  readonly deleted?: boolean;
}

export interface NtfsStreamInfo {
  readonly name: string;
  readonly size: number;
  /** `data` = a $DATA stream ('' is the unnamed one); `index` = a named $INDEX_ROOT ($Secure:$SDH). */
  readonly kind: 'data' | 'index';
}

export class NtfsFilesystem implements Filesystem {
  readonly kind = 'ntfs';
  readonly caseInsensitive = true;
  private readonly dirs = new Map<string, Promise<Child[]>>();
  private deletedMap: Promise<DeletedIndex> | null = null;
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
    // Deleted names can lead back up the path (a slack name of an ancestor): list such a loop empty.
    if (deleted && hit.loop) return [];
    const kids = await this.children(hit.child, deleted);
    const out: FileEntry[] = [];
    for (const k of kids) out.push(await this.entryFor(joinPath(hit.path, k.name), k));
    return out;
  }

  async open(path: string): Promise<Reader> {
    // `file:stream` names an alternate data stream when no file has that name. A live file's
    // stream is tried before deleted names: those need a scan of the whole MFT, and every Windows
    // scan opens /$Extend/$UsnJrnl:$J.
    const parts = splitPath(path);
    const last = parts.pop() ?? '';
    const colon = last.indexOf(':');
    const base = colon > 0 ? '/' + [...parts, last.slice(0, colon)].join('/') : null;
    const hit = (await this.resolve(path, false)) ?? (base !== null && (await this.resolve(base, false)) ? null : await this.resolve(path, true));
    if (!hit) {
      if (base !== null) return this.openStream(base, last.slice(colon + 1));
      throw Object.assign(new Error(`no such file: ${path}`), { code: 'ENOENT' });
    }
    return this.openStream(hit.path, '');
  }

  /**
   * The deleted names of a directory — freed records' names, names recovered from index slack,
   * entries of a deleted directory — each with where it was found, the MFT reference it gives and
   * its $FILE_NAME facts (what `readdir(path, { deleted: true })` lists as deleted, in detail).
   */
  async deletedNames(path: string): Promise<NtfsDeletedName[]> {
    const hit = (await this.resolve(path, false)) ?? (await this.resolve(path, true));
    if (!hit) throw Object.assign(new Error(`no such directory: ${path}`), { code: 'ENOENT' });
    if (hit.loop) return [];
    const out: NtfsDeletedName[] = [];
    for (const k of await this.children(hit.child, true)) {
      if (k.orphanDir) continue;
      const p = joinPath(hit.path, k.name);
      const e = await this.entryFor(p, k);
      if (e.deleted) out.push(deletedNameOf(p, k, e.id ?? '', e.type === 'dir'));
    }
    return out;
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
    const hit = (await this.resolve(path, false)) ?? (await this.resolve(path, true));
    if (hit?.child.detached) return [];
    const f = await this.fileAt(path);
    const out: NtfsStreamInfo[] = f.data.map((d) => ({ name: d.name, size: d.size, kind: 'data' as const }));
    for (const [name, a] of f.indexRoots) if (name !== '$I30') out.push({ name, size: a.value.length, kind: 'index' });
    return out;
  }

  /** The $FILE_NAME times of the name a path uses (examiners compare them with $SI). */
  async fileNameTimes(path: string): Promise<NtfsTimes | null> {
    const hit = (await this.resolve(path, false)) ?? (await this.resolve(path, true));
    if (!hit || hit.child.orphanDir) return null;
    if (hit.child.detached) return hit.child.fn;
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
    if (hit.child.detached) {
      const r = hit.child.ref;
      throw Object.assign(new Error(`${path}: a name recovered from index slack; MFT entry ${r.entry} no longer holds that file (reference ${r.entry}-${r.sequence}), so it has no contents`), { code: 'ENOENT' });
    }
    return this.volume.file(hit.child.ref.entry);
  }

  private async rootChild(): Promise<Child> {
    const r = await this.volume.record(ROOT_ENTRY);
    return { name: '', ref: { entry: ROOT_ENTRY, sequence: r.sequence }, deleted: false, fn: null };
  }

  /** Path → the child that names it, walking directory listings; exact name first, then folded. */
  async resolve(path: string, deleted: boolean): Promise<{ path: string; child: Child; loop: boolean } | null> {
    let cur = await this.rootChild();
    let curPath = '/';
    const chain = new Set<number>([cur.ref.entry]);
    let loop = false;
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
      if (chain.has(cur.ref.entry)) loop = true;
      chain.add(cur.ref.entry);
    }
    return { path: curPath, child: cur, loop };
  }

  private children(dir: Child, deleted: boolean): Promise<Child[]> {
    // Before the cache: a leaf's reference may be that of a live directory (its old name).
    if (dir.leaf) return Promise.resolve([]);
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

  /** A directory's children, sorted by name, read afresh (`children` caches them; liveNames in ntfs-tree.ts is the recursive listing's lean twin: keep them in step). */
  async loadChildren(dir: Child, deleted: boolean): Promise<Child[]> {
    if (dir.orphanDir) {
      const m = (await this.deletedIndex()).placement;
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
    let slack: SlackName[] = [];
    if (f.isDir && root) {
      const issues: string[] = [];
      const allocStream = f.indexAllocs.get('$I30');
      const alloc = allocStream ? new ReadAheadReader(this.volume.streamReader(allocStream, `entry ${f.entry} $I30`)) : null;
      try {
        let entries: IndexEntry[];
        const cs = this.volume.boot.clusterSize;
        if (deleted) ({ entries, slack } = await readIndexWithSlack(root.value, root.offset, alloc, cs, f.entry, this.volume.recordCount, issues));
        else entries = await readIndex(root.value, root.offset, alloc, cs, issues);
        for (const e of entries) {
          if (e.key.namespace === NS.DOS || e.ref.entry === f.entry) continue;
          out.push(dir.deleted ? { name: e.key.name, ref: e.ref, deleted: true, fn: e.key, source: 'index' } : { name: e.key.name, ref: e.ref, deleted: false, fn: e.key });
        }
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        issues.push(e.message);
      }
      for (const m of issues) this.volume.issues.push({ message: `directory entry ${f.entry}: ${m}`, offset: root.offset, entry: f.entry });
    }
    if (deleted) {
      await addDeletedChildren(this.volume, f, slack, await this.deletedIndex(), out);
      if (f.entry === ROOT_ENTRY) out.push({ name: ORPHAN_DIR, ref: { entry: this.volume.recordCount, sequence: 0 }, deleted: false, fn: null, orphanDir: true });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private deletedIndex(): Promise<DeletedIndex> {
    if (!this.deletedMap) {
      this.deletedMap = (async () => {
        const scan = await scanDeleted(this.volume);
        this.volume.issues.push(...scan.issues);
        return { placement: await placeDeleted(this.volume, scan), byEntry: new Map(scan.deleted.map((d) => [d.entry, d])) };
      })();
      this.deletedMap.catch(() => (this.deletedMap = null));
    }
    return this.deletedMap;
  }

  /** The entry for one child at `path` (ntfs-entry.ts; fastEntry in ntfs-tree.ts is its fast twin). */
  entryFor(path: string, c: Child): Promise<FileEntry> {
    return childEntry(this.volume, path, c);
  }
}

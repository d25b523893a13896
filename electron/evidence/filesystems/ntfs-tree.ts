/**
 * Recursive listing of an NTFS volume, fast: the same entries, in the same order, as listing
 * directory by directory through `readdir` (utilities' walk), without resolving every directory's
 * path again from the root and, from the root, with each entry's facts taken from one sequential
 * pass over $MFT (MftTable) instead of an assembled file per record. Directory indexes are read
 * as names and references only (readIndexNames), not as a FileName object per key.
 */
import { ParseError } from '../../common/issues.js';
import { joinPath, splitPath, type FileEntry } from '../../common/vfs.js';
import {
  isoFromMs, NS, REC_DIR, REC_FAST, REC_IN_USE, ReadAheadReader, readIndexNames, ROOT_ENTRY,
  type IndexName, type MftTable, type NtfsFile, type NtfsStream,
} from '../../formats/ntfs/index.js';
import type { Child } from './ntfs-child.js';
import type { NtfsFilesystem } from './ntfs.js';

/** Entries listed record by record below the root before the walk tabulates $MFT instead. */
const TABLE_AFTER = 256;

/**
 * A directory's entries, then each subdirectory's subtree in name order. A subdirectory is the
 * first child with that exact name, as `readdir(path)` resolves it; a name that does not survive
 * as a path component ('/' inside, '.', '..') is listed through `readdir` itself, as before.
 */
export async function* walkTree(fs: NtfsFilesystem, path: string, prefix: string): AsyncGenerator<FileEntry[]> {
  const hit = await fs.resolve(path, false);
  if (!hit) throw Object.assign(new Error(`no such directory: ${path}`), { code: 'ENOENT' });
  // From the root the whole volume is listed: tabulate $MFT at once. Below it, a subtree may hold
  // a handful of files (not worth a pass over every record) or most of the volume (`hash /vol1/data`:
  // record-by-record facts then cost seconds and hundreds of MB): switch to the table once the
  // subtree has proved big. Entries are the same either way (fastEntry mirrors entryFor).
  let table = hit.child.ref.entry === ROOT_ENTRY && !hit.child.orphanDir ? await fs.mftTable() : null;
  let untabled = hit.child.orphanDir ? -Infinity : 0;
  // `entry`: the directory's MFT entry, listed from its index; null: listed through readdir.
  const stack: { path: string; entry: number | null }[] = [{ path: hit.path, entry: hit.child.ref.entry }];
  while (stack.length) {
    const { path: dir, entry } = stack.pop()!;
    let kids: IndexName[] | null = null;
    let out: FileEntry[];
    if (entry !== null) {
      if (!table && untabled > TABLE_AFTER) table = await fs.mftTable();
      kids = await liveNames(fs, entry, table); // each directory once: not worth caching
      if (!table) untabled += kids.length;
      out = new Array<FileEntry>(kids.length);
      const base = prefix + (dir === '/' ? '/' : `${dir}/`);
      for (let i = 0; i < kids.length; i++) {
        const k = kids[i]!;
        const fast = table && fastEntry(table, base + k.name, k.name, k.entry, k.sequence, false);
        out[i] = fast || (await slowEntry(fs, joinPath(dir, k.name), prefix, k));
      }
    } else {
      const entries = await fs.readdir('/' + splitPath(dir).join('/'));
      out = prefix ? entries.map((e) => ({ ...e, path: prefix + e.path })) : entries;
    }
    yield out;
    for (let i = out.length - 1; i >= 0; i--) {
      const e = out[i]!;
      if (e.type !== 'dir') continue;
      const plain = kids !== null && e.name !== '.' && e.name !== '..' && e.name !== '' && !e.name.includes('/');
      let first = i;
      // The first child of that name (names are sorted, so equal ones are neighbours).
      if (plain) while (first > 0 && kids![first - 1]!.name === e.name) first--;
      stack.push({ path: prefix ? e.path.slice(prefix.length) : e.path, entry: plain ? kids![first]!.entry : null });
    }
  }
}

/**
 * NtfsFilesystem.loadChildren(dir, false) for a live directory (keep them in step): the names of
 * its index but the DOS ones and itself, sorted; a damaged index lists what it could, an unreadable
 * record nothing (both noted as volume issues).
 */
export async function liveNames(fs: NtfsFilesystem, dirEntry: number, table: MftTable | null): Promise<IndexName[]> {
  const vol = fs.volume;
  // From the table when it holds the directory's index facts (no record parsed), else as NtfsVolume.file gives them.
  let isDir: boolean;
  let root: { readonly value: Uint8Array; readonly offset: number } | undefined;
  let allocStream: NtfsStream | undefined;
  const known = table?.dirIndex(dirEntry, vol.recordOffset(dirEntry), vol.boot.clusterSize, vol.boot.totalClusters) ?? null;
  if (known) {
    isDir = true;
    root = known.root ?? undefined;
    allocStream = known.alloc ?? undefined;
  } else {
    let f: NtfsFile;
    try {
      f = await vol.file(dirEntry);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      vol.issues.push({ message: `directory entry ${dirEntry} unreadable: ${e.message}`, offset: e.offset ?? null, entry: dirEntry });
      return [];
    }
    isDir = f.isDir;
    root = f.indexRoots.get('$I30');
    allocStream = f.indexAllocs.get('$I30');
  }
  const out: IndexName[] = [];
  if (isDir && root) {
    const issues: string[] = [];
    const alloc = allocStream ? new ReadAheadReader(vol.streamReader(allocStream, `entry ${dirEntry} $I30`)) : null;
    try {
      const names = await readIndexNames(root.value, root.offset, alloc, vol.boot.clusterSize, issues, true);
      for (const n of names) if (n.namespace !== NS.DOS && n.entry !== dirEntry) out.push(n);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      issues.push(e.message);
    }
    for (const m of issues) vol.issues.push({ message: `directory entry ${dirEntry}: ${m}`, offset: root.offset, entry: dirEntry });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The entry the per-record path gives (records the table could not decode). */
async function slowEntry(fs: NtfsFilesystem, p: string, prefix: string, k: IndexName): Promise<FileEntry> {
  const c: Child = { name: k.name, ref: { entry: k.entry, sequence: k.sequence }, deleted: false, fn: k.key() };
  return prefix ? { ...(await fs.entryFor(p, c)), path: prefix + p } : fs.entryFor(p, c);
}

/** The last time formatted: a file's four times are mostly equal, and neighbours share them. */
let lastMs = Number.NaN;
let lastIso = '';
const iso = (ms: number): string | null => {
  if (ms !== ms) return null; // NaN = no time
  if (ms !== lastMs) {
    lastIso = isoFromMs(ms);
    lastMs = ms;
  }
  return lastIso;
};

/**
 * NtfsFilesystem.entryFor's fast twin (keep them in step): the same FileEntry from the table's
 * per-record facts, for the child `name` listed with reference (`n`, `refSeq`). Null sends the
 * caller back to entryFor (records the table could not decode).
 */
export function fastEntry(table: MftTable, path: string, name: string, n: number, refSeq: number, deleted: boolean): FileEntry | null {
  if (n >= table.count) return null;
  const flags = table.flags[n]!;
  if (!(flags & REC_FAST)) return null;
  const seq = table.sequence[n]!;
  const isDir = (flags & REC_DIR) !== 0;
  // An index entry whose sequence no longer matches the record points at a reused slot.
  const stale = !deleted && seq !== refSeq && refSeq !== 0;
  const t = n * 4;
  const e: FileEntry = {
    path, name, type: isDir ? 'dir' : 'file', size: isDir ? 0 : table.size[n]!, id: `${n}-${seq}`,
    created: iso(table.times[t]!), modified: iso(table.times[t + 1]!), accessed: iso(table.times[t + 3]!), changed: iso(table.times[t + 2]!),
  };
  return deleted || !(flags & REC_IN_USE) || stale ? { ...e, deleted: true } : e;
}

/**
 * Recursive listing of an NTFS volume, fast: the same entries, in the same order, as listing
 * directory by directory through `readdir` (utilities' walk), without resolving every directory's
 * path again from the root and, from the root, with each entry's facts taken from one sequential
 * pass over $MFT (MftTable) instead of an assembled file per record.
 */
import { joinPath, splitPath, type FileEntry } from '../../common/vfs.js';
import { isoFromMs, REC_DIR, REC_FAST, REC_IN_USE, ROOT_ENTRY, type MftTable } from '../../formats/ntfs/index.js';
import type { Child, NtfsFilesystem } from './ntfs.js';

/**
 * A directory's entries, then each subdirectory's subtree in name order. A subdirectory is the
 * first child with that exact name, as `readdir(path)` resolves it; a name that does not survive
 * as a path component ('/' inside, '.', '..') is listed through `readdir` itself, as before.
 */
export async function* walkTree(fs: NtfsFilesystem, path: string, prefix: string): AsyncGenerator<FileEntry[]> {
  const hit = await fs.resolve(path, false);
  if (!hit) throw Object.assign(new Error(`no such directory: ${path}`), { code: 'ENOENT' });
  const table = hit.child.ref.entry === ROOT_ENTRY && !hit.child.orphanDir ? await fs.mftTable() : null;
  const stack: { path: string; child: Child | null }[] = [{ path: hit.path, child: hit.child }];
  while (stack.length) {
    const { path: dir, child } = stack.pop()!;
    let kids: Child[] | null = null;
    let out: FileEntry[];
    if (child) {
      kids = await fs.loadChildren(child, false); // each directory once: not worth caching
      out = new Array<FileEntry>(kids.length);
      for (let i = 0; i < kids.length; i++) {
        const k = kids[i]!;
        const p = joinPath(dir, k.name);
        const fast = table && fastEntry(table, prefix + p, k);
        out[i] = fast || (prefix ? { ...(await fs.entryFor(p, k)), path: prefix + p } : await fs.entryFor(p, k));
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
      stack.push({ path: prefix ? e.path.slice(prefix.length) : e.path, child: plain ? kids!.find((k) => k.name === e.name)! : null });
    }
  }
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
 * per-record facts. Null sends the caller back to entryFor (records the table could not decode).
 */
export function fastEntry(table: MftTable, path: string, c: Child): FileEntry | null {
  const n = c.ref.entry;
  if (c.orphanDir || n >= table.count) return null;
  const flags = table.flags[n]!;
  if (!(flags & REC_FAST)) return null;
  const seq = table.sequence[n]!;
  const isDir = (flags & REC_DIR) !== 0;
  // An index entry whose sequence no longer matches the record points at a reused slot.
  const stale = !c.deleted && seq !== c.ref.sequence && c.ref.sequence !== 0;
  const t = n * 4;
  const e: FileEntry = {
    path, name: c.name, type: isDir ? 'dir' : 'file', size: isDir ? 0 : table.size[n]!, id: `${n}-${seq}`,
    created: iso(table.times[t]!), modified: iso(table.times[t + 1]!), accessed: iso(table.times[t + 3]!), changed: iso(table.times[t + 2]!),
  };
  return c.deleted || !(flags & REC_IN_USE) || stale ? { ...e, deleted: true } : e;
}

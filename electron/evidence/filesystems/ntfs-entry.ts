/**
 * The FileEntry for one child of an NTFS directory listing, from its MFT record (the live facts),
 * or from the index key it was listed by when the record is unreadable or — for a name recovered
 * from index slack — no longer holds that file. fastEntry in ntfs-tree.ts is its fast twin (keep
 * them in step).
 */
import { ParseError } from '../../common/issues.js';
import type { FileEntry } from '../../common/vfs.js';
import type { NtfsVolume } from '../../formats/ntfs/index.js';
import type { Child } from './ntfs-child.js';

export async function childEntry(vol: NtfsVolume, path: string, c: Child): Promise<FileEntry> {
  const name = c.name === '' ? '' : c.name;
  if (c.orphanDir) return { path, name, type: 'dir', size: 0, id: `${c.ref.entry}`, created: null, modified: null, accessed: null, changed: null };
  if (c.detached) {
    // Only the recovered key is left: its times, its type; no size, as TSK shows such a name.
    const fn = c.fn!;
    return {
      path, name, type: (fn.fileAttributes & 0x10000000) !== 0 ? 'dir' : 'file', size: 0, id: `${c.ref.entry}-${c.ref.sequence}`,
      created: fn.created, modified: fn.modified, accessed: fn.accessed, changed: fn.changed, deleted: true,
    };
  }
  try {
    const f = await vol.file(c.ref.entry);
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
    vol.issues.push({ message: `${path}: MFT entry ${c.ref.entry} unreadable (${err.message}); listed from its index entry`, offset: err.offset ?? null, entry: c.ref.entry });
    const fn = c.fn;
    const isDir = fn ? (fn.fileAttributes & 0x10000000) !== 0 : false;
    return {
      path, name, type: isDir ? 'dir' : 'file', size: isDir ? 0 : (fn?.realSize ?? 0), id: `${c.ref.entry}-${c.ref.sequence}`,
      created: fn?.created ?? null, modified: fn?.modified ?? null, accessed: fn?.accessed ?? null, changed: fn?.changed ?? null,
      ...(c.deleted ? { deleted: true } : {}),
    };
  }
}

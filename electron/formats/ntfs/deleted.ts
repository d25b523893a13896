/**
 * Where deleted records belong, as The Sleuth Kit shows them: a deleted record is listed in the
 * directory its $FILE_NAME names when that directory exists with the referenced sequence number
 * (one less for a deleted directory, whose sequence was bumped when it was freed) and is itself
 * reachable; every other deleted record is an orphan (TSK's /$OrphanFiles).
 */
import { ParseError } from '../../common/issues.js';
import type { DeletedRecord, MftScan } from './scan.js';
import { NS, type FileName } from './types.js';
import { ROOT_ENTRY, type NtfsVolume } from './volume.js';

export interface DeletedName {
  readonly record: DeletedRecord;
  readonly name: FileName;
}

export interface DeletedPlacement {
  /** Deleted names by parent directory entry number. */
  readonly byParent: Map<number, DeletedName[]>;
  /** Allocated records by the parent their names give (to find files missing from an index). */
  readonly allocatedByParent: Map<number, number[]>;
  readonly orphans: { record: DeletedRecord; name: string }[];
}

/** Win32/POSIX names; DOS 8.3 names only when a record has nothing else (TSK skips DOS names). */
export function displayNames(names: readonly FileName[]): FileName[] {
  const long = names.filter((n) => n.namespace !== NS.DOS);
  return long.length ? long : [...names];
}

export async function placeDeleted(vol: NtfsVolume, scan: Pick<MftScan, 'deleted' | 'allocatedByParent'>): Promise<DeletedPlacement> {
  const deleted = scan.deleted;
  const byEntry = new Map(deleted.map((d) => [d.entry, d]));
  const dirState = new Map<number, { seq: number; deleted: boolean } | null>();
  const dirInfo = async (entry: number): Promise<{ seq: number; deleted: boolean } | null> => {
    if (dirState.has(entry)) return dirState.get(entry)!;
    let info: { seq: number; deleted: boolean } | null = null;
    const d = byEntry.get(entry);
    if (d) info = d.isDir ? { seq: d.sequence, deleted: true } : null;
    else {
      try {
        const r = await vol.record(entry);
        info = r.isDir && r.inUse && !r.base ? { seq: r.sequence, deleted: false } : null;
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
      }
    }
    dirState.set(entry, info);
    return info;
  };
  // A deleted directory is reachable when one of its own names is placed; memo + a visiting set
  // keep cyclic parent chains (A's parent is B, B's parent is A) finite.
  const reachable = new Map<number, boolean>();
  const visiting = new Set<number>();
  const parentOk = async (fn: FileName): Promise<boolean> => {
    const p = fn.parent.entry;
    const info = await dirInfo(p);
    if (!info) return false;
    if (!info.deleted) return info.seq === fn.parent.sequence;
    if (info.seq !== fn.parent.sequence && info.seq - 1 !== fn.parent.sequence) return false;
    return isReachable(p);
  };
  const isReachable = async (entry: number): Promise<boolean> => {
    if (entry === ROOT_ENTRY) return true;
    const memo = reachable.get(entry);
    if (memo !== undefined) return memo;
    if (visiting.has(entry)) return false;
    visiting.add(entry);
    const d = byEntry.get(entry);
    let ok = false;
    if (d) for (const fn of displayNames(d.names)) if (fn.parent.entry !== entry && (await parentOk(fn))) { ok = true; break; }
    visiting.delete(entry);
    reachable.set(entry, ok);
    return ok;
  };
  const byParent = new Map<number, DeletedName[]>();
  const orphans: DeletedPlacement['orphans'] = [];
  for (const d of deleted) {
    let placed = false;
    for (const fn of displayNames(d.names)) {
      if (fn.parent.entry === d.entry || !(await parentOk(fn))) continue;
      const list = byParent.get(fn.parent.entry) ?? [];
      list.push({ record: d, name: fn });
      byParent.set(fn.parent.entry, list);
      placed = true;
    }
    if (!placed) orphans.push({ record: d, name: displayNames(d.names)[0]?.name ?? `OrphanFile-${d.entry}` });
  }
  return { byParent, allocatedByParent: scan.allocatedByParent, orphans };
}

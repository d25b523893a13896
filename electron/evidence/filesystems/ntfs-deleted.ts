/**
 * The deleted names of an NTFS directory beyond its live index: names recovered from index slack
 * joined to the deleted-record names (formats/ntfs deleted.ts), de-duplicated as The Sleuth Kit
 * does (one name per MFT entry and spelling; a live or allocated one wins), and the richer view
 * of each deleted name that `NtfsFilesystem.deletedNames` returns.
 */
import { ParseError } from '../../common/issues.js';
import { displayNames, slackIsDir, type DeletedPlacement, type DeletedRecord, type MftRef, type NtfsFile, type NtfsTimes, type NtfsVolume, type SlackName } from '../../formats/ntfs/index.js';
import type { Child } from './ntfs-child.js';

/** The full MFT scan's results, once per volume: deleted names placed, freed records by entry. */
export interface DeletedIndex {
  readonly placement: DeletedPlacement;
  readonly byEntry: ReadonlyMap<number, DeletedRecord>;
}

/**
 * Where a deleted name was found: `index` a live entry of a deleted directory's index, `mft` a
 * deleted MFT record's $FILE_NAME, `slack` old bytes of an index node, `both` mft and slack.
 */
export type NtfsNameSource = 'index' | 'mft' | 'slack' | 'both';

export interface NtfsDeletedName {
  readonly path: string;
  readonly name: string;
  /** The listed FileEntry's id (the record's entry-sequence when it still holds the file). */
  readonly id: string;
  readonly source: NtfsNameSource;
  /** The MFT entry-sequence the name refers to (for slack: the old entry's file reference). */
  readonly ref: MftRef;
  /** Slack only: the old entry's header was overwritten by an end marker, so `ref` reads 0-0. */
  readonly refOverwritten: boolean;
  /**
   * The MFT record still holds this file (same sequence; one less for a freed record). False for
   * a slack name whose record was reused or is gone: only the name and its key's facts remain.
   */
  readonly recordMatches: boolean;
  readonly isDir: boolean;
  /** The $FILE_NAME behind the name (slack: the recovered key) — times and the sizes it recorded. */
  readonly fileName: (NtfsTimes & { readonly allocatedSize: number; readonly realSize: number }) | null;
  /** Slack only: absolute volume offset of the recovered entry (cite it). */
  readonly slackOffset: number | null;
}

/**
 * Appends to `out` (directory `f`'s live index entries) the names of freed records placed here,
 * allocated records that name `f` but are missing from its index (TSK lists those too), then
 * the slack names (addSlackChildren).
 */
export async function addDeletedChildren(vol: NtfsVolume, f: NtfsFile, slack: readonly SlackName[], del: DeletedIndex, out: Child[]): Promise<void> {
  const m = del.placement;
  const seen = new Set(out.map((c) => `${c.ref.entry}/${c.name}`));
  for (const d of m.byParent.get(f.entry) ?? []) {
    if (seen.has(`${d.record.entry}/${d.name.name}`)) continue;
    out.push({ name: d.name.name, ref: { entry: d.record.entry, sequence: d.record.sequence }, deleted: true, fn: d.name, source: 'mft' });
  }
  const indexed = new Set(out.map((c) => c.ref.entry));
  for (const n of m.allocatedByParent.get(f.entry) ?? []) {
    if (indexed.has(n) || n === f.entry) continue;
    try {
      const kid = await vol.file(n);
      for (const fn of displayNames(kid.names)) {
        if (fn.parent.entry === f.entry && fn.parent.sequence === f.sequence) out.push({ name: fn.name, ref: { entry: n, sequence: kid.sequence }, deleted: false, fn });
      }
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
    }
  }
  await addSlackChildren(vol, f.entry, slack, del.byEntry, out);
}

/** How a slack reference relates to the MFT: its record, freed or in use, or null (no match). */
async function recordState(vol: NtfsVolume, deletedByEntry: ReadonlyMap<number, DeletedRecord>, ref: MftRef): Promise<'deleted' | 'allocated' | null> {
  if (ref.entry >= vol.recordCount) return null;
  const d = deletedByEntry.get(ref.entry);
  // A freed record's sequence was bumped when it was freed (TSK compares one less).
  if (d) return (d.sequence > 0 ? d.sequence - 1 : 0) === ref.sequence ? 'deleted' : null;
  try {
    const r = await vol.record(ref.entry);
    return !r.base && r.sequence === ref.sequence ? 'allocated' : null;
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return null;
  }
}

/**
 * Appends the slack names of directory `dirEntry` to `out` (its live, deleted-record and
 * allocated-but-unindexed children). A name whose entry and spelling are already there is
 * dropped (a deleted-record name becomes `both`). A slack name whose record no longer holds it
 * is `detached` (listed from its key); one whose record is in use, or gone, lists no children —
 * and such a directory name is dropped when another child has the same spelling: listings go by
 * path, so it would stand for that other directory (TSK prints it as `d/- * 0:`).
 */
export async function addSlackChildren(vol: NtfsVolume, dirEntry: number, slack: readonly SlackName[], deletedByEntry: ReadonlyMap<number, DeletedRecord>, out: Child[]): Promise<void> {
  const at = new Map<string, number>();
  const names = new Set<string>();
  for (let i = 0; i < out.length; i++) {
    const k = `${out[i]!.ref.entry}/${out[i]!.name}`;
    if (!at.has(k)) at.set(k, i);
    names.add(out[i]!.name);
  }
  for (const s of slack) {
    const name = s.key.name;
    if (name === '.' || name === '..' || s.ref.entry === dirEntry) continue;
    const k = `${s.ref.entry}/${name}`;
    const i = at.get(k);
    if (i !== undefined) {
      const c = out[i]!;
      if (c.source === 'mft') out[i] = { ...c, source: 'both', slack: s };
      continue;
    }
    const state = await recordState(vol, deletedByEntry, s.ref);
    if (state !== 'deleted' && slackIsDir(s) && names.has(name)) continue;
    at.set(k, out.length);
    names.add(name);
    out.push({ name, ref: s.ref, deleted: true, fn: s.key, source: 'slack', slack: s, detached: state === null, leaf: state !== 'deleted' });
  }
}

/** The deleted-name view of a child listed as deleted (`index` when no other source found it). */
export function deletedNameOf(path: string, c: Child, id: string, isDir: boolean): NtfsDeletedName {
  const fn = c.fn;
  return {
    path, name: c.name, id, source: c.source ?? 'index', ref: c.ref,
    refOverwritten: c.slack?.refOverwritten ?? false,
    recordMatches: !c.detached,
    isDir,
    fileName: fn ? { created: fn.created, modified: fn.modified, changed: fn.changed, accessed: fn.accessed, allocatedSize: fn.allocatedSize, realSize: fn.realSize } : null,
    slackOffset: c.slack?.offset ?? null,
  };
}

/**
 * FAT directory entries (SPEC.md § Directory entries): 32-byte slots holding 8.3 entries, VFAT
 * long-name slots and the volume label. Names follow The Sleuth Kit, so listings compare line
 * for line with `fls`: a long name is used only when its slots are complete and their checksum
 * matches the short entry; a deleted entry shows `_` for its lost first character unless a
 * deleted long name survives and still matches; `.` and `..` are not listed.
 */
import { fatDateTime } from './time.js';

export const ATTR = { READ_ONLY: 0x01, HIDDEN: 0x02, SYSTEM: 0x04, VOLUME_ID: 0x08, DIRECTORY: 0x10, ARCHIVE: 0x20, LFN: 0x0f } as const;
export const DELETED_MARK = 0xe5;

export interface FatDirEntry {
  /** The name as listed (long name, or 8.3 with its case flags applied). */
  readonly name: string;
  /** The 8.3 name as stored (deleted: `_` first). */
  readonly shortName: string;
  /** The Sleuth Kit's address for the short entry's slot (its `inode`). */
  readonly inode: number;
  readonly attributes: number;
  readonly isDir: boolean;
  readonly isLabel: boolean;
  readonly deleted: boolean;
  readonly firstCluster: number;
  readonly size: number;
  /** ISO times, FAT local time read as UTC (SPEC.md § Times); null when unset or invalid. */
  readonly created: string | null;
  readonly modified: string | null;
  readonly accessed: string | null;
}

/** The VFAT checksum of the 11 stored 8.3 bytes. */
export function shortNameChecksum(raw: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < 11; i++) s = (((s & 1) << 7) + (s >> 1) + raw[i]!) & 0xff;
  return s;
}

/** A deleted entry lost its first byte: a long name matches if some first byte gives its checksum. */
function checksumMatchesDeleted(raw: Uint8Array, want: number): boolean {
  const copy = raw.slice(0, 11);
  for (let b = 0; b < 256; b++) {
    copy[0] = b;
    if (shortNameChecksum(copy) === want) return true;
  }
  return false;
}

/** Bytes of an 8.3 name: printable ASCII kept, anything else shown as `^` (as TSK does). */
function oemText(bytes: Uint8Array, lower: boolean): string {
  let s = '';
  for (const b of bytes) s += b < 0x20 || b >= 0x7f ? '^' : String.fromCharCode(b);
  s = s.replace(/ +$/, '');
  return lower ? s.toLowerCase() : s;
}

/** Bytes an 8.3 name may not hold (Microsoft FAT specification § 6.1), besides controls. */
const FORBIDDEN = new Set([0x22, 0x2a, 0x2b, 0x2c, 0x2f, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x5b, 0x5c, 0x5d, 0x7c]);

/** The 11 stored bytes form a possible 8.3 name (the first may be the 0xE5/0x05 marks, not a space). */
function valid83(raw: Uint8Array): boolean {
  if (raw[0] === 0x20) return false;
  for (let i = 0; i < 11; i++) {
    const b = raw[i]!;
    if (i === 0 && (b === DELETED_MARK || b === 0x05)) continue;
    if (b < 0x20 || FORBIDDEN.has(b)) return false;
  }
  return true;
}

const UNITS = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];

function lfnUnits(slot: Uint8Array): number[] {
  return UNITS.map((o) => slot[o]! | (slot[o + 1]! << 8));
}

function lfnText(units: number[]): string {
  const end = units.indexOf(0);
  const used = end < 0 ? units : units.slice(0, end);
  // Lone surrogates become U+FFFD rather than invalid strings.
  return new TextDecoder('utf-16le').decode(Uint16Array.from(used));
}

interface Pending { checksum: number; deleted: boolean; parts: Map<number, number[]>; order: number[][]; count: number | null }

/**
 * Parses the slots of one directory. `inodeOf(slot)` gives the TSK address of slot `slot`. Empty
 * slots (first byte 0) are skipped, not taken as the end (see below). `inUnallocated`: the bytes
 * lie in clusters the FAT marks free (a deleted directory), so every entry is deleted whatever its
 * first byte says — a driver deleting a directory need not mark its entries (TSK's rule too).
 * `strict`: an extra test every 8.3 slot must pass (free clusters hold stale bytes: probe.ts).
 */
export function parseDirectory(
  bytes: Uint8Array,
  inodeOf: (slot: number) => number,
  inUnallocated = false,
  strict: ((slot: Uint8Array) => boolean) | null = null,
): { entries: FatDirEntry[]; skipped: number } {
  const entries: FatDirEntry[] = [];
  let skipped = 0;
  let lfn: Pending | null = null;
  const slots = Math.floor(bytes.length / 32);
  for (let i = 0; i < slots; i++) {
    const s = bytes.subarray(i * 32, i * 32 + 32);
    const first = s[0]!;
    if (first === 0) {
      // The end-of-directory mark: drivers stop here, but TSK reads on, and entries hidden past
      // the mark are exactly what an examiner wants to see.
      lfn = null;
      continue;
    }
    const attr = s[11]!;
    const deleted = first === DELETED_MARK;
    if ((attr & 0x3f) === ATTR.LFN) {
      const checksum = s[13]!;
      if (deleted) {
        // A deleted long name lost its ordinals: its slots still run from the last part down to the first.
        if (!lfn || !lfn.deleted || lfn.checksum !== checksum) lfn = { checksum, deleted: true, parts: new Map(), order: [], count: null };
        lfn.order.push(lfnUnits(s));
      } else {
        const ord = first & 0x1f;
        if (first & 0x40 || !lfn || lfn.deleted || lfn.checksum !== checksum) lfn = { checksum, deleted: false, parts: new Map(), order: [], count: first & 0x40 ? ord : null };
        if (ord >= 1) lfn.parts.set(ord, lfnUnits(s));
      }
      continue;
    }
    const pending = lfn;
    lfn = null;
    if (attr & 0xc0 && !(attr & ATTR.VOLUME_ID)) {
      skipped++;
      continue;
    }
    const raw = s.subarray(0, 11);
    if (!deleted && first === 0x2e) continue; // `.` and `..`
    const label = (attr & ATTR.VOLUME_ID) !== 0 && (attr & ATTR.DIRECTORY) === 0;
    if ((!label && !valid83(raw)) || (strict && !strict(s))) {
      skipped++; // not a directory entry: stale bytes or damage (TSK skips these too)
      continue;
    }
    const entry = shortEntry(s, inodeOf(i), deleted || inUnallocated);
    if (pending && !entry.isLabel) {
      const long = assemble(pending, raw, deleted);
      if (long !== null && long.length > 0) entries.push({ ...entry, name: long });
      else entries.push(entry);
    } else entries.push(entry);
  }
  return { entries, skipped };
}

/** The long name for a short entry, or null when the slots are incomplete or belong elsewhere. */
function assemble(p: Pending, raw: Uint8Array, deleted: boolean): string | null {
  if (p.deleted !== deleted) return null;
  if (deleted) {
    if (!checksumMatchesDeleted(raw, p.checksum)) return null;
    return lfnText(p.order.slice().reverse().flat());
  }
  if (p.count === null || p.parts.size !== p.count || shortNameChecksum(raw) !== p.checksum) return null;
  const units: number[] = [];
  for (let o = 1; o <= p.count; o++) {
    const part = p.parts.get(o);
    if (!part) return null;
    units.push(...part);
  }
  return lfnText(units);
}

/**
 * The entry of one 8.3 slot on its own, named from its 8.3 bytes (the name TSK gives an orphan:
 * no long name, `_` for a deleted first byte, the case flags applied; a label by its 11 bytes).
 * `deleted`: the entry counts as deleted (E5 mark or a slot in an unallocated cluster).
 */
export function shortEntry(s: Uint8Array, inode: number, deleted: boolean, labelSuffix = true): FatDirEntry {
  const raw = s.subarray(0, 11);
  const attr = s[11]!;
  const marked = raw[0] === DELETED_MARK;
  const isLabel = (attr & ATTR.VOLUME_ID) !== 0 && (attr & ATTR.DIRECTORY) === 0;
  const base = raw.subarray(0, 8).slice();
  if (base[0] === 0x05) base[0] = DELETED_MARK; // 0x05 stands for a real leading 0xE5 byte
  if (marked) base[0] = 0x5f; // `_`
  const caseFlags = s[12]!;
  const b = oemText(base, (caseFlags & 0x08) !== 0);
  const e = oemText(raw.subarray(8, 11), (caseFlags & 0x10) !== 0);
  const shortName = isLabel ? String.fromCharCode(...raw).replace(/\0+$/, '') : e ? `${b}.${e}` : b;
  const hi = s[20]! | (s[21]! << 8);
  const lo = s[26]! | (s[27]! << 8);
  return {
    name: isLabel && labelSuffix ? `${shortName} (Volume Label Entry)` : shortName,
    shortName,
    inode,
    attributes: attr,
    isDir: (attr & ATTR.DIRECTORY) !== 0,
    isLabel,
    deleted,
    firstCluster: hi * 0x10000 + lo,
    size: (s[28]! | (s[29]! << 8) | (s[30]! << 16) | (s[31]! << 24)) >>> 0,
    // Tenths 100..199 carry the odd second. TSK adds it only above 100, so at exactly 100 its
    // creation time is one second early; we keep the specification's value (SPEC.md § Times).
    created: fatDateTime(s[16]! | (s[17]! << 8), s[14]! | (s[15]! << 8), s[13]!),
    modified: fatDateTime(s[24]! | (s[25]! << 8), s[22]! | (s[23]! << 8), 0),
    accessed: fatDateTime(s[18]! | (s[19]! << 8), 0, 0),
  };
}

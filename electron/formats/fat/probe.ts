/**
 * Is a 32-byte slot in unallocated space a directory entry or stale data? The orphan scan
 * (orphans.ts) reads clusters nothing points at any more, so it needs the strict test The Sleuth
 * Kit applies there (SPEC.md § Orphan entries): every field must hold a value a driver writes.
 * A long-name slot only needs a plausible ordinal.
 */
import type { FatBoot } from './boot.js';
import { ATTR, DELETED_MARK } from './dir.js';

const u16 = (s: Uint8Array, o: number): number => s[o]! | (s[o + 1]! << 8);

/** Bytes an 8.3 name may not hold (controls, `" * + , . / : ; < = > ? [ \ ] |`), as TSK tests them. */
function nameByte(c: number): boolean {
  return !(c < 0x20 || c === 0x22 || (c >= 0x2a && c <= 0x2c) || c === 0x2e || c === 0x2f || (c >= 0x3a && c <= 0x3f) || (c >= 0x5b && c <= 0x5d) || c === 0x7c);
}

function valid83(s: Uint8Array, attr: number): boolean {
  const n0 = s[0]!;
  // 0x05 stands for a leading E5 byte; `.` only starts the `.` and `..` entries.
  if (n0 !== 0x05 && n0 !== 0x2e && !nameByte(n0)) return false;
  if (n0 === 0x20) return false;
  if (s[1] === 0x2e) {
    if (n0 !== 0x2e) return false;
  } else if (!nameByte(s[1]!)) return false;
  for (let i = 2; i < 11; i++) if (!nameByte(s[i]!)) return false;
  // A space is followed only by spaces (within the base name and the extension), as Windows writes.
  if ((attr & ATTR.VOLUME_ID) === 0) {
    for (let i = 1; i < 7; i++) if (s[i] === 0x20 && s[i + 1] !== 0x20) return false;
    if (s[9] === 0x20 && s[10] !== 0x20) return false;
  }
  return true;
}

const validTime = (t: number): boolean => (t & 0x1f) <= 29 && ((t >> 5) & 0x3f) <= 59 && t >> 11 <= 23;
function validDate(d: number): boolean {
  const day = d & 0x1f;
  const month = (d >> 5) & 0x0f;
  return day >= 1 && month >= 1 && month <= 12;
}

/** True for a long-name slot with a possible ordinal (1..0x4F, or E5 when deleted). */
export function plausibleLfn(s: Uint8Array): boolean {
  return (s[11]! & ATTR.LFN) === ATTR.LFN && (s[0]! <= 0x4f || s[0] === DELETED_MARK);
}

/** The in-depth test of one slot (an 8.3 entry, or a long-name slot by its ordinal). */
export function plausibleSlot(s: Uint8Array, boot: FatBoot): boolean {
  const attr = s[11]!;
  if ((attr & ATTR.LFN) === ATTR.LFN) return plausibleLfn(s);
  if (s[12]! & ~0x18) return false; // only the two case flags exist
  if (attr & ~0x3f) return false;
  if (attr & ATTR.VOLUME_ID && attr & (ATTR.DIRECTORY | ATTR.READ_ONLY | ATTR.ARCHIVE)) return false;
  const ctime = u16(s, 14);
  const cdate = u16(s, 16);
  const adate = u16(s, 18);
  const wtime = u16(s, 22);
  const wdate = u16(s, 24);
  if (ctime !== 0 && !validTime(ctime)) return false;
  if (wtime !== 0 && !validTime(wtime)) return false;
  if (cdate !== 0 && !validDate(cdate)) return false;
  if (s[13]! > 200) return false;
  if (adate !== 0 && !validDate(adate)) return false;
  if (wdate !== 0 && !validDate(wdate)) return false;
  // The high cluster word exists on FAT32 only (FAT12/16 keep other data there).
  const cluster = u16(s, 26) + (boot.type === 32 ? u16(s, 20) * 0x10000 : 0);
  const eof = boot.type === 12 ? 0xff8 : boot.type === 16 ? 0xfff8 : 0x0ffffff8;
  if (cluster > boot.clusterLimit - 1 && cluster < eof) return false;
  const size = (s[28]! | (s[29]! << 8) | (s[30]! << 16) | (s[31]! << 24)) >>> 0;
  if (size > (boot.clusterLimit - 2) * boot.clusterSize) return false;
  if (size > 0 && cluster === 0) return false;
  if (!valid83(s, attr)) return false;
  // Nearly everything zero: an unused slot, not an entry.
  return !(ctime === 0 && wtime === 0 && cdate === 0 && adate === 0 && wdate === 0 && cluster === 0 && size === 0);
}

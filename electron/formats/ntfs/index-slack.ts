/**
 * Names recovered from the unused space of $I30 index nodes. When NTFS removes an index entry it
 * moves the entries after it down and shortens the node; the bytes past the new end keep old
 * entries until something overwrites them. Each is recognised by structure alone — nothing in
 * slack can be trusted — and only when its $FILE_NAME key names this directory as its parent
 * (the check The Sleuth Kit relies on too). See SPEC.md §9.
 */
import type { MftRef, FileName } from './types.js';
import { parseFileNameAt } from './attrs.js';
import { filetimeMs } from './text.js';

export interface SlackName {
  /**
   * The file reference in the 8 bytes before the entry's length fields. When the live end marker
   * (or an older one) was written over the old entry's header it reads 0-0: see `refOverwritten`.
   */
  readonly ref: MftRef;
  /** True when the header is an end marker (reference 0, no key): the old reference is lost. */
  readonly refOverwritten: boolean;
  readonly key: FileName;
  /** Absolute offset of the entry header (the key starts 16 bytes later). */
  readonly offset: number;
}

/** Plausible FILETIMEs for a recovered key: after 1970-01-01 and before 2100-01-01 (see SPEC §9). */
export const SLACK_TIME_MIN_MS = 0;
export const SLACK_TIME_MAX_MS = Date.UTC(2100, 0, 1);
/** Names taken from one node (a 64 KiB node holds ~900 of the shortest entries). */
export const MAX_SLACK_PER_NODE = 4096;

const KEY_HEAD = 0x42; // $FILE_NAME up to the name
const FN_DIRECTORY = 0x10000000;
const ENTRY_LAST = 0x02;

const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000;
const u48 = (b: Uint8Array, o: number): number => u32(b, o) + u16(b, o + 4) * 0x100000000;

function plausible(b: Uint8Array, o: number): boolean {
  const ms = filetimeMs(b, o);
  return ms !== null && ms > SLACK_TIME_MIN_MS && ms < SLACK_TIME_MAX_MS;
}

/**
 * The key checks: parent is `dirEntry`, a name of 1+ units that fits before `end`, a valid
 * namespace, allocated size ≥ real size, created/modified/accessed plausible, and no NUL or '/'
 * in the name. Returns the name's end, or -1. `k + 0x42 <= end <= b.length` is the caller's.
 */
function keyEnd(b: Uint8Array, k: number, end: number, dirEntry: number): number {
  if (u48(b, k) !== dirEntry) return -1;
  const units = b[k + 0x40]!;
  const ns = b[k + 0x41]!;
  const nameEnd = k + KEY_HEAD + units * 2;
  if (units === 0 || ns > 3 || nameEnd > end) return -1;
  // Sizes are u64; compare the high halves, then the low ones.
  const allocHi = u32(b, k + 0x2c), realHi = u32(b, k + 0x34);
  if (allocHi < realHi || (allocHi === realHi && u32(b, k + 0x28) < u32(b, k + 0x30))) return -1;
  if (!plausible(b, k + 0x08) || !plausible(b, k + 0x10) || !plausible(b, k + 0x20)) return -1;
  for (let p = k + KEY_HEAD; p < nameEnd; p += 2) {
    const c = u16(b, p);
    if (c === 0 || c === 0x2f) return -1;
  }
  return nameEnd;
}

/**
 * Scans `b[from, end)` of one index node (`b` starts at the node header, so entries sit at
 * 8-byte multiples of it) for old entries. `from` is where the live entries end — the end
 * marker's position, since Windows often writes the marker over the header of the entry it
 * removed, leaving that entry's key right after it. `base` is b[0]'s absolute offset.
 * DOS (8.3) names are stepped over and not returned, as in live listings.
 */
export function scanNodeSlack(b: Uint8Array, base: number, from: number, end: number, dirEntry: number, recordCount: number, out: SlackName[]): void {
  const stop = Math.min(end, b.length);
  if (!(from >= 0) || !Number.isSafeInteger(from) || !Number.isSafeInteger(stop)) return;
  let found = 0;
  let h = (from + 7) & ~7;
  while (h + 16 + KEY_HEAD <= stop && found < MAX_SLACK_PER_NODE) {
    const len = u16(b, h + 8);
    const keyLen = u16(b, h + 10);
    const refEntry = u48(b, h);
    const headerOk = len >= 16 && len % 8 === 0 && (keyLen === 0 || (keyLen >= KEY_HEAD && keyLen + 16 <= len)) && refEntry < Math.max(recordCount, 1);
    const nameEnd = headerOk ? keyEnd(b, h + 16, stop, dirEntry) : -1;
    if (nameEnd < 0) {
      h += 8;
      continue;
    }
    const k = h + 16;
    if (b[k + 0x41] !== 2) {
      const refSeq = u16(b, h + 6);
      out.push({
        ref: { entry: refEntry, sequence: refSeq },
        refOverwritten: refEntry === 0 && refSeq === 0 && keyLen === 0 && (u16(b, h + 12) & ENTRY_LAST) !== 0,
        key: parseFileNameAt(b, k, nameEnd - k, base + k),
        offset: base + h,
      });
      found++;
    }
    h = (nameEnd + 7) & ~7;
  }
}

/** Whether a recovered key says it named a directory. */
export function slackIsDir(s: SlackName): boolean {
  return (s.key.fileAttributes & FN_DIRECTORY) !== 0;
}

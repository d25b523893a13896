/**
 * Small decoders shared by the central directory and local header readers: names (UTF-8 flag,
 * CP437 fallback), DOS date/time, and the extra fields we use (zip64 0x0001, NTFS 0x000a,
 * extended timestamp 0x5455, Info-ZIP Unicode path 0x7075, WinZip AES 0x9901).
 */
import { isoFromMs } from '../../io/iso-time.js';
import { dosDateTimeToIso } from '../../io/dos-time.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { ZipTimes } from './types.js';

export const FLAG_ENCRYPTED = 0x0001;
export const FLAG_DATA_DESCRIPTOR = 0x0008;
export const FLAG_STRONG_ENCRYPTION = 0x0040;
export const FLAG_UTF8 = 0x0800;
export const U32_MAX = 0xffffffff;

// CP437 upper half, the code page ZIP names use when the UTF-8 flag is clear.
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Loose = new TextDecoder('utf-8');

/** Decode a stored name. Unflagged names that are valid UTF-8 are taken as UTF-8 (Info-ZIP on Unix writes them so). */
export function decodeName(bytes: Uint8Array, utf8Flag: boolean): string {
  if (utf8Flag) return utf8Loose.decode(bytes);
  // ASCII (nearly every name): the native decoder, not a per-byte callback (40,000 names per KAPE ZIP open).
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) { ascii = false; break; }
  if (ascii) return utf8Loose.decode(bytes);
  try {
    return utf8Strict.decode(bytes);
  } catch {
    let s = '';
    for (const b of bytes) s += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!;
    return s;
  }
}

/** DOS date/time as an ISO string *without* zone conversion: the value is the writer's local wall-clock time. */
export function dosDateTime(time: number, date: number): string | null {
  return dosDateTimeToIso(date, time);
}

const FILETIME_UNIX_DIFF = 11644473600n;

function filetimeIso(v: bigint): string | null {
  if (v === 0n) return null;
  const secs = v / 10_000_000n - FILETIME_UNIX_DIFF;
  const ms = Number(secs) * 1000 + Number((v % 10_000_000n) / 10_000n);
  return isoFromMs(ms);
}

function unixIso(secs: number): string | null {
  return secs === 0 ? null : new Date(secs * 1000).toISOString();
}

export interface ExtraInfo {
  zip64?: { size?: number; compressedSize?: number; localHeaderOffset?: number };
  times?: ZipTimes;
  unicodeName?: { nameCrc: number; name: string };
  aes?: { vendorVersion: number; strength: number; actualMethod: number };
}

/**
 * Parse an extra-field block. `need64` says which zip64 fields the fixed header left at 0xFFFFFFFF
 * (the zip64 extra holds only those, in the order size, compressed size, offset).
 * A malformed block ends parsing of the block (recorded by the caller), never the entry.
 */
export function parseExtra(bytes: Uint8Array, base: number, need64: { size: boolean; csize: boolean; offset: boolean }): ExtraInfo {
  const out: ExtraInfo = {};
  const c = new ByteCursor(bytes, base);
  let off = 0;
  while (off + 4 <= bytes.length) {
    const id = c.u16(off, 'extra field id');
    const len = c.u16(off + 2, 'extra field size');
    if (off + 4 + len > bytes.length) break; // truncated block: the rest is not trustworthy
    const f = c.slice(off + 4, len, 'extra field data');
    if (id === 0x0001) {
      let p = 0;
      const z: NonNullable<ExtraInfo['zip64']> = {};
      if (need64.size && f.has(p, 8)) { z.size = f.u64(p, 'zip64 uncompressed size'); p += 8; }
      if (need64.csize && f.has(p, 8)) { z.compressedSize = f.u64(p, 'zip64 compressed size'); p += 8; }
      if (need64.offset && f.has(p, 8)) z.localHeaderOffset = f.u64(p, 'zip64 local header offset');
      out.zip64 = z;
    } else if (id === 0x000a && len >= 4 + 4 + 24) {
      // NTFS extra: reserved u32, then (tag u16, size u16, data); tag 1 holds mtime, atime, ctime FILETIMEs.
      let p = 4;
      while (p + 4 <= len) {
        const tag = f.u16(p, 'NTFS extra tag');
        const sz = f.u16(p + 2, 'NTFS extra tag size');
        if (tag === 1 && sz >= 24 && f.has(p + 4, 24)) {
          out.times = {
            modified: filetimeIso(f.u64big(p + 4, 'NTFS mtime')),
            accessed: filetimeIso(f.u64big(p + 12, 'NTFS atime')),
            created: filetimeIso(f.u64big(p + 20, 'NTFS ctime')),
            basis: 'utc',
          };
          break;
        }
        p += 4 + sz;
      }
    } else if (id === 0x5455 && len >= 1 && out.times === undefined) {
      // Extended timestamp: flags, then mtime/atime/ctime (Unix seconds, signed) for each set bit that fits.
      const flags = f.u8(0, 'extended timestamp flags');
      let p = 1;
      const next = (bit: number, what: string): string | null => {
        if (!(flags & bit) || !f.has(p, 4)) return null;
        const v = f.i32(p, what);
        p += 4;
        return unixIso(v);
      };
      const modified = next(1, 'UT mtime');
      const accessed = next(2, 'UT atime');
      const created = next(4, 'UT ctime');
      if (modified || accessed || created) out.times = { modified, accessed, created, basis: 'utc' };
    } else if (id === 0x7075 && len >= 5) {
      out.unicodeName = { nameCrc: f.u32(1, 'unicode path name crc'), name: utf8Loose.decode(f.raw(5, len - 5, 'unicode path')) };
    } else if (id === 0x9901 && len >= 7) {
      out.aes = { vendorVersion: f.u16(0, 'AES vendor version'), strength: f.u8(4, 'AES strength'), actualMethod: f.u16(5, 'AES actual method') };
    }
    off += 4 + len;
  }
  return out;
}

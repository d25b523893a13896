/**
 * AppCompatCache (ShimCache) value from the SYSTEM hive (SPEC.md): Windows 10/11 (`10ts` entries
 * after a 0x30/0x34 header), Windows 8.0/8.1 (`00ts`/`10ts` after a 0x80 header, with package
 * names), and Windows 7 / Server 2008 R2 (0xBADC0FEE header, fixed 32-bit or 64-bit entries with
 * path offsets). Entries are returned in cache order: position 0 is the most recently inserted.
 */
import { filetimeToIso } from '../../io/filetime.js';
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';

export interface ShimCacheEntry {
  position: number;
  path: string;
  /** The file's last-modified time as recorded ($STANDARD_INFORMATION), ISO UTC, or null. */
  lastModified: string | null;
  lastModifiedRaw: string;
  /** Windows 7 insert flags: 0x2 is often read as "executed"; null where the format has none. */
  insertFlags: number | null;
  dataSize: number;
  /** Offset of the entry inside the value data. */
  offset: number;
}

export interface ShimCache {
  format: 'win10' | 'win8' | 'win7-x64' | 'win7-x86';
  entries: ShimCacheEntry[];
  /** Entries that could not be read (the list ends at the first one). */
  truncated: boolean;
}

export const SHIMCACHE_PARSER = { id: 'shimcache', version: '1' } as const;
const MAX_ENTRIES = 100_000;
const WIN7_MAGIC = 0xbadc0fee;

function filetime(c: ByteCursor, off: number, what: string): { iso: string | null; raw: string } {
  const ft = c.u64big(off, what);
  return { iso: filetimeToIso(ft), raw: ft.toString() };
}

export function parseShimCache(data: Uint8Array): ShimCache {
  const c = new ByteCursor(data);
  const head = c.u32(0, 'AppCompatCache header');
  if (head === WIN7_MAGIC) return parseWin7(c);
  if (head === 0x30 || head === 0x34) return parseTs(c, head, 'win10');
  if (head === 0x80) return parseTs(c, head, 'win8');
  throw new ParseError('unsupported-version', { what: `AppCompatCache header 0x${head.toString(16)}`, offset: 0 });
}

function parseTs(c: ByteCursor, start: number, format: 'win10' | 'win8'): ShimCache {
  const entries: ShimCacheEntry[] = [];
  let off = start;
  let truncated = false;
  while (off + 12 <= c.length && entries.length < MAX_ENTRIES) {
    const sig = c.ascii(off, 4, 'cache entry signature');
    if (sig !== '10ts' && sig !== '00ts') {
      truncated = true;
      break;
    }
    try {
      const size = c.u32(off + 8, 'cache entry size');
      const e = c.slice(off + 12, size, 'cache entry');
      const pathLen = e.u16(0, 'path size');
      const path = e.utf16le(2, pathLen >> 1, 'path');
      let p = 2 + pathLen;
      if (format === 'win8') {
        const pkgLen = e.u16(p, 'package size');
        p += 2 + pkgLen + 8; // package name, then insert flags and shim flags
      }
      const t = filetime(e, p, 'last modified time');
      const dataSize = e.u32(p + 8, 'data size');
      entries.push({ position: entries.length, path, lastModified: t.iso, lastModifiedRaw: t.raw, insertFlags: format === 'win8' ? e.u32(p - 8, 'insert flags') : null, dataSize, offset: off });
      off += 12 + size;
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      truncated = true;
      break;
    }
  }
  return { format, entries, truncated };
}

function parseWin7(c: ByteCursor): ShimCache {
  const count = c.u32(4, 'entry count');
  // 64-bit entries are 48 bytes with a u64 path offset; 32-bit ones are 32 bytes. The 64-bit
  // reading has zero padding after the max-length field, which the 32-bit layout never shows.
  const x64 = count === 0 || (c.has(0x80, 48) && c.u32(0x84, 'x64 padding') === 0);
  const stride = x64 ? 48 : 32;
  const n = Math.min(count, MAX_ENTRIES, Math.floor((c.length - 0x80) / stride));
  const entries: ShimCacheEntry[] = [];
  let truncated = n < count;
  for (let i = 0; i < n; i++) {
    const off = 0x80 + i * stride;
    try {
      const len = c.u16(off, 'path length');
      const pathOff = x64 ? c.u64(off + 8, 'path offset') : c.u32(off + 4, 'path offset');
      const tOff = off + (x64 ? 16 : 8);
      const t = filetime(c, tOff, 'last modified time');
      entries.push({
        position: i,
        path: c.utf16le(pathOff, len >> 1, 'path'),
        lastModified: t.iso,
        lastModifiedRaw: t.raw,
        insertFlags: c.u32(tOff + 8, 'insert flags'),
        dataSize: x64 ? c.u64(tOff + 16, 'data size') : c.u32(tOff + 16, 'data size'),
        offset: off,
      });
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      truncated = true;
      break;
    }
  }
  return { format: x64 ? 'win7-x64' : 'win7-x86', entries, truncated };
}

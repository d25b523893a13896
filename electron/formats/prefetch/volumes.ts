/**
 * The volumes information section: an array of fixed-size volume entries, each pointing (relative
 * to the section start) at its device path, file references and directory strings. SPEC.md §5.
 */
import { ParseError } from '../../common/issues.js';
import type { ByteCursor } from '../../io/byte-cursor.js';
import { filetimeToIso } from './filetime.js';
import type { PrefetchIssue, PrefetchVolume } from './types.js';

export const PREFETCH_MAX_VOLUMES = 256;
export const PREFETCH_MAX_DIRECTORIES = 65_536;
/** Longest device path or directory string accepted, in UTF-16 units. */
const MAX_PATH_UNITS = 32_768;

function entrySize(version: number): number {
  if (version === 17) return 40;
  if (version === 23 || version === 26) return 104;
  return 96; // 30, 31
}

export function readVolumes(c: ByteCursor, version: number, offset: number, count: number, _size: number, issues: PrefetchIssue[]): PrefetchVolume[] {
  if (count > PREFETCH_MAX_VOLUMES) throw new ParseError('limit-exceeded', { what: 'number of volumes', offset, need: count, have: PREFETCH_MAX_VOLUMES });
  const size = entrySize(version);
  c.need(offset, count * size, 'volume information entries');
  const out: PrefetchVolume[] = [];
  for (let i = 0; i < count; i++) {
    const e = offset + i * size;
    // 0x00 device path offset (from section start), 0x04 its length in characters
    const pathOff = c.u32(e, 'volume device path offset');
    const pathUnits = c.u32(e + 4, 'volume device path length');
    // 0x08 creation time FILETIME, 0x10 serial number
    const ft = c.u64big(e + 8, 'volume creation time');
    const serial = c.u32(e + 16, 'volume serial number').toString(16).toUpperCase().padStart(8, '0');
    // 0x18 number of file references; 0x1c directory strings offset, 0x20 count
    const fileRefs = c.u32(e + 24, 'number of file references');
    const dirOff = c.u32(e + 28, 'directory strings offset');
    const dirCount = c.u32(e + 32, 'number of directory strings');
    let devicePath = '';
    try {
      if (pathUnits > MAX_PATH_UNITS) throw new ParseError('limit-exceeded', { what: 'volume device path length', offset: e + 4, need: pathUnits, have: MAX_PATH_UNITS });
      devicePath = c.utf16le(offset + pathOff, pathUnits, 'volume device path');
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      issues.push({ message: `volume ${i + 1}: ${err.message}`, offset: err.offset ?? e });
    }
    let directories: string[] = [];
    try {
      directories = readDirectories(c, offset + dirOff, dirCount);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      issues.push({ message: `volume ${i + 1}: ${err.message}`, offset: err.offset ?? e });
    }
    out.push({ devicePath, serial, created: filetimeToIso(ft), createdRaw: ft.toString(), directories, fileReferenceCount: fileRefs });
  }
  return out;
}

/** Directory strings: u16 length in characters, then that many UTF-16LE units and a NUL unit. */
function readDirectories(c: ByteCursor, at: number, count: number): string[] {
  if (count > PREFETCH_MAX_DIRECTORIES) throw new ParseError('limit-exceeded', { what: 'number of directory strings', offset: at, need: count, have: PREFETCH_MAX_DIRECTORIES });
  const out: string[] = [];
  let p = at;
  for (let i = 0; i < count; i++) {
    const units = c.u16(p, 'directory string length');
    out.push(c.utf16le(p + 2, units, 'directory string'));
    c.need(p + 2 + units * 2, 2, 'directory string terminator');
    p += 2 + (units + 1) * 2;
  }
  return out;
}

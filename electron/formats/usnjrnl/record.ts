/**
 * One USN record (USN_RECORD_V2, _V3 or _V4; SPEC.md §2). The header says the length and the
 * version; every other field is read inside that length, so a lying record cannot make us read
 * its neighbour.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { filetimeToIso } from '../../io/filetime.js';
import { decodeReasons, decodeSources } from './reasons.js';

/** Records never cross a journal page (SPEC.md §1), so no record can be longer than one. */
export const USN_PAGE_SIZE = 4096;
/** Smallest record of each major version: the fixed part (V2/V3 with an empty name, V4 with no extent). */
export const USN_MIN_LENGTH: Readonly<Record<number, number>> = { 2: 60, 3: 76, 4: 64 };
/** V4 extents are 16 bytes each; a page holds at most this many. */
export const USN_MAX_EXTENTS = Math.floor((USN_PAGE_SIZE - 64) / 16);

/** A file reference: NTFS MFT entry (48 bits) and sequence (16 bits); 128-bit ids keep their hex. */
export interface UsnFileRef {
  /** MFT entry number; null when a 128-bit id is not an NTFS reference (upper half non-zero, e.g. ReFS). */
  readonly entry: number | null;
  readonly sequence: number | null;
  /** The raw id as little-endian hex (16 or 32 digits), for citation and for ReFS ids. */
  readonly hex: string;
}

export interface UsnExtent {
  readonly offset: number;
  readonly length: number;
}

export interface UsnRecord {
  /** Byte offset of the record in the stream that was walked ($J, or an extract of it). */
  readonly offset: number;
  readonly length: number;
  readonly majorVersion: 2 | 3 | 4;
  readonly minorVersion: number;
  readonly file: UsnFileRef;
  readonly parent: UsnFileRef;
  /** The record's USN: its offset in the original $J (equals `offset` when the whole $J was walked). */
  readonly usn: number;
  /** UTC ISO time of the change; null for V4 (no time field) or a zero/invalid FILETIME. */
  readonly timestamp: string | null;
  /** FILETIME as a decimal string (null for V4). */
  readonly timestampRaw: string | null;
  readonly reasonFlags: number;
  /** Shared between records with the same flags: do not mutate. */
  readonly reasons: readonly string[];
  readonly sourceFlags: number;
  readonly sources: readonly string[];
  /** Null for V4, which has neither. */
  readonly securityId: number | null;
  readonly fileAttributes: number | null;
  /** File name as the journal stored it (UTF-16LE); null for V4 (range-tracking records carry none). */
  readonly name: string | null;
  /** V4 only: the changed byte ranges and how many more records carry the rest. */
  readonly extents?: UsnExtent[];
  readonly remainingExtents?: number;
}

const hex32 = (v: number): string => v.toString(16).padStart(8, '0');

/** 64-bit reference from two 32-bit halves (no BigInt: this runs once per record). */
export function fileRef64(c: ByteCursor, off: number, what: string): UsnFileRef {
  const lo = c.u32(off, what);
  const hi = c.u32(off + 4, what);
  return { entry: (hi & 0xffff) * 0x1_0000_0000 + lo, sequence: hi >>> 16, hex: hex32(hi) + hex32(lo) };
}

export function fileRef128(c: ByteCursor, off: number, what: string): UsnFileRef {
  const low = fileRef64(c, off, what);
  const high = fileRef64(c, off + 8, what);
  const hex = high.hex + low.hex;
  // NTFS stores its 64-bit reference zero-extended; anything above is another file system's id.
  if (high.hex !== '0000000000000000') return { entry: null, sequence: null, hex };
  return { entry: low.entry, sequence: low.sequence, hex };
}

const UTF16 = new TextDecoder('utf-16le');

// Neighbouring records mostly share one FILETIME: convert each distinct value once in a row.
let lastFt = -1n;
let lastIso: string | null = null;
function isoOf(ft: bigint): string | null {
  if (ft !== lastFt) {
    lastFt = ft;
    lastIso = filetimeToIso(ft);
  }
  return lastIso;
}

/** Header checks shared by the walker (to resync) and the parser: version, alignment, bounds. */
export function headerProblem(length: number, major: number): string | null {
  const min = USN_MIN_LENGTH[major];
  if (min === undefined) return `unsupported major version ${major}`;
  if (length < min) return `record length ${length} is below the ${min}-byte minimum of version ${major}`;
  if (length % 8 !== 0) return `record length ${length} is not a multiple of 8`;
  if (length > USN_PAGE_SIZE) return `record length ${length} exceeds a ${USN_PAGE_SIZE}-byte page`;
  return null;
}

/**
 * Parses the record at `off` in `bytes`; `base` is the stream offset of bytes[0]. Throws a located
 * ParseError when the record is malformed.
 */
export function parseUsnRecord(bytes: Uint8Array, off: number, base: number): UsnRecord {
  const head = new ByteCursor(bytes, base);
  const length = head.u32(off, 'USN record length');
  const major = head.u16(off + 4, 'USN record major version');
  const minor = head.u16(off + 6, 'USN record minor version');
  const problem = headerProblem(length, major);
  if (problem) throw new ParseError(major in USN_MIN_LENGTH ? 'decode' : 'unsupported-version', { what: 'USN record header', offset: base + off }, `USN record at offset ${base + off}: ${problem}`);
  head.need(off, length, 'USN record');
  const c = new ByteCursor(bytes.subarray(off, off + length), base + off);
  if (major === 4) return parseV4(c, length, minor, base + off);
  const wide = major === 3;
  const file = wide ? fileRef128(c, 8, 'file reference') : fileRef64(c, 8, 'file reference');
  const parent = wide ? fileRef128(c, 24, 'parent file reference') : fileRef64(c, 16, 'parent file reference');
  const at = wide ? 40 : 24;
  const usn = c.i64big(at, 'USN');
  const ft = c.u64big(at + 8, 'timestamp');
  const reasonFlags = c.u32(at + 16, 'reason flags');
  const sourceFlags = c.u32(at + 20, 'source flags');
  const securityId = c.u32(at + 24, 'security id');
  const fileAttributes = c.u32(at + 28, 'file attributes');
  const nameLength = c.u16(at + 32, 'name length');
  const nameOffset = c.u16(at + 34, 'name offset');
  const fixed = USN_MIN_LENGTH[major]!;
  if (nameOffset < fixed || nameOffset + nameLength > length || nameLength % 2 !== 0) {
    throw new ParseError('out-of-bounds', { what: 'USN record name', offset: base + off + at + 32, need: nameOffset + nameLength, have: length },
      `USN record at offset ${base + off}: name (offset ${nameOffset}, ${nameLength} bytes) does not fit the ${length}-byte record`);
  }
  return {
    offset: base + off, length, majorVersion: major as 2 | 3, minorVersion: minor, file, parent,
    usn: checkedUsn(usn, base + off + at), timestamp: isoOf(ft), timestampRaw: ft.toString(),
    reasonFlags, reasons: decodeReasons(reasonFlags), sourceFlags, sources: decodeSources(sourceFlags),
    securityId, fileAttributes, name: UTF16.decode(c.raw(nameOffset, nameLength, 'file name')),
  };
}

function parseV4(c: ByteCursor, length: number, minor: number, at: number): UsnRecord {
  const usn = c.i64big(40, 'USN');
  const reasonFlags = c.u32(48, 'reason flags');
  const sourceFlags = c.u32(52, 'source flags');
  const remainingExtents = c.u32(56, 'remaining extents');
  const count = c.u16(60, 'number of extents');
  const extentSize = c.u16(62, 'extent size');
  if (extentSize < 16 || count > USN_MAX_EXTENTS || 64 + count * extentSize > length) {
    throw new ParseError('out-of-bounds', { what: 'USN V4 extents', offset: at + 60, need: 64 + count * extentSize, have: length },
      `USN V4 record at offset ${at}: ${count} extents of ${extentSize} bytes do not fit the ${length}-byte record`);
  }
  const extents: UsnExtent[] = [];
  for (let i = 0; i < count; i++) {
    const o = 64 + i * extentSize;
    extents.push({ offset: c.u64(o, 'extent offset'), length: c.u64(o + 8, 'extent length') });
  }
  return {
    offset: at, length, majorVersion: 4, minorVersion: minor,
    file: fileRef128(c, 8, 'file reference'), parent: fileRef128(c, 24, 'parent file reference'),
    usn: checkedUsn(usn, at + 40), timestamp: null, timestampRaw: null,
    reasonFlags, reasons: decodeReasons(reasonFlags), sourceFlags, sources: decodeSources(sourceFlags),
    securityId: null, fileAttributes: null, name: null, extents, remainingExtents,
  };
}

function checkedUsn(v: bigint, offset: number): number {
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ParseError('out-of-bounds', { what: 'USN', offset }, `USN ${v} at offset ${offset} is negative or beyond 2^53`);
  return Number(v);
}

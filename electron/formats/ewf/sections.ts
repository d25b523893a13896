import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { pushIssue, type ReadIssue } from '../../io/block-cache.js';
import type { Reader } from '../../io/reader.js';
import { adler32 } from './checksums.js';

export const EVF_SIGNATURE = [0x45, 0x56, 0x46, 0x09, 0x0d, 0x0a, 0xff, 0x00]; // "EVF\t\r\n\xff\0"
export const LVF_SIGNATURE = [0x4c, 0x56, 0x46, 0x09, 0x0d, 0x0a, 0xff, 0x00]; // "LVF\t\r\n\xff\0" (L01)
export const EVF2_SIGNATURE = [0x45, 0x56, 0x46, 0x32, 0x0d, 0x0a, 0x81, 0x00]; // "EVF2\r\n\x81\0" (Ex01)
export const LEF2_SIGNATURE = [0x4c, 0x45, 0x46, 0x32, 0x0d, 0x0a, 0x81, 0x00]; // Lx01

const FILE_HEADER_SIZE = 13;
export const SECTION_DESCRIPTOR_SIZE = 76;
/** More sections than this in one segment file is not an acquisition, it is a crafted loop. */
const MAX_SECTIONS_PER_SEGMENT = 1 << 20;

export type EwfSignature = 'evf' | 'lvf' | 'evf2' | 'lef2';

export function sniffEwf(head: Uint8Array): EwfSignature | null {
  const is = (sig: number[]) => head.length >= 8 && sig.every((b, i) => head[i] === b);
  if (is(EVF_SIGNATURE)) return 'evf';
  if (is(LVF_SIGNATURE)) return 'lvf';
  if (is(EVF2_SIGNATURE)) return 'evf2';
  if (is(LEF2_SIGNATURE)) return 'lef2';
  return null;
}

export interface Section {
  type: string;
  /** Offset of the 76-byte descriptor in the segment file. */
  offset: number;
  /** Offset and size of the data after the descriptor. */
  dataOffset: number;
  dataSize: number;
}

export interface SegmentLayout {
  segmentNumber: number;
  sections: Section[];
  /** Last section type: 'done' on the last segment, 'next' on the others. */
  terminator: string | null;
}

/** Reads the 13-byte file header and walks the section chain of one segment file. */
export async function walkSegment(reader: Reader, file: string, issues: ReadIssue[]): Promise<SegmentLayout> {
  const head = new ByteCursor(await reader.read(0, FILE_HEADER_SIZE), 0);
  const sig = sniffEwf(head.raw(0, 8, 'EWF file header signature'));
  if (sig === 'evf2' || sig === 'lef2') {
    throw new ParseError('unsupported-version', { what: 'EWF2 (Ex01/Lx01) segment', offset: 0 },
      `${file}: EWF version 2 (Ex01/Lx01) images are not supported; convert with ewfexport to E01 or raw`);
  }
  if (sig === 'lvf') {
    throw new ParseError('unsupported-version', { what: 'EWF L01 segment', offset: 0 },
      `${file}: L01 logical evidence files hold files, not a disk image; not supported`);
  }
  if (sig !== 'evf') throw new ParseError('bad-signature', { what: 'EWF file header signature', offset: 0 }, `${file}: not an EWF segment file`);
  const segmentNumber = head.u16(9, 'segment number');

  const sections: Section[] = [];
  let terminator: string | null = null;
  let off = FILE_HEADER_SIZE;
  while (sections.length < MAX_SECTIONS_PER_SEGMENT) {
    if (off + SECTION_DESCRIPTOR_SIZE > reader.size) {
      pushIssue(issues, { message: `segment ends inside a section descriptor at ${off} (truncated segment file)`, offset: off, file });
      break;
    }
    const d = new ByteCursor(await reader.read(off, SECTION_DESCRIPTOR_SIZE), off);
    const type = readType(d);
    const next = d.u64(16, 'section next offset');
    const size = d.u64(24, 'section size');
    const stored = d.u32(72, 'section descriptor checksum');
    if (stored !== 0 && stored !== adler32(d.bytes, 0, 72)) {
      pushIssue(issues, { message: `section descriptor '${type}' checksum mismatch`, offset: off, file });
    }
    // Old writers leave size 0; the data then runs to the next section.
    let end = size >= SECTION_DESCRIPTOR_SIZE ? off + size : next > off ? next : reader.size;
    if (end > reader.size) {
      pushIssue(issues, { message: `section '${type}' runs past the end of the segment (${end} > ${reader.size})`, offset: off, file });
      end = reader.size;
    }
    sections.push({ type, offset: off, dataOffset: off + SECTION_DESCRIPTOR_SIZE, dataSize: Math.max(0, end - off - SECTION_DESCRIPTOR_SIZE) });
    if (type === 'done' || type === 'next') {
      terminator = type;
      break;
    }
    if (next <= off) {
      pushIssue(issues, { message: `section '${type}' points back to ${next}; section chain stopped`, offset: off, file });
      break;
    }
    off = next;
  }
  if (terminator === null) pushIssue(issues, { message: 'segment has no done/next section (incomplete or truncated)', offset: null, file });
  return { segmentNumber, sections, terminator };
}

function readType(d: ByteCursor): string {
  const raw = d.raw(0, 16, 'section type');
  let s = '';
  for (const c of raw) {
    if (c === 0) break;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return s;
}

/** Segment n (1-based) of a set whose first file is `first`: .E01..E99, .EAA..EZZ, .FAA.. (case kept). */
export function segmentFileName(first: string, n: number): string | null {
  const m = /^(.*\.)([EeSs])01$/.exec(first);
  if (!m) return n === 1 ? first : null;
  const [, stem, letter] = m as unknown as [string, string, string];
  const lower = letter === letter.toLowerCase();
  if (n < 1) return null;
  if (n <= 99) return `${stem}${letter}${String(n).padStart(2, '0')}`;
  const k = n - 100;
  const firstLetter = letter.toUpperCase().charCodeAt(0) + Math.floor(k / 676);
  if (firstLetter > 0x5a) return null;
  const s = String.fromCharCode(firstLetter, 0x41 + (Math.floor(k / 26) % 26), 0x41 + (k % 26));
  return stem + (lower ? s.toLowerCase() : s);
}

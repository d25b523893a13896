import { ParseError } from '../../common/issues.js';
import { LIMITS } from '../../common/limits.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';
import type { PeIssue, PeSection } from './types.js';

/** What the rest of the parser needs from the DOS, COFF and optional headers and the section table. */
export interface PeHeaders {
  ntOffset: number;
  machine: number;
  is64: boolean;
  isDll: boolean;
  timeDateStamp: number;
  sizeOfHeaders: number;
  /** Data directories actually present (index = IMAGE_DIRECTORY_ENTRY_*). */
  dataDirs: { rva: number; size: number }[];
  sections: PeSection[];
}

export const DIR_RESOURCE = 2;
export const DIR_SECURITY = 4;
const IMAGE_FILE_DLL = 0x2000;
const PE32_MAGIC = 0x10b;
const PE32PLUS_MAGIC = 0x20b;
const MAX_DATA_DIRS = 16; // the loader ignores more than 16 (PE/COFF spec 3.4.3)
const SECTION_HEADER_BYTES = 40;

export function machineName(machine: number): string {
  switch (machine) {
    case 0x014c: return 'x86';
    case 0x8664: return 'x64';
    case 0xaa64: return 'arm64';
    default: return `unknown(0x${machine.toString(16).padStart(4, '0')})`;
  }
}

/** 0 is what reproducible builds write; it is "no stamp", not 1970. */
export function stampIso(stamp: number): string | null {
  return stamp === 0 ? null : new Date(stamp * 1000).toISOString();
}

/**
 * Reads DOS header, PE signature, COFF header, optional header and section table from one bounded
 * window at the start of the file. Throws ParseError only when this is not a PE at all (no MZ, no
 * PE\0\0, or headers cut off before the COFF header ends); later damage becomes issues.
 */
export async function readHeaders(reader: Reader, issues: PeIssue[]): Promise<PeHeaders> {
  const win = new ByteCursor(await reader.read(0, Math.min(reader.size, LIMITS.peHeaderBytes)), 0);
  if (win.u16(0x00, 'IMAGE_DOS_HEADER.e_magic') !== 0x5a4d) {
    throw new ParseError('bad-signature', { what: 'IMAGE_DOS_HEADER.e_magic', offset: 0 }, 'not a PE: no MZ signature at offset 0');
  }
  const ntOffset = win.u32(0x3c, 'IMAGE_DOS_HEADER.e_lfanew');
  if (ntOffset + 24 > win.length) {
    throw new ParseError('out-of-bounds', { what: 'IMAGE_DOS_HEADER.e_lfanew', offset: 0x3c, need: ntOffset + 24, have: win.length },
      `not a PE: e_lfanew 0x${ntOffset.toString(16)} puts the NT headers outside the first ${win.length} bytes`);
  }
  if (win.u32(ntOffset, 'IMAGE_NT_HEADERS.Signature') !== 0x00004550) {
    throw new ParseError('bad-signature', { what: 'IMAGE_NT_HEADERS.Signature', offset: ntOffset }, `not a PE: no PE\\0\\0 at offset ${ntOffset}`);
  }
  const coff = ntOffset + 4;
  const machine = win.u16(coff + 0, 'IMAGE_FILE_HEADER.Machine');
  const numberOfSections = win.u16(coff + 2, 'IMAGE_FILE_HEADER.NumberOfSections');
  const timeDateStamp = win.u32(coff + 4, 'IMAGE_FILE_HEADER.TimeDateStamp');
  const sizeOfOptionalHeader = win.u16(coff + 16, 'IMAGE_FILE_HEADER.SizeOfOptionalHeader');
  const characteristics = win.u16(coff + 18, 'IMAGE_FILE_HEADER.Characteristics');

  const opt = readOptionalHeader(win, coff + 20, sizeOfOptionalHeader, machine, issues);
  const sections = readSections(win, coff + 20 + sizeOfOptionalHeader, numberOfSections, issues);
  return {
    ntOffset, machine, is64: opt.is64, isDll: (characteristics & IMAGE_FILE_DLL) !== 0,
    timeDateStamp, sizeOfHeaders: opt.sizeOfHeaders, dataDirs: opt.dataDirs, sections,
  };
}

function readOptionalHeader(win: ByteCursor, off: number, declared: number, machine: number, issues: PeIssue[]) {
  // Only the bytes both declared and present count; a short header loses its tail, not the file.
  const avail = Math.max(0, Math.min(declared, win.length - off));
  if (avail < declared) issues.push({ message: `optional header truncated: ${avail} of ${declared} bytes present`, offset: off });
  const guessIs64 = machine === 0x8664 || machine === 0xaa64;
  if (avail < 2) return { is64: guessIs64, sizeOfHeaders: 0, dataDirs: [] };
  const c = win.slice(off, avail, 'IMAGE_OPTIONAL_HEADER');
  const magic = c.u16(0, 'IMAGE_OPTIONAL_HEADER.Magic');
  if (magic !== PE32_MAGIC && magic !== PE32PLUS_MAGIC) {
    issues.push({ message: `unknown optional header magic 0x${magic.toString(16)}`, offset: off });
    return { is64: guessIs64, sizeOfHeaders: 0, dataDirs: [] };
  }
  const is64 = magic === PE32PLUS_MAGIC;
  // 0x3c SizeOfHeaders, u32 (same offset in PE32 and PE32+)
  const sizeOfHeaders = c.has(0x3c, 4) ? c.u32(0x3c, 'IMAGE_OPTIONAL_HEADER.SizeOfHeaders') : 0;
  const countAt = is64 ? 108 : 92; // NumberOfRvaAndSizes, u32
  const dirsAt = countAt + 4;
  if (!c.has(countAt, 4)) {
    issues.push({ message: 'optional header ends before NumberOfRvaAndSizes: no data directories', offset: off });
    return { is64, sizeOfHeaders, dataDirs: [] };
  }
  const declaredDirs = c.u32(countAt, 'IMAGE_OPTIONAL_HEADER.NumberOfRvaAndSizes');
  const fit = Math.floor(Math.max(0, c.length - dirsAt) / 8);
  if (declaredDirs > MAX_DATA_DIRS) issues.push({ message: `NumberOfRvaAndSizes ${declaredDirs} > ${MAX_DATA_DIRS}: extra directories ignored`, offset: off + countAt });
  if (Math.min(declaredDirs, MAX_DATA_DIRS) > fit) issues.push({ message: `only ${fit} of ${declaredDirs} data directories fit in the optional header`, offset: off + dirsAt });
  const dataDirs: { rva: number; size: number }[] = [];
  for (let i = 0; i < Math.min(declaredDirs, MAX_DATA_DIRS, fit); i++) {
    dataDirs.push({ rva: c.u32(dirsAt + i * 8, 'IMAGE_DATA_DIRECTORY.VirtualAddress'), size: c.u32(dirsAt + i * 8 + 4, 'IMAGE_DATA_DIRECTORY.Size') });
  }
  return { is64, sizeOfHeaders, dataDirs };
}

function readSections(win: ByteCursor, off: number, declared: number, issues: PeIssue[]): PeSection[] {
  let count = declared;
  if (count > LIMITS.peMaxSections) {
    issues.push({ message: `NumberOfSections ${declared} above the cap ${LIMITS.peMaxSections}: only the first ${LIMITS.peMaxSections} read`, offset: off });
    count = LIMITS.peMaxSections;
  }
  const fit = Math.floor(Math.max(0, win.length - off) / SECTION_HEADER_BYTES);
  if (fit < count) {
    issues.push({ message: `section table truncated: ${fit} of ${declared} section headers present`, offset: off + fit * SECTION_HEADER_BYTES });
    count = fit;
  }
  const sections: PeSection[] = [];
  for (let i = 0; i < count; i++) {
    const s = win.slice(off + i * SECTION_HEADER_BYTES, SECTION_HEADER_BYTES, 'IMAGE_SECTION_HEADER');
    sections.push({
      name: sectionName(s.raw(0, 8, 'IMAGE_SECTION_HEADER.Name')),
      virtualSize: s.u32(8, 'IMAGE_SECTION_HEADER.VirtualSize'),
      virtualAddress: s.u32(12, 'IMAGE_SECTION_HEADER.VirtualAddress'),
      rawSize: s.u32(16, 'IMAGE_SECTION_HEADER.SizeOfRawData'),
      rawOffset: s.u32(20, 'IMAGE_SECTION_HEADER.PointerToRawData'),
    });
  }
  return sections;
}

/** Up to the first NUL; anything outside printable ASCII is shown as \xNN (names are attacker data). */
function sectionName(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c === 0) break;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s;
}

/**
 * Maps an RVA to a file offset through the section table. Returns the offset and how many bytes
 * of raw data follow it inside that section (and the file), or null when the RVA is not backed by
 * file data.
 */
export function rvaToOffset(h: PeHeaders, rva: number, fileSize: number): { offset: number; avail: number } | null {
  if (rva < h.sizeOfHeaders && rva < fileSize) return { offset: rva, avail: Math.min(h.sizeOfHeaders, fileSize) - rva };
  for (const s of h.sections) {
    const delta = rva - s.virtualAddress;
    if (delta < 0 || delta >= Math.max(s.virtualSize, s.rawSize) || delta >= s.rawSize) continue;
    const offset = s.rawOffset + delta;
    if (offset >= fileSize) return null;
    return { offset, avail: Math.min(s.rawSize - delta, fileSize - offset) };
  }
  return null;
}

/**
 * GUID Partition Table: header at LBA 1 (CRC32-checked), entry array (CRC32-checked), and the
 * backup header at the last LBA when the primary is damaged. Sector size 512 or 4096 (whichever
 * holds `EFI PART` at LBA 1).
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';
import { crc32 } from './crc32.js';

/** Entries read at most (the spec minimum is 128; tools write 128). */
export const GPT_MAX_ENTRIES = 4096;
export const GPT_MAX_ENTRY_SIZE = 4096;

export interface GptPartition {
  /** Index in the entry array (0-based), as mmls numbers GPT slots. */
  readonly index: number;
  readonly typeGuid: string;
  readonly uniqueGuid: string;
  readonly firstLba: number;
  readonly lastLba: number;
  readonly attributes: bigint;
  readonly name: string;
}

export interface GptTable {
  readonly sectorSize: number;
  readonly diskGuid: string;
  /** Which header the entries came from. */
  readonly source: 'primary' | 'backup';
  readonly firstUsableLba: number;
  readonly lastUsableLba: number;
  readonly partitions: GptPartition[];
  readonly issues: { message: string; offset: number | null }[];
}

interface Header {
  currentLba: number; backupLba: number; firstUsable: number; lastUsable: number; diskGuid: string;
  entriesLba: number; count: number; entrySize: number; entriesCrc: number; offset: number;
}

/** Mixed-endian GUID text (first three groups little-endian), lower case. */
export function guidAt(c: ByteCursor, off: number, what: string): string {
  const b = c.raw(off, 16, what);
  const h = (i: number): string => b[i]!.toString(16).padStart(2, '0');
  const g = (idx: number[]): string => idx.map(h).join('');
  return `${g([3, 2, 1, 0])}-${g([5, 4])}-${g([7, 6])}-${g([8, 9])}-${g([10, 11, 12, 13, 14, 15])}`;
}

async function readHeader(reader: Reader, lba: number, sectorSize: number): Promise<Header> {
  const offset = lba * sectorSize;
  const b = await reader.read(offset, sectorSize);
  const c = new ByteCursor(b, offset);
  if (c.ascii(0, 8, 'GPT signature') !== 'EFI PART') throw new ParseError('bad-signature', { what: 'GPT signature "EFI PART"', offset });
  const size = c.u32(12, 'GPT header size');
  if (size < 92 || size > sectorSize) throw new ParseError('out-of-bounds', { what: 'GPT header size', offset: offset + 12, need: size, have: sectorSize });
  const stored = c.u32(16, 'GPT header CRC32');
  const copy = Uint8Array.from(c.raw(0, size, 'GPT header'));
  copy.fill(0, 16, 20);
  if (crc32(copy) !== stored) throw new ParseError('checksum', { what: 'GPT header CRC32', offset: offset + 16 });
  const count = c.u32(80, 'GPT entry count');
  const entrySize = c.u32(84, 'GPT entry size');
  if (entrySize < 128 || entrySize % 8 !== 0 || entrySize > GPT_MAX_ENTRY_SIZE) throw new ParseError('out-of-bounds', { what: 'GPT entry size', offset: offset + 84, need: entrySize, have: GPT_MAX_ENTRY_SIZE });
  if (count > GPT_MAX_ENTRIES) throw new ParseError('limit-exceeded', { what: 'GPT entry count', offset: offset + 80, need: count, have: GPT_MAX_ENTRIES });
  return {
    currentLba: c.u64(24, 'GPT current LBA'), backupLba: c.u64(32, 'GPT backup LBA'),
    firstUsable: c.u64(40, 'GPT first usable LBA'), lastUsable: c.u64(48, 'GPT last usable LBA'),
    diskGuid: guidAt(c, 56, 'GPT disk GUID'), entriesLba: c.u64(72, 'GPT entry array LBA'),
    count, entrySize, entriesCrc: c.u32(88, 'GPT entry array CRC32'), offset,
  };
}

async function readEntries(reader: Reader, h: Header, sectorSize: number): Promise<GptPartition[]> {
  const off = h.entriesLba * sectorSize;
  const len = h.count * h.entrySize;
  if (!Number.isSafeInteger(off) || off + len > reader.size) throw new ParseError('out-of-bounds', { what: 'GPT entry array', offset: off, need: len, have: Math.max(0, reader.size - off) });
  const b = await reader.read(off, len);
  if (crc32(b) !== h.entriesCrc) throw new ParseError('checksum', { what: 'GPT entry array CRC32', offset: off });
  const c = new ByteCursor(b, off);
  const out: GptPartition[] = [];
  for (let i = 0; i < h.count; i++) {
    const at = i * h.entrySize;
    if (c.raw(at, 16, 'partition type GUID').every((x) => x === 0)) continue;
    const firstLba = c.u64(at + 32, 'partition first LBA');
    const lastLba = c.u64(at + 40, 'partition last LBA');
    const name = c.utf16le(at + 56, 36, 'partition name').replace(/\0.*$/s, '');
    out.push({ index: i, typeGuid: guidAt(c, at, 'partition type GUID'), uniqueGuid: guidAt(c, at + 16, 'partition GUID'), firstLba, lastLba, attributes: c.u64big(at + 48, 'partition attributes'), name });
  }
  return out;
}

/** The sector size at which `EFI PART` sits at LBA 1, or null when neither 512 nor 4096 fits. */
export async function gptSectorSize(reader: Reader): Promise<number | null> {
  for (const s of [512, 4096]) {
    const b = await reader.read(s, 8);
    if (b.length === 8 && String.fromCharCode(...b) === 'EFI PART') return s;
  }
  return null;
}

/**
 * Reads the GPT: the primary header and entries, else the backup header at the last LBA (or at the
 * LBA the primary names). Throws the primary's error when neither copy is usable.
 */
export async function parseGpt(reader: Reader, sectorSize = 512): Promise<GptTable> {
  const issues: GptTable['issues'] = [];
  let primaryErr: unknown;
  let primaryBackupLba: number | null = null;
  try {
    const h = await readHeader(reader, 1, sectorSize);
    primaryBackupLba = h.backupLba;
    const partitions = await readEntries(reader, h, sectorSize);
    return finish(reader, h, partitions, sectorSize, 'primary', issues);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    primaryErr = e;
    issues.push({ message: `primary GPT unusable: ${e.message}`, offset: e.offset ?? null });
  }
  const lastLba = Math.floor(reader.size / sectorSize) - 1;
  const candidates = [...new Set([lastLba, primaryBackupLba].filter((x): x is number => x !== null && x > 1 && x <= lastLba))];
  for (const lba of candidates) {
    try {
      const h = await readHeader(reader, lba, sectorSize);
      const partitions = await readEntries(reader, h, sectorSize);
      issues.push({ message: `partitions read from the backup GPT header at LBA ${lba}`, offset: lba * sectorSize });
      return finish(reader, h, partitions, sectorSize, 'backup', issues);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      issues.push({ message: `backup GPT at LBA ${lba} unusable: ${e.message}`, offset: e.offset ?? null });
    }
  }
  throw primaryErr;
}

function finish(reader: Reader, h: Header, parts: GptPartition[], sectorSize: number, source: 'primary' | 'backup', issues: GptTable['issues']): GptTable {
  const sectors = Math.floor(reader.size / sectorSize);
  for (const p of parts) {
    if (p.lastLba < p.firstLba) issues.push({ message: `GPT entry ${p.index} ends (LBA ${p.lastLba}) before it starts (LBA ${p.firstLba})`, offset: null });
    else if (p.lastLba >= sectors) issues.push({ message: `GPT entry ${p.index} ends at LBA ${p.lastLba}, past the disk (${sectors} sectors)`, offset: null });
  }
  return { sectorSize, diskGuid: h.diskGuid, source, firstUsableLba: h.firstUsable, lastUsableLba: h.lastUsable, partitions: parts, issues };
}

/** mmls-style names of the common partition type GUIDs. */
export function gptTypeName(guid: string): string {
  const names: Record<string, string> = {
    'c12a7328-f81f-11d2-ba4b-00a0c93ec93b': 'EFI System',
    'e3c9e316-0b5c-4db8-817d-f92df00215ae': 'Microsoft reserved partition',
    'ebd0a0a2-b9e5-4433-87c0-68b6b72699c7': 'Basic data partition',
    'de94bba4-06d1-4d40-a16a-bfd50179d6ac': 'Windows Recovery Environment',
    '5808c8aa-7e8f-42e0-85d2-e1e90434cfb3': 'Logical Disk Manager Metadata',
    'af9b60a0-1431-4f62-bc68-3311714a69ad': 'Logical Disk Manager Data',
    '0fc63daf-8483-4772-8e79-3d69d8477de4': 'Linux filesystem',
    '0657fd6d-a4ab-43c4-84e5-0933c84b4f4f': 'Linux swap',
    'e6d6d379-f507-44c2-a23c-238f2a3df928': 'Linux LVM',
    '48465300-0000-11aa-aa11-00306543ecac': 'Apple HFS+',
    '7c3457ef-0000-11aa-aa11-00306543ecac': 'Apple APFS',
    '21686148-6449-6e6f-744e-656564454649': 'BIOS boot partition',
  };
  return names[guid] ?? guid;
}

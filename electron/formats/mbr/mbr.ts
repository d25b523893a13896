/**
 * MBR partition table: four primary entries at 0x1be, and the EBR chain of an extended
 * partition (logical partitions). Sector size is 512 (as mmls assumes); all results are in sectors.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';

export const MBR_SECTOR = 512;
/** Logical partitions followed before the chain is reported as too long (Linux allows ~60). */
export const MBR_MAX_LOGICAL = 128;

export interface MbrPartition {
  /** mmls-style slot: `table:entry`, table 0 = the MBR, 1.. = the EBRs in chain order. */
  readonly slot: string;
  readonly table: number;
  readonly entry: number;
  readonly type: number;
  readonly bootable: boolean;
  /** Absolute start and length in 512-byte sectors. */
  readonly startSector: number;
  readonly sectors: number;
}

export interface MbrTable {
  readonly partitions: MbrPartition[];
  /** Extended containers seen (absolute sectors), for completeness. */
  readonly extended: { startSector: number; sectors: number }[];
  readonly diskSignature: number;
  readonly issues: { message: string; offset: number | null }[];
}

interface RawEntry { status: number; type: number; lba: number; sectors: number; at: number }

const isExtended = (t: number): boolean => t === 0x05 || t === 0x0f || t === 0x85;

function entries(sector: Uint8Array, base: number): RawEntry[] {
  const c = new ByteCursor(sector, base);
  const out: RawEntry[] = [];
  for (let i = 0; i < 4; i++) {
    const at = 0x1be + i * 16;
    out.push({ status: c.u8(at, 'partition status'), type: c.u8(at + 4, 'partition type'), lba: c.u32(at + 8, 'partition first LBA'), sectors: c.u32(at + 12, 'partition sector count'), at: base + at });
  }
  return out;
}

export function hasBootSignature(sector: Uint8Array): boolean {
  return sector.length >= 512 && sector[510] === 0x55 && sector[511] === 0xaa;
}

/**
 * Parses sector 0 as an MBR. Throws `bad-signature` without 0x55AA or when an entry's status byte
 * is neither 0x00 nor 0x80 (a boot sector of a file system, not a table). Entries past the end of
 * the disk and broken EBRs are issues; the partitions before them are kept.
 */
export async function parseMbr(reader: Reader): Promise<MbrTable> {
  const s0 = await reader.read(0, MBR_SECTOR);
  if (!hasBootSignature(s0)) throw new ParseError('bad-signature', { what: 'MBR boot signature 0x55AA', offset: 510 });
  const diskSectors = Math.floor(reader.size / MBR_SECTOR);
  const issues: MbrTable['issues'] = [];
  const partitions: MbrPartition[] = [];
  const extended: MbrTable['extended'] = [];
  const prim = entries(s0, 0);
  for (const e of prim) {
    if (e.status !== 0 && e.status !== 0x80) throw new ParseError('bad-signature', { what: 'MBR partition status (0x00 or 0x80)', offset: e.at });
  }
  let table = 1;
  prim.forEach((e, i) => {
    if (e.type === 0 || e.sectors === 0) return;
    if (e.lba + e.sectors > diskSectors) issues.push({ message: `MBR entry ${i} ends at sector ${e.lba + e.sectors}, past the disk (${diskSectors} sectors)`, offset: e.at });
    if (isExtended(e.type)) {
      extended.push({ startSector: e.lba, sectors: e.sectors });
      return;
    }
    partitions.push({ slot: slot(0, i), table: 0, entry: i, type: e.type, bootable: e.status === 0x80, startSector: e.lba, sectors: e.sectors });
  });
  // Logical partitions: each EBR holds one partition (relative to the EBR) and a link to the next
  // EBR (relative to the first extended partition). A visited set stops chains that loop.
  for (const ext of extended.slice(0, 1)) {
    const seen = new Set<number>();
    let ebr = ext.startSector;
    while (true) {
      if (seen.has(ebr)) { issues.push({ message: `EBR chain loops back to sector ${ebr}`, offset: ebr * MBR_SECTOR }); break; }
      if (seen.size >= MBR_MAX_LOGICAL) { issues.push({ message: `EBR chain longer than ${MBR_MAX_LOGICAL}`, offset: ebr * MBR_SECTOR }); break; }
      seen.add(ebr);
      if (ebr >= diskSectors) { issues.push({ message: `EBR at sector ${ebr} lies past the disk`, offset: null }); break; }
      const sec = await reader.read(ebr * MBR_SECTOR, MBR_SECTOR);
      if (!hasBootSignature(sec)) { issues.push({ message: `EBR at sector ${ebr} has no 0x55AA signature`, offset: ebr * MBR_SECTOR + 510 }); break; }
      const [part, link] = entries(sec, ebr * MBR_SECTOR);
      let next: number | null = null;
      let n = 0;
      for (const [i, e] of [part!, link!].entries()) {
        if (e.type === 0 || e.sectors === 0) continue;
        if (isExtended(e.type)) { next = ext.startSector + e.lba; continue; }
        const start = ebr + e.lba;
        if (start + e.sectors > diskSectors) issues.push({ message: `logical partition at sector ${start} ends past the disk`, offset: e.at });
        partitions.push({ slot: slot(table, n++), table, entry: i, type: e.type, bootable: e.status === 0x80, startSector: start, sectors: e.sectors });
      }
      table++;
      if (next === null) break;
      ebr = next;
    }
  }
  return { partitions, extended, diskSignature: new ByteCursor(s0).u32(0x1b8, 'disk signature'), issues };
}

function slot(table: number, entry: number): string {
  return `${String(table).padStart(3, '0')}:${String(entry).padStart(3, '0')}`;
}

/** The mmls description of a DOS partition type byte (the ones met on Windows and Linux disks). */
export function mbrTypeName(type: number): string {
  const names: Record<number, string> = {
    0x01: 'DOS FAT12', 0x04: 'DOS FAT16 (<32MB)', 0x05: 'DOS Extended', 0x06: 'DOS FAT16 (>=32MB)', 0x07: 'NTFS / exFAT',
    0x0b: 'Win95 FAT32', 0x0c: 'Win95 FAT32', 0x0e: 'Win95 FAT16', 0x0f: 'Win95 Extended', 0x27: 'Windows hidden recovery partition',
    0x82: 'Linux Swap / Solaris x86', 0x83: 'Linux', 0x85: 'Linux Extended', 0x8e: 'Linux Logical Volume Manager',
    0xa5: 'FreeBSD', 0xaf: 'Apple HFS', 0xee: 'GPT Safety Partition', 0xef: 'EFI File System',
  };
  return `${names[type] ?? 'Unknown Type'} (0x${type.toString(16).padStart(2, '0')})`;
}

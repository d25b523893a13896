/**
 * A disk → its volumes: GPT (primary, else backup), MBR with logical partitions, or a bare volume
 * (sector 0 is a file system's boot sector, or no table at all). Each volume is a SliceReader
 * over the disk, with the partition's index, byte offset, size, type and name.
 */
import { ParseError } from '../../common/issues.js';
import { gptSectorSize, gptTypeName, parseGpt } from '../../formats/gpt/index.js';
import { hasBootSignature, MBR_SECTOR, mbrTypeName, parseMbr } from '../../formats/mbr/index.js';
import { looksLikeNtfs } from '../../formats/ntfs/index.js';
import type { Reader } from '../../io/reader.js';
import { SliceReader } from '../../io/slice-reader.js';

export type VolumeScheme = 'gpt' | 'mbr' | 'apm' | 'volume';

export interface Volume {
  /** GPT: entry index; MBR: order of the partition in the table walk (primaries, then logicals). */
  readonly index: number;
  readonly scheme: VolumeScheme;
  /** mmls slot (`000:001` for DOS, `002` for GPT, `-` for a bare volume). */
  readonly slot: string;
  readonly offset: number;
  /** Bytes readable: the table's size cut at the end of the disk. */
  readonly size: number;
  /** Bytes the partition table gives (mmls prints this one). */
  readonly declaredSize: number;
  /** GPT type GUID or the DOS type byte as `0x07`; `''` for a bare volume. */
  readonly type: string;
  readonly typeName: string;
  /** GPT partition name; '' elsewhere. */
  readonly name: string;
  readonly reader: Reader;
}

export interface VolumeSystem {
  readonly scheme: 'gpt' | 'mbr' | 'none';
  readonly sectorSize: number;
  readonly volumes: Volume[];
  readonly issues: { message: string; offset: number | null }[];
}

/** Boot sectors of file systems, which also end in 0x55AA but are not partition tables. */
export function looksLikeFsBootSector(s: Uint8Array): boolean {
  const at = (o: number, t: string): boolean => s.length >= o + t.length && String.fromCharCode(...s.subarray(o, o + t.length)) === t;
  return looksLikeNtfs(s) || at(3, 'EXFAT   ') || at(0x36, 'FAT1') || at(0x52, 'FAT32');
}

export async function openVolumes(disk: Reader): Promise<VolumeSystem> {
  const issues: VolumeSystem['issues'] = [];
  const s0 = await disk.read(0, MBR_SECTOR);
  const bare = (why: string | null): VolumeSystem => {
    if (why) issues.push({ message: why, offset: 0 });
    if (disk.size === 0) return { scheme: 'none', sectorSize: 512, volumes: [], issues: [...issues, { message: 'the disk is empty', offset: null }] };
    return { scheme: 'none', sectorSize: 512, volumes: [{ index: 0, scheme: 'volume', slot: '-', offset: 0, size: disk.size, declaredSize: disk.size, type: '', typeName: 'volume', name: '', reader: new SliceReader(disk, 0, disk.size) }], issues };
  };
  if (looksLikeFsBootSector(s0)) return bare(null);
  const protective = hasBootSignature(s0) && [0, 1, 2, 3].some((i) => s0[0x1be + i * 16 + 4] === 0xee);
  const gptSize = await gptSectorSize(disk);
  if (gptSize !== null || protective) {
    try {
      const t = await parseGpt(disk, gptSize ?? 512);
      issues.push(...t.issues);
      const volumes: Volume[] = [];
      for (const p of t.partitions) {
        const v = clip(disk, p.firstLba * t.sectorSize, (p.lastLba - p.firstLba + 1) * t.sectorSize, `GPT entry ${p.index}`, issues);
        if (v) volumes.push({ index: p.index, scheme: 'gpt', slot: String(p.index).padStart(3, '0'), ...v, type: p.typeGuid, typeName: gptTypeName(p.typeGuid), name: p.name });
      }
      return { scheme: 'gpt', sectorSize: t.sectorSize, volumes, issues };
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      issues.push({ message: `GPT unusable (${e.message}); trying the MBR`, offset: e.offset ?? null });
    }
  }
  let mbr;
  try {
    mbr = await parseMbr(disk);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return bare(`no partition table (${e.message}); the disk is read as one volume`);
  }
  issues.push(...mbr.issues);
  const volumes: Volume[] = [];
  for (const [i, p] of mbr.partitions.entries()) {
    if (p.type === 0xee) continue;
    const v = clip(disk, p.startSector * MBR_SECTOR, p.sectors * MBR_SECTOR, `MBR partition ${p.slot}`, issues);
    if (v) volumes.push({ index: i, scheme: 'mbr', slot: p.slot, ...v, type: `0x${p.type.toString(16).padStart(2, '0')}`, typeName: mbrTypeName(p.type), name: '' });
  }
  if (volumes.length === 0 && mbr.partitions.length === 0) return bare('MBR with no partitions; the disk is read as one volume');
  return { scheme: 'mbr', sectorSize: MBR_SECTOR, volumes, issues };
}

/** A partition's window, cut at the end of the disk (an issue) or dropped when it starts past it. */
function clip(disk: Reader, offset: number, declaredSize: number, what: string, issues: VolumeSystem['issues']): { offset: number; size: number; declaredSize: number; reader: Reader } | null {
  let size = declaredSize;
  if (!Number.isSafeInteger(offset) || offset >= disk.size || size <= 0) {
    issues.push({ message: `${what} starts at byte ${offset}, outside the disk (${disk.size} bytes); skipped`, offset: null });
    return null;
  }
  if (offset + size > disk.size) {
    issues.push({ message: `${what} ends past the disk; read up to the disk's end`, offset });
    size = disk.size - offset;
  }
  return { offset, size, declaredSize, reader: new SliceReader(disk, offset, size) };
}

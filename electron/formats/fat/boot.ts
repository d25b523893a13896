/**
 * The FAT boot sector and BIOS parameter block (SPEC.md § Boot sector). The FAT type comes from
 * the cluster count, as Microsoft's specification fixes it, never from the type label.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';

export type FatType = 12 | 16 | 32;

export interface FatBoot {
  readonly type: FatType;
  readonly oemName: string;
  readonly bytesPerSector: number;
  readonly sectorsPerCluster: number;
  readonly clusterSize: number;
  readonly reservedSectors: number;
  readonly numFats: number;
  readonly fatSectors: number;
  /** Fixed root directory slots (FAT12/16); 0 on FAT32. */
  readonly rootEntries: number;
  readonly totalSectors: number;
  /** First sector of the fixed root directory (FAT12/16), which is also the first data sector. */
  readonly rootDirSector: number;
  readonly rootDirSectors: number;
  /** First sector of cluster 2. */
  readonly clusterHeapSector: number;
  /** Highest valid cluster number + 1 (clusters are numbered from 2). */
  readonly clusterLimit: number;
  /** Root directory start cluster (FAT32 only; 0 otherwise). */
  readonly rootCluster: number;
  readonly volumeId: number | null;
  readonly label: string | null;
  readonly fsTypeLabel: string | null;
}

const MEDIA = new Set([0xf0, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff]);

/** True when the first sector carries "EXFAT   " at offset 3 (read separately, not by this module). */
export function looksLikeExfat(sector0: Uint8Array): boolean {
  return sector0.length >= 11 && String.fromCharCode(...sector0.subarray(3, 11)) === 'EXFAT   ';
}

/** Cheap sniff: a jump instruction, a sane BPB and a known media byte. */
export function looksLikeFat(sector0: Uint8Array): boolean {
  try {
    parseFatBoot(sector0);
    return true;
  } catch {
    return false;
  }
}

const pow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

export function parseFatBoot(sector0: Uint8Array): FatBoot {
  const c = new ByteCursor(sector0);
  c.need(0, 512, 'boot sector');
  if (looksLikeExfat(sector0)) throw new ParseError('unsupported-version', { what: 'exFAT boot sector', offset: 3 }, 'exFAT is not supported by this version (FAT12/16/32 only)');
  const jump = c.u8(0, 'jump instruction');
  if (jump !== 0xeb && jump !== 0xe9) throw new ParseError('bad-signature', { what: 'boot sector jump (0xEB or 0xE9)', offset: 0 });
  const bytesPerSector = c.u16(11, 'bytes per sector');
  const sectorsPerCluster = c.u8(13, 'sectors per cluster');
  const reservedSectors = c.u16(14, 'reserved sectors');
  const numFats = c.u8(16, 'number of FATs');
  const rootEntries = c.u16(17, 'root entries');
  const total16 = c.u16(19, 'total sectors (16-bit)');
  const media = c.u8(21, 'media descriptor');
  const fat16 = c.u16(22, 'sectors per FAT (16-bit)');
  const total32 = c.u32(32, 'total sectors (32-bit)');
  const bad = (what: string, offset: number): never => {
    throw new ParseError('bad-signature', { what, offset });
  };
  if (![512, 1024, 2048, 4096].includes(bytesPerSector)) bad('bytes per sector (512..4096)', 11);
  if (!pow2(sectorsPerCluster) || sectorsPerCluster > 128) bad('sectors per cluster (power of 2, <= 128)', 13);
  if (reservedSectors === 0) bad('reserved sectors (>= 1)', 14);
  if (numFats < 1 || numFats > 4) bad('number of FATs (1..4)', 16);
  if (!MEDIA.has(media)) bad('media descriptor', 21);
  const fatSectors = fat16 !== 0 ? fat16 : c.u32(36, 'sectors per FAT (32-bit)');
  const totalSectors = total16 !== 0 ? total16 : total32;
  if (fatSectors === 0) bad('sectors per FAT (> 0)', 22);
  if (totalSectors === 0) bad('total sectors (> 0)', 19);
  const rootDirSectors = Math.ceil((rootEntries * 32) / bytesPerSector);
  const rootDirSector = reservedSectors + numFats * fatSectors;
  const clusterHeapSector = rootDirSector + rootDirSectors;
  if (clusterHeapSector >= totalSectors) bad('data area (starts past the end of the volume)', 19);
  const clusterCount = Math.floor((totalSectors - clusterHeapSector) / sectorsPerCluster);
  const type: FatType = clusterCount < 4085 ? 12 : clusterCount < 65525 ? 16 : 32;
  if (type === 32 && (fat16 !== 0 || rootEntries !== 0)) bad('FAT32 BPB (16-bit FAT size and root entries must be 0)', 17);
  if (type !== 32 && rootEntries === 0) bad('FAT12/16 root entries (> 0)', 17);
  // Every cluster needs a FAT entry: a FAT too small for the cluster count is not a FAT volume.
  const entryBits = type === 32 ? 32 : type;
  if (Math.floor((fatSectors * bytesPerSector * 8) / entryBits) < clusterCount + 2) bad('sectors per FAT (too few for the cluster count)', 22);
  const ext = type === 32 ? 64 : 36; // extended BPB offset
  const hasExt = c.u8(ext + 2, 'extended boot signature') === 0x29;
  const text = (off: number, len: number): string => String.fromCharCode(...c.raw(off, len, 'label'));
  return {
    type,
    oemName: text(3, 8),
    bytesPerSector,
    sectorsPerCluster,
    clusterSize: bytesPerSector * sectorsPerCluster,
    reservedSectors,
    numFats,
    fatSectors,
    rootEntries,
    totalSectors,
    rootDirSector,
    rootDirSectors,
    clusterHeapSector,
    clusterLimit: clusterCount + 2,
    rootCluster: type === 32 ? c.u32(44, 'root cluster') : 0,
    volumeId: hasExt ? c.u32(ext + 3, 'volume id') : null,
    label: hasExt ? text(ext + 7, 11) : null,
    fsTypeLabel: hasExt ? text(ext + 18, 8) : null,
  };
}

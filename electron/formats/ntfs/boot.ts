/** The NTFS boot sector ($Boot, sector 0 of the volume): geometry and where the MFT is. */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';

/** Largest cluster NTFS allows (Windows 10 1709+: 2 MiB). */
export const NTFS_MAX_CLUSTER = 2 * 1024 * 1024;
/** MFT and index records: 256 B .. 64 KiB. */
export const NTFS_MAX_RECORD = 65536;

export interface NtfsBoot {
  readonly bytesPerSector: number;
  readonly clusterSize: number;
  readonly totalSectors: number;
  readonly totalClusters: number;
  readonly mftLcn: number;
  readonly mftMirrLcn: number;
  readonly mftRecordSize: number;
  readonly indexRecordSize: number;
  /** Volume serial number, hex, as fsstat prints it. */
  readonly serial: string;
}

export function looksLikeNtfs(sector: Uint8Array): boolean {
  return sector.length >= 11 && String.fromCharCode(...sector.subarray(3, 11)) === 'NTFS    ';
}

const isPow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

/** A record-size byte: positive = clusters, negative = 2^-n bytes. */
function recordSize(raw: number, clusterSize: number, what: string, offset: number): number {
  const v = raw > 127 ? raw - 256 : raw;
  let size: number;
  if (v > 0) size = v * clusterSize;
  else if (v < 0 && v >= -31) size = 2 ** -v;
  else size = 0;
  if (!isPow2(size) || size < 256 || size > NTFS_MAX_RECORD) throw new ParseError('out-of-bounds', { what, offset, need: size, have: NTFS_MAX_RECORD });
  return size;
}

export function parseBootSector(b: Uint8Array): NtfsBoot {
  const c = new ByteCursor(b, 0);
  if (!looksLikeNtfs(b)) throw new ParseError('bad-signature', { what: 'NTFS OEM id "NTFS    "', offset: 3 });
  const bytesPerSector = c.u16(0x0b, 'bytes per sector');
  if (!isPow2(bytesPerSector) || bytesPerSector < 256 || bytesPerSector > 4096) throw new ParseError('out-of-bounds', { what: 'bytes per sector', offset: 0x0b, need: bytesPerSector, have: 4096 });
  // Values above 0x80 encode 2^(256-v) sectors, used for clusters of 128 sectors and more.
  const spcRaw = c.u8(0x0d, 'sectors per cluster');
  const spc = spcRaw > 0x80 ? 2 ** (256 - spcRaw) : spcRaw;
  const clusterSize = spc * bytesPerSector;
  if (!isPow2(spc) || clusterSize > NTFS_MAX_CLUSTER) throw new ParseError('out-of-bounds', { what: 'sectors per cluster', offset: 0x0d, need: clusterSize, have: NTFS_MAX_CLUSTER });
  const totalSectors = c.u64(0x28, 'total sectors');
  const totalClusters = Math.floor(totalSectors / spc);
  const mftLcn = c.u64(0x30, 'MFT cluster number');
  const mftMirrLcn = c.u64(0x38, 'MFT mirror cluster number');
  if (mftLcn >= totalClusters || mftLcn === 0) throw new ParseError('out-of-bounds', { what: 'MFT cluster number', offset: 0x30, need: mftLcn, have: totalClusters });
  const mftRecordSize = recordSize(c.u8(0x40, 'MFT record size'), clusterSize, 'MFT record size', 0x40);
  const indexRecordSize = recordSize(c.u8(0x44, 'index record size'), clusterSize, 'index record size', 0x44);
  const serial = c.u64big(0x48, 'volume serial number').toString(16).toUpperCase().padStart(16, '0');
  return { bytesPerSector, clusterSize, totalSectors, totalClusters, mftLcn, mftMirrLcn, mftRecordSize, indexRecordSize, serial };
}

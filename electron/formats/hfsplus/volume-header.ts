/** The HFS+/HFSX volume header, fork data and the HFS wrapper (see SPEC.md §volume header). */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';

export const VOLUME_HEADER_OFFSET = 1024;
export const SIG_HFSPLUS = 0x482b; // 'H+'
export const SIG_HFSX = 0x4858; // 'HX'
export const SIG_HFS = 0x4244; // 'BD', classic HFS (a wrapper may embed an HFS+ volume)

export interface Extent {
  readonly startBlock: number;
  readonly blockCount: number;
}

export interface ForkData {
  readonly logicalSize: number;
  readonly totalBlocks: number;
  readonly extents: Extent[];
}

export interface VolumeHeader {
  readonly signature: 'H+' | 'HX';
  readonly version: number;
  readonly attributes: number;
  readonly lastMountedVersion: string;
  readonly journalInfoBlock: number;
  /** Seconds since 1904; createDate is local time on disk, the others GMT. */
  readonly createDate: number;
  readonly modifyDate: number;
  readonly backupDate: number;
  readonly checkedDate: number;
  readonly fileCount: number;
  readonly folderCount: number;
  readonly blockSize: number;
  readonly totalBlocks: number;
  readonly freeBlocks: number;
  readonly nextCatalogId: number;
  readonly writeCount: number;
  readonly finderInfo: number[];
  readonly allocationFile: ForkData;
  readonly extentsFile: ForkData;
  readonly catalogFile: ForkData;
  readonly attributesFile: ForkData;
  readonly startupFile: ForkData;
}

export const VOLUME_ATTR = { unmounted: 1 << 8, inconsistent: 1 << 11, journaled: 1 << 13, softwareLocked: 1 << 15 } as const;

export function parseForkData(c: ByteCursor, off: number, what: string): ForkData {
  const extents: Extent[] = [];
  for (let i = 0; i < 8; i++) {
    const startBlock = c.u32be(off + 16 + i * 8, `${what} extent ${i} start`);
    const blockCount = c.u32be(off + 20 + i * 8, `${what} extent ${i} count`);
    if (blockCount === 0) break;
    extents.push({ startBlock, blockCount });
  }
  return { logicalSize: c.u64be(off, `${what} logical size`), totalBlocks: c.u32be(off + 12, `${what} total blocks`), extents };
}

/** Parse the 512 bytes at offset 1024 of an HFS+ or HFSX volume. */
export function parseVolumeHeader(bytes: Uint8Array, base = VOLUME_HEADER_OFFSET): VolumeHeader {
  const c = new ByteCursor(bytes, base);
  c.need(0, 512, 'HFS+ volume header');
  const sig = c.u16be(0, 'volume signature');
  if (sig !== SIG_HFSPLUS && sig !== SIG_HFSX) throw new ParseError('bad-signature', { what: 'HFS+ volume signature', offset: base });
  const version = c.u16be(2, 'volume version');
  if (version !== 4 && version !== 5) throw new ParseError('unsupported-version', { what: 'HFS+ volume version', offset: base + 2 }, `HFS+ volume version ${version}, expected 4 or 5`);
  const blockSize = c.u32be(0x28, 'allocation block size');
  if (blockSize < 512 || blockSize > 1 << 20 || (blockSize & (blockSize - 1)) !== 0) {
    throw new ParseError('out-of-bounds', { what: 'allocation block size', offset: base + 0x28 }, `allocation block size ${blockSize} is not a power of two in [512, 1 MiB]`);
  }
  const finderInfo: number[] = [];
  for (let i = 0; i < 8; i++) finderInfo.push(c.u32be(0x50 + i * 4, 'finder info'));
  return {
    signature: sig === SIG_HFSPLUS ? 'H+' : 'HX',
    version,
    attributes: c.u32be(4, 'volume attributes'),
    lastMountedVersion: c.ascii(8, 4, 'last mounted version'),
    journalInfoBlock: c.u32be(0x0c, 'journal info block'),
    createDate: c.u32be(0x10, 'create date'),
    modifyDate: c.u32be(0x14, 'modify date'),
    backupDate: c.u32be(0x18, 'backup date'),
    checkedDate: c.u32be(0x1c, 'checked date'),
    fileCount: c.u32be(0x20, 'file count'),
    folderCount: c.u32be(0x24, 'folder count'),
    blockSize,
    totalBlocks: c.u32be(0x2c, 'total blocks'),
    freeBlocks: c.u32be(0x30, 'free blocks'),
    nextCatalogId: c.u32be(0x40, 'next catalog id'),
    writeCount: c.u32be(0x44, 'write count'),
    finderInfo,
    allocationFile: parseForkData(c, 0x70, 'allocation file'),
    extentsFile: parseForkData(c, 0xc0, 'extents file'),
    catalogFile: parseForkData(c, 0x110, 'catalog file'),
    attributesFile: parseForkData(c, 0x160, 'attributes file'),
    startupFile: parseForkData(c, 0x1b0, 'startup file'),
  };
}

/**
 * Byte offset of the HFS+ volume inside a classic HFS wrapper ('BD' with an embedded 'H+'),
 * or null when `bytes` (the 512 bytes at 1024) is not such a wrapper.
 */
export function embeddedVolumeOffset(bytes: Uint8Array): number | null {
  const c = new ByteCursor(bytes, VOLUME_HEADER_OFFSET);
  if (!c.has(0, 0x82) || c.u16be(0, 'HFS signature') !== SIG_HFS || c.u16be(0x7c, 'embedded signature') !== SIG_HFSPLUS) return null;
  const blockSize = c.u32be(0x14, 'HFS allocation block size');
  const firstBlock = c.u16be(0x1c, 'HFS first allocation block');
  const start = c.u16be(0x7e, 'embedded extent start');
  if (blockSize === 0 || blockSize % 512 !== 0) throw new ParseError('out-of-bounds', { what: 'HFS wrapper block size', offset: VOLUME_HEADER_OFFSET + 0x14 });
  return firstBlock * 512 + start * blockSize;
}

/** HFS dates: unsigned seconds since 1904-01-01; 0 means unset. */
export function hfsTime(secs: number): string | null {
  if (secs === 0) return null;
  return new Date((secs - 2082844800) * 1000).toISOString();
}

/**
 * Apple Partition Map (Inside Macintosh: Devices, ch. 3; see SPEC.md): a Driver Descriptor Map
 * ('ER') in block 0 giving the block size, then one 'PM' entry per block from block 1, each
 * naming how many entries the map has. Big-endian. The only public surface of formats/apm.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';

export const APM_PARSER = { id: 'apm', version: '1' } as const;
/** Most map entries read (real maps have a few; Disk Utility reserves 63 blocks for the map). */
export const MAX_APM_ENTRIES = 256;

export interface ApmPartition {
  /** Entry index in the map (0 = the map's own entry, as mmls numbers slots). */
  readonly index: number;
  readonly name: string;
  /** Apple_HFS, Apple_HFSX, Apple_APFS, Apple_partition_map, Apple_Free, Apple_Driver43... */
  readonly type: string;
  /** Start and length in map blocks (`blockSize` bytes each). */
  readonly startBlock: number;
  readonly blockCount: number;
  /** Byte offset and size on the disk. */
  readonly offset: number;
  readonly size: number;
  readonly status: number;
}

export interface ApmMap {
  /** Block size of the map's units (DDM sbBlkSize, or 512 when entries sit on 512-byte blocks). */
  readonly blockSize: number;
  /** Device size the DDM gives, in its blocks. */
  readonly deviceBlocks: number;
  readonly partitions: ApmPartition[];
  readonly issues: { message: string; offset: number | null }[];
}

export function sniffApm(block0: Uint8Array): boolean {
  return block0.length >= 2 && block0[0] === 0x45 && block0[1] === 0x52; // 'ER'
}

function isPm(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x50 && b[1] === 0x4d; // 'PM'
}

export async function parseApm(disk: Reader): Promise<ApmMap> {
  const ddm = new ByteCursor(await disk.read(0, 512), 0);
  if (!sniffApm(ddm.bytes)) throw new ParseError('bad-signature', { what: 'APM driver descriptor map signature', offset: 0 });
  const ddmBlock = ddm.u16be(2, 'DDM block size');
  const deviceBlocks = ddm.u32be(4, 'DDM block count');
  const issues: ApmMap['issues'] = [];
  // Entries normally sit one per DDM block; CD images with 2048-byte DDM blocks may keep them on
  // 512-byte blocks instead, so look where the first 'PM' really is.
  let blockSize = 512;
  if (ddmBlock >= 512 && ddmBlock <= 65536 && (ddmBlock & (ddmBlock - 1)) === 0 && isPm(await disk.read(ddmBlock, 2))) blockSize = ddmBlock;
  else if (!isPm(await disk.read(512, 2))) throw new ParseError('bad-signature', { what: 'APM partition entry signature', offset: ddmBlock || 512 });
  else if (ddmBlock !== 512) issues.push({ message: `DDM block size ${ddmBlock}, but map entries sit on 512-byte blocks; using 512`, offset: 2 });

  const partitions: ApmPartition[] = [];
  let count = 1;
  for (let i = 0; i < count; i++) {
    const at = (i + 1) * blockSize;
    const e = new ByteCursor(await disk.read(at, 512), at);
    if (!e.has(0, 0x5c) || !isPm(e.bytes)) {
      issues.push({ message: `map entry ${i} at ${at} lacks the 'PM' signature; the map ends here`, offset: at });
      break;
    }
    const mapCount = e.u32be(4, 'pmMapBlkCnt');
    if (i === 0) {
      if (mapCount > MAX_APM_ENTRIES) issues.push({ message: `map claims ${mapCount} entries; reading the first ${MAX_APM_ENTRIES}`, offset: at + 4 });
      count = Math.max(1, Math.min(mapCount, MAX_APM_ENTRIES));
    } else if (mapCount !== count && mapCount <= MAX_APM_ENTRIES) {
      issues.push({ message: `map entry ${i} gives ${mapCount} entries, entry 0 gave ${count}`, offset: at + 4 });
    }
    const startBlock = e.u32be(8, 'pmPyPartStart');
    const blockCount = e.u32be(12, 'pmPartBlkCnt');
    const offset = startBlock * blockSize;
    const size = blockCount * blockSize;
    if (offset + size > disk.size) issues.push({ message: `partition ${i} [${offset}, ${offset + size}) runs past the end of the disk (${disk.size} bytes)`, offset: at + 8 });
    partitions.push({ index: i, name: cString(e, 16, 32, 'pmPartName'), type: cString(e, 48, 32, 'pmParType'), startBlock, blockCount, offset, size, status: e.u32be(0x58, 'pmPartStatus') });
  }
  return { blockSize, deviceBlocks, partitions, issues };
}

function cString(c: ByteCursor, off: number, len: number, what: string): string {
  const b = c.raw(off, len, what);
  const end = b.indexOf(0);
  return String.fromCharCode(...b.subarray(0, end < 0 ? len : end)).replace(/[^\x20-\x7e]/g, '?');
}

/**
 * The ext2/3/4 superblock (SPEC.md § Superblock): 1024 bytes at byte 1024 of the volume.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';

export const SUPERBLOCK_OFFSET = 1024;
export const EXT_MAGIC = 0xef53;

export const INCOMPAT = {
  FILETYPE: 0x2, RECOVER: 0x4, JOURNAL_DEV: 0x8, META_BG: 0x10, EXTENTS: 0x40, BIT64: 0x80,
  FLEX_BG: 0x200, INLINE_DATA: 0x8000, ENCRYPT: 0x10000, CASEFOLD: 0x20000,
} as const;
export const COMPAT = { HAS_JOURNAL: 0x4 } as const;

export interface Superblock {
  readonly inodesCount: number;
  readonly blocksCount: number;
  readonly firstDataBlock: number;
  readonly blockSize: number;
  readonly blocksPerGroup: number;
  readonly inodesPerGroup: number;
  readonly revLevel: number;
  readonly inodeSize: number;
  readonly firstInode: number;
  readonly featureCompat: number;
  readonly featureIncompat: number;
  readonly featureRoCompat: number;
  readonly descSize: number;
  readonly firstMetaBg: number;
  readonly groupCount: number;
  readonly volumeName: string;
  readonly uuid: string;
  readonly lastMounted: string;
  /** ext4 if extents/64bit/flex_bg, ext3 if it has a journal, else ext2 (TSK's naming). */
  readonly flavour: 'ext2' | 'ext3' | 'ext4';
}

export function looksLikeExt(head: Uint8Array): boolean {
  return head.length >= SUPERBLOCK_OFFSET + 58 && (head[SUPERBLOCK_OFFSET + 56]! | (head[SUPERBLOCK_OFFSET + 57]! << 8)) === EXT_MAGIC;
}

const bad = (what: string, offset: number): never => {
  throw new ParseError('bad-signature', { what, offset: SUPERBLOCK_OFFSET + offset });
};

export function parseSuperblock(bytes: Uint8Array): Superblock {
  const c = new ByteCursor(bytes, SUPERBLOCK_OFFSET);
  c.need(0, 1024, 'ext superblock');
  if (c.u16(56, 's_magic') !== EXT_MAGIC) bad('s_magic (0xEF53)', 56);
  const logBlock = c.u32(24, 's_log_block_size');
  if (logBlock > 6) bad('s_log_block_size (<= 6: 64 KiB blocks)', 24);
  const blockSize = 1024 << logBlock;
  const revLevel = c.u32(76, 's_rev_level');
  const featureIncompat = revLevel >= 1 ? c.u32(96, 's_feature_incompat') : 0;
  const is64 = (featureIncompat & INCOMPAT.BIT64) !== 0;
  const blocksCount = c.u32(4, 's_blocks_count_lo') + (is64 ? c.u32(336, 's_blocks_count_hi') * 2 ** 32 : 0);
  const inodesCount = c.u32(0, 's_inodes_count');
  const blocksPerGroup = c.u32(32, 's_blocks_per_group');
  const inodesPerGroup = c.u32(40, 's_inodes_per_group');
  const firstDataBlock = c.u32(20, 's_first_data_block');
  const inodeSize = revLevel >= 1 ? c.u16(88, 's_inode_size') : 128;
  if (blocksPerGroup === 0 || blocksPerGroup > blockSize * 8) bad('s_blocks_per_group', 32);
  if (inodesPerGroup === 0 || inodesPerGroup > blockSize * 8) bad('s_inodes_per_group', 40);
  if (inodeSize < 128 || inodeSize > blockSize || (inodeSize & (inodeSize - 1)) !== 0) bad('s_inode_size', 88);
  if (blocksCount === 0 || firstDataBlock >= blocksCount) bad('s_blocks_count', 4);
  const groupCount = Math.ceil((blocksCount - firstDataBlock) / blocksPerGroup);
  if (inodesCount === 0 || inodesCount > groupCount * inodesPerGroup) bad('s_inodes_count', 0);
  let descSize = 32;
  if (is64) {
    descSize = c.u16(254, 's_desc_size');
    if (descSize < 32 || descSize > 1024 || (descSize & (descSize - 1)) !== 0) bad('s_desc_size', 254);
  }
  const featureCompat = c.u32(92, 's_feature_compat');
  const featureRoCompat = revLevel >= 1 ? c.u32(100, 's_feature_ro_compat') : 0;
  const text = (off: number, len: number): string => new TextDecoder('utf-8').decode(c.raw(off, len, 'name')).replace(/\0.*$/s, '');
  const u = c.raw(104, 16, 's_uuid');
  const hex = [...u].map((b) => b.toString(16).padStart(2, '0')).join('');
  const ext4 = (featureIncompat & (INCOMPAT.EXTENTS | INCOMPAT.BIT64 | INCOMPAT.FLEX_BG)) !== 0;
  return {
    inodesCount,
    blocksCount,
    firstDataBlock,
    blockSize,
    blocksPerGroup,
    inodesPerGroup,
    revLevel,
    inodeSize,
    firstInode: revLevel >= 1 ? c.u32(84, 's_first_ino') : 11,
    featureCompat,
    featureIncompat,
    featureRoCompat,
    descSize,
    firstMetaBg: c.u32(260, 's_first_meta_bg'),
    groupCount,
    volumeName: text(120, 16),
    uuid: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    lastMounted: text(136, 64),
    flavour: ext4 ? 'ext4' : featureCompat & COMPAT.HAS_JOURNAL ? 'ext3' : 'ext2',
  };
}

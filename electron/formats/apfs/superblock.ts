/** nx_superblock_t: the container superblock (block 0 and the checkpoint copies). */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { NX_MAGIC, NX_MAX_FILE_SYSTEMS, NX_MAXIMUM_BLOCK_SIZE, NX_MINIMUM_BLOCK_SIZE, OBJECT_TYPE } from './constants.js';
import { checkObject, type ObjHeader } from './object.js';

export interface NxSuperblock {
  readonly header: ObjHeader;
  readonly blockSize: number;
  readonly blockCount: number;
  readonly features: bigint;
  readonly readonlyCompatibleFeatures: bigint;
  readonly incompatibleFeatures: bigint;
  readonly uuid: string;
  readonly nextXid: bigint;
  /** nx_xp_desc_blocks without its high bit; `descIsTree` is that bit (a B-tree, unsupported). */
  readonly xpDescBlocks: number;
  readonly descIsTree: boolean;
  readonly xpDescBase: number;
  readonly xpDescIndex: number;
  readonly xpDescLen: number;
  readonly omapOid: number;
  /** Virtual oids of the volumes (nx_fs_oid), zero entries dropped. */
  readonly fsOids: bigint[];
  readonly flags: bigint;
  readonly keylocker: { start: number; count: number };
}

export function formatUuid(b: Uint8Array): string {
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Cheap content test: the magic at 32 of block 0 (a partition or a DMG's inner volume). */
export function looksLikeApfsContainer(head: Uint8Array): boolean {
  return head.length >= 36 && new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(32, true) === NX_MAGIC;
}

/** Parse and verify one superblock copy; `base` is its byte offset for error reports. */
export function parseNxSuperblock(block: Uint8Array, base: number): NxSuperblock {
  const c = new ByteCursor(block, base);
  if (c.u32(32, 'nx_magic') !== NX_MAGIC) throw new ParseError('bad-signature', { what: 'nx_magic (NXSB)', offset: base + 32 });
  const header = checkObject(block, base, 'container superblock', OBJECT_TYPE.NX_SUPERBLOCK);
  const blockSize = c.u32(36, 'nx_block_size');
  if (blockSize < NX_MINIMUM_BLOCK_SIZE || blockSize > NX_MAXIMUM_BLOCK_SIZE || (blockSize & (blockSize - 1)) !== 0) {
    throw new ParseError('unsupported-version', { what: `nx_block_size ${blockSize}`, offset: base + 36 });
  }
  const descRaw = c.u32(104, 'nx_xp_desc_blocks');
  const fsOids: bigint[] = [];
  for (let i = 0; i < NX_MAX_FILE_SYSTEMS; i++) {
    const oid = c.u64big(184 + i * 8, 'nx_fs_oid');
    if (oid !== 0n) fsOids.push(oid);
  }
  return {
    header,
    blockSize,
    blockCount: c.u64(40, 'nx_block_count'),
    features: c.u64big(48, 'nx_features'),
    readonlyCompatibleFeatures: c.u64big(56, 'nx_readonly_compatible_features'),
    incompatibleFeatures: c.u64big(64, 'nx_incompatible_features'),
    uuid: formatUuid(c.raw(72, 16, 'nx_uuid')),
    nextXid: c.u64big(96, 'nx_next_xid'),
    xpDescBlocks: descRaw & 0x7fffffff,
    descIsTree: (descRaw & 0x80000000) !== 0,
    xpDescBase: c.u64(112, 'nx_xp_desc_base'),
    xpDescIndex: c.u32(136, 'nx_xp_desc_index'),
    xpDescLen: c.u32(140, 'nx_xp_desc_len'),
    omapOid: c.u64(160, 'nx_omap_oid'),
    fsOids,
    flags: c.u64big(1264, 'nx_flags'),
    keylocker: { start: c.u64(1296, 'nx_keylocker.pr_start_paddr'), count: c.u64(1304, 'nx_keylocker.pr_block_count') },
  };
}

/**
 * An ext2/3/4 volume (SPEC.md): superblock, group descriptors (32- and 64-bit, meta_bg), inodes
 * and their allocation bits, file contents and directories. Read-only and lazy: a group
 * descriptor, inode or block is read when asked for, through a bounded block cache. The journal
 * is not replayed (a volume flagged `needs_recovery` reads as last checkpointed; see `issues`).
 */
import { ParseError } from '../../common/issues.js';
import { LIMITS } from '../../common/limits.js';
import { BlockCache, pushIssue, type ReadIssue } from '../../io/block-cache.js';
import { BufferReader } from '../../io/buffer-reader.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { ExtentReader, type Extent } from '../../io/extent-reader.js';
import type { Reader } from '../../io/reader.js';
import { blockMapExtents, extentTreeExtents, type BlockSource } from './blocks.js';
import { parseDirBlock, type ExtDirEntry } from './dir.js';
import { fileType, INODE_FLAG, inlineDataTail, MODE, parseInode, type Inode } from './inode.js';
import { INCOMPAT, parseSuperblock, SUPERBLOCK_OFFSET, type Superblock } from './superblock.js';

export const ROOT_INO = 2;
/** Directory bytes read before the rest is reported as skipped (a huge htree dir is ~100 MiB). */
export const MAX_DIR_BYTES = 256 * 1024 * 1024;
const RO_SPARSE_SUPER = 0x1;

interface GroupDesc { inodeTable: number; inodeBitmap: number; inodeUninit: boolean }

export class ExtVolume implements BlockSource {
  readonly issues: ReadIssue[] = [];
  private readonly cache: BlockCache;
  private readonly groups = new Map<number, Promise<GroupDesc>>();

  private constructor(readonly reader: Reader, readonly sb: Superblock) {
    this.cache = new BlockCache((b) => reader.read(b * sb.blockSize, sb.blockSize), 16 * 1024 * 1024);
  }

  static async open(reader: Reader): Promise<ExtVolume> {
    const sb = parseSuperblock(await reader.read(SUPERBLOCK_OFFSET, 1024));
    const v = new ExtVolume(reader, sb);
    if (sb.featureIncompat & INCOMPAT.RECOVER) pushIssue(v.issues, { message: 'the journal needs recovery (needs_recovery set); it is not replayed, so the newest changes may be missing', offset: null, file: null });
    if (sb.featureIncompat & INCOMPAT.JOURNAL_DEV) throw new ParseError('unsupported-version', { what: 'ext external journal device (holds no files)', offset: SUPERBLOCK_OFFSET + 96 });
    if (sb.featureIncompat & INCOMPAT.ENCRYPT) pushIssue(v.issues, { message: 'the volume supports encryption: encrypted files and names read as ciphertext', offset: null, file: null });
    const declared = sb.blocksCount * sb.blockSize;
    if (declared > reader.size) pushIssue(v.issues, { message: `volume declares ${declared} bytes but ${reader.size} are present; missing bytes read as zeros`, offset: null, file: null });
    return v;
  }

  get blockSize(): number {
    return this.sb.blockSize;
  }

  get blocksCount(): number {
    return this.sb.blocksCount;
  }

  readBlock(block: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(block) || block < 0 || block >= this.sb.blocksCount) {
      return Promise.reject(new ParseError('out-of-bounds', { what: `block ${block}`, need: block, have: this.sb.blocksCount }));
    }
    return this.cache.get(block);
  }

  private hasSuperBackup(g: number): boolean {
    if (!(this.sb.featureRoCompat & RO_SPARSE_SUPER) || g <= 1) return true;
    for (const p of [3, 5, 7]) {
      let n = p;
      while (n < g) n *= p;
      if (n === g) return true;
    }
    return false;
  }

  private group(g: number): Promise<GroupDesc> {
    let p = this.groups.get(g);
    if (!p) {
      p = this.loadGroup(g);
      this.groups.set(g, p);
      if (this.groups.size > 4096) this.groups.delete(this.groups.keys().next().value!);
    }
    return p;
  }

  private async loadGroup(g: number): Promise<GroupDesc> {
    const sb = this.sb;
    const ds = sb.descSize;
    const perBlock = sb.blockSize / ds;
    let block: number;
    if (sb.featureIncompat & INCOMPAT.META_BG && Math.floor(g / perBlock) >= sb.firstMetaBg) {
      // meta_bg: each run of perBlock groups keeps its descriptors in its first group.
      const first = Math.floor(g / perBlock) * perBlock;
      block = sb.firstDataBlock + first * sb.blocksPerGroup + (this.hasSuperBackup(first) ? 1 : 0);
    } else block = sb.firstDataBlock + 1 + Math.floor(g / perBlock);
    const bytes = await this.readBlock(block);
    const at = (g % perBlock) * ds;
    const c = new ByteCursor(bytes.subarray(at, at + ds), block * sb.blockSize + at);
    const wide = ds >= 64;
    return {
      inodeBitmap: c.u32(4, 'bg_inode_bitmap_lo') + (wide ? c.u32(0x24, 'bg_inode_bitmap_hi') * 2 ** 32 : 0),
      inodeTable: c.u32(8, 'bg_inode_table_lo') + (wide ? c.u32(0x28, 'bg_inode_table_hi') * 2 ** 32 : 0),
      inodeUninit: (c.u16(18, 'bg_flags') & 1) !== 0,
    };
  }

  private checkIno(ino: number): void {
    if (!Number.isSafeInteger(ino) || ino < 1 || ino > this.sb.inodesCount) throw new ParseError('out-of-bounds', { what: `inode ${ino}`, need: ino, have: this.sb.inodesCount });
  }

  async inode(ino: number): Promise<Inode> {
    this.checkIno(ino);
    const sb = this.sb;
    const g = Math.floor((ino - 1) / sb.inodesPerGroup);
    const index = (ino - 1) % sb.inodesPerGroup;
    const gd = await this.group(g);
    const byte = index * sb.inodeSize;
    const block = gd.inodeTable + Math.floor(byte / sb.blockSize);
    const data = await this.readBlock(block);
    const at = byte % sb.blockSize;
    return parseInode(data.subarray(at, at + sb.inodeSize), ino, sb.inodeSize, block * sb.blockSize + at);
  }

  /** The inode's bit in its group's inode bitmap (false in a group never initialised). */
  async allocated(ino: number): Promise<boolean> {
    this.checkIno(ino);
    const g = Math.floor((ino - 1) / this.sb.inodesPerGroup);
    const index = (ino - 1) % this.sb.inodesPerGroup;
    const gd = await this.group(g);
    if (gd.inodeUninit) return false;
    const bits = await this.readBlock(gd.inodeBitmap);
    return ((bits[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
  }

  /** Byte extents of an inode's data (empty for inline data and fast symlinks). */
  async extents(i: Inode): Promise<Extent[]> {
    if (i.flags & INODE_FLAG.INLINE_DATA || isFastSymlink(i)) return [];
    if (i.flags & INODE_FLAG.EXTENTS) return extentTreeExtents(this, i.iBlock, i.size);
    return blockMapExtents(this, i.iBlock, i.size);
  }

  /** The inode's bytes (a symlink's: its target path, never followed). */
  async open(i: Inode): Promise<Reader> {
    if (i.flags & INODE_FLAG.INLINE_DATA) {
      const all = new Uint8Array([...i.iBlock, ...inlineDataTail(i.ibody)]);
      return new BufferReader(all.subarray(0, Math.min(i.size, all.length)));
    }
    if (isFastSymlink(i)) return new BufferReader(i.iBlock.subarray(0, Math.min(i.size, 60)));
    return new ExtentReader(this.reader, await this.extents(i), i.size);
  }

  /** A directory's entries, live and deleted, in on-disk order. */
  async readDir(i: Inode): Promise<ExtDirEntry[]> {
    const out: ExtDirEntry[] = [];
    const ft = (this.sb.featureIncompat & INCOMPAT.FILETYPE) !== 0;
    if (i.flags & INODE_FLAG.INLINE_DATA) {
      // Inline directory: 4 bytes of parent inode, then entries; more entries in system.data.
      parseDirBlock(i.iBlock.subarray(4), this.sb.inodesCount, ft, out);
      const tail = inlineDataTail(i.ibody);
      if (tail.length) parseDirBlock(tail, this.sb.inodesCount, ft, out);
      return out;
    }
    const bs = this.sb.blockSize;
    const size = Math.min(i.size, MAX_DIR_BYTES);
    if (i.size > MAX_DIR_BYTES) pushIssue(this.issues, { message: `directory inode ${i.ino}: ${i.size} bytes, only the first ${MAX_DIR_BYTES} read`, offset: null, file: null });
    const r = new ExtentReader(this.reader, await this.extents(i), size);
    for (let off = 0; off < size; off += bs) {
      parseDirBlock(await r.read(off, bs), this.sb.inodesCount, ft, out);
      if (out.length > LIMITS.dirMaxEntries) {
        pushIssue(this.issues, { message: `directory inode ${i.ino}: more than ${LIMITS.dirMaxEntries} entries; the rest skipped`, offset: null, file: null });
        break;
      }
    }
    return out;
  }
}

/** A symlink whose target sits in i_block: the kernel stores every target under 60 bytes there. */
export function isFastSymlink(i: Inode): boolean {
  if (fileType(i.mode) !== MODE.LNK || i.size >= 60 || i.flags & INODE_FLAG.INLINE_DATA) return false;
  const extentRoot = (i.flags & INODE_FLAG.EXTENTS) !== 0 && i.iBlock[0] === 0x0a && i.iBlock[1] === 0xf3;
  return !extentRoot;
}

/**
 * An APFS container over a Reader: the newest valid checkpoint's superblock, verified object reads
 * through a bounded block cache, and object maps (virtual oid → physical block for a given xid).
 */
import { ParseError } from '../../common/issues.js';
import { BlockCache } from '../../io/block-cache.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';
import { NX_MAGIC, OBJECT_TYPE, OMAP_VAL_DELETED } from './constants.js';
import { BTree, parseNode, type BtNode, type NodeSource } from './btree.js';
import { blockOf, cmpU64At, u64At, u64Parts } from './ids.js';
import { APFS_LIMITS } from './limits.js';
import { checkObject, checksumOk } from './object.js';
import { parseNxSuperblock, type NxSuperblock } from './superblock.js';

const NODE_CACHE = 4096;

export interface OmapValue {
  readonly flags: number;
  readonly size: number;
  readonly paddr: number;
  readonly xid: bigint;
}

/** An object map: a physical B-tree of (oid, xid) → (flags, size, paddr). */
export class Omap {
  private readonly cache = new Map<string, Promise<OmapValue | null>>();

  constructor(readonly tree: BTree, readonly what: string) {}

  /** The newest mapping of `oid` with xid ≤ maxXid (deleted mappings count as absent). */
  lookup(oid: bigint, maxXid: bigint): Promise<OmapValue | null> {
    const key = `${oid}@${maxXid}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.find(oid, maxXid);
      this.cache.set(key, p);
      p.catch(() => this.cache.delete(key));
      if (this.cache.size > 65_536) this.cache.delete(this.cache.keys().next().value!);
    }
    return p;
  }

  private async find(oid: bigint, maxXid: bigint): Promise<OmapValue | null> {
    const want = u64Parts(oid);
    const hits = await this.tree.range((k) => cmpU64At(k, 0, want, 'ok_oid'), 4096);
    let best: OmapValue | null = null;
    for (const e of hits) {
      const xid = u64At(e.key, 8, 'ok_xid');
      if (xid > maxXid || (best && best.xid >= xid)) continue;
      const c = new ByteCursor(e.val);
      best = { flags: c.u32(0, 'ov_flags'), size: c.u32(4, 'ov_size'), paddr: c.u64(8, 'ov_paddr'), xid };
    }
    return best && (best.flags & OMAP_VAL_DELETED) === 0 ? best : null;
  }
}

export class ApfsContainer implements NodeSource {
  private readonly blocks: BlockCache;
  private readonly nodes = new Map<number, Promise<BtNode>>();
  readonly omap: Omap;

  private constructor(readonly reader: Reader, readonly sb: NxSuperblock, omapTreeOid: bigint, readonly checkpointNote: string | null) {
    const bs = sb.blockSize;
    this.blocks = new BlockCache(async (i) => {
      const b = await reader.read(i * bs, bs);
      if (b.length !== bs) throw new ParseError('truncated', { what: `block ${i}`, offset: i * bs, need: bs, have: b.length });
      return b;
    }, APFS_LIMITS.cacheBytes);
    this.omap = new Omap(new BTree(this, omapTreeOid, physical('container omap'), 'container omap'), 'container omap');
  }

  get blockSize(): number {
    return this.sb.blockSize;
  }

  /** The xid every virtual lookup is made at: the checkpoint we mounted. */
  get xid(): bigint {
    return this.sb.header.xid;
  }

  static async open(reader: Reader): Promise<ApfsContainer> {
    const head = await reader.read(0, 4096);
    if (head.length < 4096) throw new ParseError('truncated', { what: 'container superblock', offset: 0, need: 4096, have: head.length });
    if (new ByteCursor(head).u32(32, 'nx_magic') !== NX_MAGIC) throw new ParseError('bad-signature', { what: 'nx_magic (NXSB) in block 0', offset: 32 });
    const bs = new ByteCursor(head).u32(36, 'nx_block_size');
    const block0 = bs === 4096 ? head : await reader.read(0, bs);
    let sb0: NxSuperblock | null = null;
    let note: string | null = null;
    try {
      sb0 = parseNxSuperblock(block0, 0);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      if (e.code === 'unsupported-version') throw e;
      note = `block 0 superblock unusable (${e.message}); using the checkpoint area`;
    }
    const geom = sb0 ?? rawGeometry(block0);
    const best = await newestCheckpoint(reader, geom.blockSize, geom.xpDescBase, geom.xpDescBlocks, geom.descIsTree);
    const sb = best && (!sb0 || best.header.xid >= sb0.header.xid) ? best : sb0;
    if (!sb) throw new ParseError('checksum', { what: 'no valid container superblock in block 0 or the checkpoint area' });
    // Checked as block() checks every later address: a damaged superblock can name any u64 here.
    if (!Number.isSafeInteger(sb.omapOid * sb.blockSize) || sb.omapOid <= 0 || sb.omapOid >= sb.blockCount) {
      throw new ParseError('out-of-bounds', { what: `container omap_phys at block ${sb.omapOid} (container has ${sb.blockCount})` });
    }
    const omapBlock = await reader.read(sb.omapOid * sb.blockSize, sb.blockSize);
    if (omapBlock.length !== sb.blockSize) throw new ParseError('truncated', { what: 'container omap_phys', offset: sb.omapOid * sb.blockSize, need: sb.blockSize, have: omapBlock.length });
    checkObject(omapBlock, sb.omapOid * sb.blockSize, 'container omap_phys', OBJECT_TYPE.OMAP);
    const treeOid = new ByteCursor(omapBlock, sb.omapOid * sb.blockSize).u64big(48, 'om_tree_oid');
    return new ApfsContainer(reader, sb, treeOid, note);
  }

  /** One verified block (any object). */
  async block(paddr: number, what: string): Promise<Uint8Array> {
    if (!Number.isSafeInteger(paddr) || paddr < 0 || paddr >= this.sb.blockCount) {
      throw new ParseError('out-of-bounds', { what: `${what} at block ${paddr} (container has ${this.sb.blockCount})` });
    }
    return this.blocks.get(paddr);
  }

  async object(paddr: number, what: string, type?: number): Promise<Uint8Array> {
    const b = await this.block(paddr, what);
    checkObject(b, paddr * this.blockSize, what, type);
    return b;
  }

  node(paddr: number, what: string, fixed: { keySize: number; valSize: number } | null): Promise<BtNode> {
    let p = this.nodes.get(paddr);
    if (p) {
      this.nodes.delete(paddr);
      this.nodes.set(paddr, p);
      return p;
    }
    p = this.block(paddr, what).then((b) => parseNode(b, paddr, paddr * this.blockSize, what, fixed));
    this.nodes.set(paddr, p);
    p.catch(() => this.nodes.delete(paddr));
    if (this.nodes.size > NODE_CACHE) this.nodes.delete(this.nodes.keys().next().value!);
    return p;
  }

  /** An omap_phys at a physical address → its Omap. */
  async openOmap(paddr: number, what: string): Promise<Omap> {
    const b = await this.object(paddr, what, OBJECT_TYPE.OMAP);
    const treeOid = new ByteCursor(b, paddr * this.blockSize).u64big(48, 'om_tree_oid');
    return new Omap(new BTree(this, treeOid, physical(what), what), what);
  }

  async close(): Promise<void> {
    this.blocks.clear();
    this.nodes.clear();
  }
}

/** Child-oid resolver of a physical tree: the oid is the block address. */
export const physical = (what: string) => async (oid: bigint): Promise<number> => blockOf(oid, what);

/** Geometry fields read without the checksum, to find the checkpoint area when block 0 is damaged. */
function rawGeometry(b: Uint8Array): { blockSize: number; xpDescBase: number; xpDescBlocks: number; descIsTree: boolean } {
  const c = new ByteCursor(b);
  const raw = c.u32(104, 'nx_xp_desc_blocks');
  return { blockSize: c.u32(36, 'nx_block_size'), xpDescBase: c.u64(112, 'nx_xp_desc_base'), xpDescBlocks: raw & 0x7fffffff, descIsTree: (raw & 0x80000000) !== 0 };
}

/** Scan the checkpoint descriptor ring for the superblock with the highest xid and a valid checksum. */
async function newestCheckpoint(reader: Reader, bs: number, base: number, count: number, isTree: boolean): Promise<NxSuperblock | null> {
  if (isTree) return null; // a non-contiguous (B-tree) descriptor area: block 0 is used instead
  const n = Math.min(count, APFS_LIMITS.maxCheckpointDescBlocks);
  if (!Number.isSafeInteger(base * bs) || base * bs >= reader.size) return null;
  const WINDOW = 64;
  let best: NxSuperblock | null = null;
  for (let first = 0; first < n; first += WINDOW) {
    const area = await reader.read((base + first) * bs, Math.min(WINDOW, n - first) * bs);
    for (let i = 0; i + bs <= area.length; i += bs) {
      const b = area.subarray(i, i + bs);
      if (new DataView(b.buffer, b.byteOffset, 36).getUint32(32, true) !== NX_MAGIC || !checksumOk(b)) continue;
      try {
        const sb = parseNxSuperblock(b, (base + first) * bs + i);
        if (!best || sb.header.xid > best.header.xid) best = sb;
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
      }
    }
    if (area.length < WINDOW * bs) break;
  }
  return best;
}

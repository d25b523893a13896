/**
 * APFS B-trees (btree_node_phys_t): node parsing and bounded queries. Every query keeps a visited
 * set, checks that each child sits exactly one level below its parent, and stops at a node cap,
 * so a hostile tree with cycles or absurd depth ends in a ParseError instead of a hang.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import {
  BTNODE_FIXED_KV_SIZE, BTNODE_HEADER_SIZE, BTNODE_LEAF, BTNODE_ROOT, BTREE_INFO_SIZE, OBJ_TYPE_MASK, OBJECT_TYPE,
} from './constants.js';
import { u64At } from './ids.js';
import { APFS_LIMITS } from './limits.js';
import { checkObject, type ObjHeader } from './object.js';

export interface BtEntry {
  readonly key: Uint8Array;
  readonly val: Uint8Array;
}

export interface BtNode {
  readonly header: ObjHeader;
  readonly paddr: number;
  readonly flags: number;
  readonly level: number;
  readonly entries: BtEntry[];
  /** btree_info_t, present on the root node only. */
  readonly info: { flags: number; nodeSize: number; keySize: number; valSize: number; keyCount: number; nodeCount: number } | null;
}

export const isLeaf = (n: BtNode): boolean => (n.flags & BTNODE_LEAF) !== 0;

/** Parse a verified node block. `fixed` gives key/value sizes for fixed-size trees (from the root's info). */
export function parseNode(block: Uint8Array, paddr: number, base: number, what: string, fixed: { keySize: number; valSize: number } | null): BtNode {
  const header = checkObject(block, base, what);
  const t = header.type & OBJ_TYPE_MASK;
  if (t !== OBJECT_TYPE.BTREE && t !== OBJECT_TYPE.BTREE_NODE) {
    throw new ParseError('bad-signature', { what: `${what}: object type 0x${t.toString(16)} is not a B-tree node`, offset: base });
  }
  const c = new ByteCursor(block, base);
  const flags = c.u16(32, 'btn_flags');
  const level = c.u16(34, 'btn_level');
  const nkeys = c.u32(36, 'btn_nkeys');
  const tOff = c.u16(40, 'btn_table_space.off');
  const tLen = c.u16(42, 'btn_table_space.len');
  const root = (flags & BTNODE_ROOT) !== 0;
  const leaf = (flags & BTNODE_LEAF) !== 0;
  if (leaf !== (level === 0)) throw new ParseError('out-of-bounds', { what: `${what}: leaf flag and level ${level} disagree`, offset: base + 32 });
  let info: BtNode['info'] = null;
  if (root) {
    const at = block.length - BTREE_INFO_SIZE;
    info = {
      flags: c.u32(at, 'bt_flags'), nodeSize: c.u32(at + 4, 'bt_node_size'), keySize: c.u32(at + 8, 'bt_key_size'),
      valSize: c.u32(at + 12, 'bt_val_size'), keyCount: c.u64(at + 24, 'bt_key_count'), nodeCount: c.u64(at + 32, 'bt_node_count'),
    };
    if ((flags & BTNODE_FIXED_KV_SIZE) !== 0) fixed = { keySize: info.keySize, valSize: info.valSize };
  }
  const isFixed = (flags & BTNODE_FIXED_KV_SIZE) !== 0;
  if (isFixed && !fixed) throw new ParseError('out-of-bounds', { what: `${what}: fixed-size node without key/value sizes`, offset: base });
  const tocStart = BTNODE_HEADER_SIZE + tOff;
  const keyStart = tocStart + tLen;
  const valEnd = block.length - (root ? BTREE_INFO_SIZE : 0);
  if (keyStart > valEnd) throw new ParseError('out-of-bounds', { what: `${what}: table space ${tOff}+${tLen}`, offset: base + 40 });
  const entrySize = isFixed ? 4 : 8;
  if (nkeys * entrySize > tLen) throw new ParseError('out-of-bounds', { what: `${what}: ${nkeys} keys do not fit a ${tLen}-byte table`, offset: base + 36 });
  const entries: BtEntry[] = [];
  for (let i = 0; i < nkeys; i++) {
    const e = tocStart + i * entrySize;
    let kOff: number, kLen: number, vOff: number, vLen: number;
    if (isFixed) {
      kOff = c.u16(e, 'kvoff.k'); vOff = c.u16(e + 2, 'kvoff.v');
      kLen = fixed!.keySize; vLen = leaf ? fixed!.valSize : 8;
    } else {
      kOff = c.u16(e, 'kvloc.k.off'); kLen = c.u16(e + 2, 'kvloc.k.len'); vOff = c.u16(e + 4, 'kvloc.v.off'); vLen = c.u16(e + 6, 'kvloc.v.len');
    }
    if (vOff === 0xffff) continue; // an entry with no value (a ghost)
    const k = keyStart + kOff;
    const v = valEnd - vOff;
    if (k + kLen > valEnd || v < keyStart || v + vLen > valEnd) {
      throw new ParseError('out-of-bounds', { what: `${what}: entry ${i} key ${kOff}+${kLen} value ${vOff}/${vLen}`, offset: base + e });
    }
    entries.push({ key: block.subarray(k, k + kLen), val: block.subarray(v, v + vLen) });
  }
  return { header, paddr, flags, level, entries, info };
}

/** Where a B-tree's nodes come from: verified node reads, and virtual→physical for child oids. */
export interface NodeSource {
  node(paddr: number, what: string, fixed: { keySize: number; valSize: number } | null): Promise<BtNode>;
}

/** Compare a key with the wanted range: < 0 before it, 0 inside, > 0 after. */
export type RangeCmp = (key: Uint8Array) => number;

export class BTree {
  private rootNode: Promise<BtNode> | null = null;

  constructor(
    private readonly src: NodeSource,
    readonly rootOid: bigint,
    /** Child oid → physical address (identity for physical trees, omap lookup for virtual ones). */
    private readonly resolve: (oid: bigint) => Promise<number>,
    readonly what: string,
  ) {}

  root(): Promise<BtNode> {
    if (!this.rootNode) {
      this.rootNode = this.resolve(this.rootOid).then((p) => this.src.node(p, `${this.what} root`, null));
      this.rootNode.catch(() => (this.rootNode = null));
    }
    return this.rootNode;
  }

  /** Every record whose key `cmp` places inside the range, in key order. */
  async range(cmp: RangeCmp, maxRecords: number = APFS_LIMITS.maxRecordsPerQuery): Promise<BtEntry[]> {
    const root = await this.root();
    if (root.level > APFS_LIMITS.btreeMaxDepth) throw new ParseError('limit-exceeded', { what: `${this.what} depth`, need: root.level, have: APFS_LIMITS.btreeMaxDepth });
    const fixed = root.info && (root.flags & BTNODE_FIXED_KV_SIZE) !== 0 ? { keySize: root.info.keySize, valSize: root.info.valSize } : null;
    const out: BtEntry[] = [];
    const visited = new Set<number>();
    const walk = async (n: BtNode): Promise<boolean> => {
      if (visited.has(n.paddr)) throw new ParseError('loop', { what: `${this.what}: node ${n.paddr} reached twice` });
      visited.add(n.paddr);
      if (visited.size > APFS_LIMITS.btreeMaxNodesPerQuery) throw new ParseError('limit-exceeded', { what: `${this.what} nodes per query`, need: visited.size, have: APFS_LIMITS.btreeMaxNodesPerQuery });
      const es = n.entries;
      if (isLeaf(n)) {
        for (const e of es) {
          const r = cmp(e.key);
          if (r > 0) return false;
          if (r === 0) {
            if (out.length >= maxRecords) throw new ParseError('limit-exceeded', { what: `${this.what} records per query`, need: out.length + 1, have: maxRecords });
            out.push(e);
          }
        }
        return true;
      }
      for (let i = 0; i < es.length; i++) {
        if (cmp(es[i]!.key) > 0) return false;
        if (i + 1 < es.length && cmp(es[i + 1]!.key) < 0) continue;
        const childOid = childPointer(es[i]!.val, this.what);
        const child = await this.src.node(await this.resolve(childOid), `${this.what} node`, fixed);
        if (child.level !== n.level - 1) throw new ParseError('out-of-bounds', { what: `${this.what}: child level ${child.level} under level ${n.level}`, offset: child.paddr });
        if (!(await walk(child))) return false;
      }
      return true;
    };
    await walk(root);
    return out;
  }
}

/** An index entry's value: the child oid (followed by a 32-byte hash in hashed trees). */
function childPointer(val: Uint8Array, what: string): bigint {
  return u64At(val, 0, `${what} child pointer`);
}

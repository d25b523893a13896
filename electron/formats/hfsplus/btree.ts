/**
 * HFS+ B-trees (catalog, extents overflow, attributes): header node, node descriptors and record
 * offsets, descent through index nodes and leaf scans along fLink. Callers compare keys with a
 * function so this module knows no key format. Every node is checked (kind, height, record
 * offsets); descents are bounded by the tree depth and leaf scans by a visited set and the node
 * count. See SPEC.md §B-trees.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';

export const NODE_KIND = { leaf: -1, index: 0, header: 1, map: 2 } as const;
const DESCRIPTOR = 14;
const MAX_DEPTH = 16;
const NODE_CACHE = 512;
export const BT_BIG_KEYS = 2;
export const BT_VARIABLE_INDEX_KEYS = 4;

export interface BTreeHeader {
  readonly depth: number;
  readonly rootNode: number;
  readonly leafRecords: number;
  readonly firstLeafNode: number;
  readonly lastLeafNode: number;
  readonly nodeSize: number;
  readonly maxKeyLength: number;
  readonly totalNodes: number;
  readonly freeNodes: number;
  readonly btreeType: number;
  /** HFSX catalog: 0xCF case folding, 0xBC binary compare. */
  readonly keyCompareType: number;
  readonly attributes: number;
}

export interface BTreeNode {
  readonly index: number;
  readonly fLink: number;
  readonly bLink: number;
  readonly kind: number;
  readonly height: number;
  /** Each record as a cursor with absolute offsets in the tree file. */
  readonly records: ByteCursor[];
}

/** A record split into its key (keyLength field included) and what follows it. */
export interface Keyed {
  readonly key: ByteCursor;
  readonly value: ByteCursor;
}

export type KeyCompare = (key: ByteCursor) => number;

export class BTree {
  private readonly cache = new Map<number, Promise<BTreeNode>>();

  private constructor(private readonly file: Reader, readonly header: BTreeHeader, readonly what: string) {}

  static async open(file: Reader, what: string): Promise<BTree> {
    const head = new ByteCursor(await file.read(0, 512), 0);
    if (head.length < DESCRIPTOR + 106) throw new ParseError('truncated', { what: `${what} header node`, offset: 0, need: DESCRIPTOR + 106, have: head.length });
    if (((head.u8(8, 'node kind') << 24) >> 24) !== NODE_KIND.header) throw new ParseError('bad-signature', { what: `${what} header node kind`, offset: 8 });
    const h = DESCRIPTOR;
    const header: BTreeHeader = {
      depth: head.u16be(h, 'tree depth'),
      rootNode: head.u32be(h + 2, 'root node'),
      leafRecords: head.u32be(h + 6, 'leaf records'),
      firstLeafNode: head.u32be(h + 10, 'first leaf node'),
      lastLeafNode: head.u32be(h + 14, 'last leaf node'),
      nodeSize: head.u16be(h + 18, 'node size'),
      maxKeyLength: head.u16be(h + 20, 'max key length'),
      totalNodes: head.u32be(h + 22, 'total nodes'),
      freeNodes: head.u32be(h + 26, 'free nodes'),
      btreeType: head.u8(h + 36, 'btree type'),
      keyCompareType: head.u8(h + 37, 'key compare type'),
      attributes: head.u32be(h + 38, 'btree attributes'),
    };
    const ns = header.nodeSize;
    if (ns < 512 || ns > 32768 || (ns & (ns - 1)) !== 0) throw new ParseError('out-of-bounds', { what: `${what} node size`, offset: h + 18 }, `${what} node size ${ns} is not a power of two in [512, 32768]`);
    if (header.depth > MAX_DEPTH) throw new ParseError('limit-exceeded', { what: `${what} depth`, offset: h, need: header.depth, have: MAX_DEPTH });
    const fits = Math.floor(file.size / ns);
    if (header.totalNodes > fits) throw new ParseError('out-of-bounds', { what: `${what} total nodes`, offset: h + 22 }, `${what} claims ${header.totalNodes} nodes but its fork holds ${fits}`);
    return new BTree(file, header, what);
  }

  node(index: number): Promise<BTreeNode> {
    const hit = this.cache.get(index);
    if (hit) return hit;
    const p = this.readNode(index);
    if (this.cache.size >= NODE_CACHE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(index, p);
    p.catch(() => this.cache.delete(index));
    return p;
  }

  private async readNode(index: number): Promise<BTreeNode> {
    const ns = this.header.nodeSize;
    if (!Number.isInteger(index) || index <= 0 || index >= this.header.totalNodes) {
      throw new ParseError('out-of-bounds', { what: `${this.what} node number` }, `${this.what} node ${index} is outside the tree (${this.header.totalNodes} nodes)`);
    }
    const base = index * ns;
    const bytes = await this.file.read(base, ns);
    const c = new ByteCursor(bytes, base);
    c.need(0, ns, `${this.what} node ${index}`);
    const kind = (c.u8(8, 'node kind') << 24) >> 24;
    const height = c.u8(9, 'node height');
    const n = c.u16be(10, 'node record count');
    if (kind !== NODE_KIND.leaf && kind !== NODE_KIND.index) throw new ParseError('bad-signature', { what: `${this.what} node ${index} kind ${kind}`, offset: base + 8 });
    if (n === 0 || DESCRIPTOR + 2 * (n + 1) > ns) throw new ParseError('out-of-bounds', { what: `${this.what} node ${index} record count`, offset: base + 10 });
    const limit = ns - 2 * (n + 1);
    const offs: number[] = [];
    for (let i = 0; i <= n; i++) offs.push(c.u16be(ns - 2 * (i + 1), 'record offset'));
    const records: ByteCursor[] = [];
    for (let i = 0; i < n; i++) {
      const a = offs[i]!;
      const b = offs[i + 1]!;
      if (a < DESCRIPTOR || b < a || b > limit) throw new ParseError('out-of-bounds', { what: `${this.what} node ${index} record ${i} offset`, offset: base + ns - 2 * (i + 1) });
      records.push(c.slice(a, b - a, `${this.what} record`));
    }
    return { index, fLink: c.u32be(0, 'fLink'), bLink: c.u32be(4, 'bLink'), kind, height, records };
  }

  /** Split a record into key and value; index records use maxKeyLength unless keys are variable. */
  split(rec: ByteCursor, inIndex: boolean): Keyed {
    const keyLen = rec.u16be(0, `${this.what} key length`);
    const fixed = inIndex && (this.header.attributes & BT_VARIABLE_INDEX_KEYS) === 0;
    const len = 2 + (fixed ? this.header.maxKeyLength : keyLen);
    const at = len + (len & 1); // records are 2-byte aligned after the key
    return { key: rec.slice(0, Math.min(2 + keyLen, len), `${this.what} key`), value: rec.slice(Math.min(at, rec.length), rec.length - Math.min(at, rec.length), `${this.what} record value`) };
  }

  /**
   * The leaf node and record index of the first record whose key is >= the target described by
   * `cmp` (cmp(key) < 0 when key < target). Null for an empty tree.
   */
  async seek(cmp: KeyCompare): Promise<{ node: BTreeNode; at: number } | null> {
    let index = this.header.rootNode;
    if (index === 0) return null;
    const seen = new Set<number>();
    for (let level = 0; level <= MAX_DEPTH; level++) {
      if (seen.has(index)) throw new ParseError('loop', { what: `${this.what} index descent`, offset: index * this.header.nodeSize });
      seen.add(index);
      const node = await this.node(index);
      if (node.kind === NODE_KIND.leaf) {
        let at = 0;
        while (at < node.records.length && cmp(this.split(node.records[at]!, false).key) < 0) at++;
        return { node, at };
      }
      // The last index record whose key <= target leads to the leaf that holds it.
      let pick = 0;
      for (let i = 0; i < node.records.length; i++) {
        if (cmp(this.split(node.records[i]!, true).key) <= 0) pick = i;
        else break;
      }
      const { value } = this.split(node.records[pick]!, true);
      index = value.u32be(0, `${this.what} child pointer`);
    }
    throw new ParseError('limit-exceeded', { what: `${this.what} depth`, need: MAX_DEPTH + 1, have: MAX_DEPTH });
  }

  /**
   * Leaf records from the first one >= target, in key order along fLink, while `keep(key)` holds.
   * Bounded by a visited set and the tree's node count.
   */
  async *scan(cmp: KeyCompare, keep: (key: ByteCursor) => boolean): AsyncGenerator<Keyed> {
    const start = await this.seek(cmp);
    if (!start) return;
    let node = start.node;
    let at = start.at;
    const seen = new Set<number>([node.index]);
    for (;;) {
      for (; at < node.records.length; at++) {
        const kv = this.split(node.records[at]!, false);
        if (!keep(kv.key)) return;
        yield kv;
      }
      if (node.fLink === 0) return;
      if (seen.has(node.fLink)) throw new ParseError('loop', { what: `${this.what} leaf chain`, offset: node.index * this.header.nodeSize });
      if (seen.size > this.header.totalNodes) throw new ParseError('limit-exceeded', { what: `${this.what} leaf scan`, need: seen.size, have: this.header.totalNodes });
      seen.add(node.fLink);
      node = await this.node(node.fLink);
      if (node.kind !== NODE_KIND.leaf) throw new ParseError('bad-signature', { what: `${this.what} leaf chain reaches a non-leaf node`, offset: node.index * this.header.nodeSize });
      at = 0;
    }
  }
}

/**
 * Directory indexes ($I30): the B+ tree of $FILE_NAME keys in $INDEX_ROOT (resident) and INDX
 * blocks in $INDEX_ALLOCATION. Listing walks every node reachable from the root (a visited set of
 * block VCNs stops cycles); a torn or damaged block is an issue and the walk goes on.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';
import { parseFileNameAt } from './attrs.js';
import { applyFixups } from './fixup.js';
import type { FileName, MftRef } from './types.js';

/** Index entries gathered from one directory (a huge System32 has ~40k with DOS names). */
export const MAX_INDEX_ENTRIES = 1_000_000;
/** Depth of the B+ tree walked (real trees are 2–4 deep). */
export const MAX_INDEX_DEPTH = 32;

export interface IndexEntry {
  readonly ref: MftRef;
  readonly key: FileName;
}

export interface IndexRootInfo {
  readonly indexedType: number;
  readonly blockSize: number;
}

const ENTRY_HAS_SUBNODE = 0x01;
const ENTRY_LAST = 0x02;

/**
 * Where the live keys of the nodes read go: readIndex keeps IndexEntry objects, listIndexNames
 * (dir-names.ts) keeps names in a lighter form. `key` may throw a ParseError (the node is then
 * dropped: the walk truncates the sink back to what it held before the node).
 */
export interface KeySink {
  /** The index entry at `pos` of node bytes `b` (`base` = absolute offset of b[0]); its key is `keyLen` bytes at pos + 16. */
  key(b: Uint8Array, pos: number, keyLen: number, base: number): void;
  readonly count: number;
  truncate(count: number): void;
}

interface Node {
  children: number[];
  /** Where the live entries end: the end marker's position (index length when no marker was met). */
  liveEnd: number;
}

/** A node as the walk read it (fixups applied), for the slack scanner (index-slack.ts). */
export interface IndexNodeSeen {
  /** Block VCN; null for $INDEX_ROOT. */
  readonly vcn: number | null;
  /** The node from its header on. */
  readonly node: ByteCursor;
  readonly liveEnd: number;
}

/** Parses an index node header and its entries into `sink`; `c` covers the node header onwards. */
function parseNode(c: ByteCursor, what: string, issues: string[], sink: KeySink): Node {
  const entriesOff = c.u32(0, `${what} entries offset`);
  const indexLen = c.u32(4, `${what} index length`);
  const end = Math.min(indexLen, c.length);
  if (indexLen > c.length) issues.push(`${what}: index length ${indexLen} exceeds the node (${c.length} bytes); read up to the node end`);
  const out: Node = { children: [], liveEnd: end };
  const b = c.bytes;
  let pos = entriesOff;
  while (pos + 16 <= end) {
    // pos + 16 <= end <= the node's length: these three fields are present.
    const len = b[pos + 8]! | (b[pos + 9]! << 8);
    const keyLen = b[pos + 10]! | (b[pos + 11]! << 8);
    const flags = b[pos + 12]! | (b[pos + 13]! << 8);
    if (len < 16 || len % 8 !== 0 || pos + len > end) throw new ParseError('out-of-bounds', { what: `${what} entry length`, offset: c.base + pos + 8, need: len, have: end - pos });
    if (flags & ENTRY_HAS_SUBNODE) {
      if (len < 24) throw new ParseError('out-of-bounds', { what: `${what} entry with subnode`, offset: c.base + pos, need: 24, have: len });
      out.children.push(c.u64(pos + len - 8, 'index entry subnode VCN'));
    }
    if (flags & ENTRY_LAST) {
      out.liveEnd = pos;
      break;
    }
    if (keyLen >= 0x42 && 16 + keyLen <= len) sink.key(b, pos, keyLen, c.base);
    pos += len;
  }
  return out;
}

/** The MFT reference an index entry at `pos` of `b` starts with (8 bytes, present: the caller checked). */
export function entryRef(b: Uint8Array, pos: number): MftRef {
  const lo = (b[pos]! | (b[pos + 1]! << 8) | (b[pos + 2]! << 16)) + b[pos + 3]! * 0x1000000;
  return { entry: (b[pos + 4]! | (b[pos + 5]! << 8)) * 0x100000000 + lo, sequence: b[pos + 6]! | (b[pos + 7]! << 8) };
}

/** readIndex's sink: one IndexEntry (reference and decoded $FILE_NAME key) per live key. */
class EntryList implements KeySink {
  readonly items: IndexEntry[] = [];
  key(b: Uint8Array, pos: number, keyLen: number, base: number): void {
    const ref = entryRef(b, pos);
    this.items.push({ ref, key: parseFileNameAt(b, pos + 16, keyLen, base + pos + 16) });
  }
  get count(): number {
    return this.items.length;
  }
  truncate(count: number): void {
    this.items.length = count;
  }
}

export function parseIndexRoot(value: Uint8Array, base: number): IndexRootInfo & { node: ByteCursor } {
  const c = new ByteCursor(value, base);
  return { indexedType: c.u32(0, 'index root indexed type'), blockSize: c.u32(8, 'index block size'), node: c.slice(0x10, value.length - 0x10, 'index root node') };
}

/**
 * All entries of an index. `alloc` is the $INDEX_ALLOCATION stream (null when the root is all).
 * Block VCNs count clusters when blocks are at least a cluster, else 512-byte units.
 * `onNode` sees every node whose entries were read (the slack scanner looks past their ends).
 */
export async function readIndex(root: Uint8Array, rootOffset: number, alloc: Reader | null, clusterSize: number, issues: string[], allocOffset: (pos: number) => number | null = () => null, onNode?: (n: IndexNodeSeen) => void): Promise<IndexEntry[]> {
  const list = new EntryList();
  await walkIndex(root, rootOffset, alloc, clusterSize, issues, list, allocOffset, onNode);
  return list.items;
}

/**
 * The walk behind readIndex: the root's keys, then each level of INDX blocks in the order the
 * level above names them, into `sink`. A damaged block is an issue (its keys are dropped); a
 * damaged root throws.
 */
export async function walkIndex(root: Uint8Array, rootOffset: number, alloc: Reader | null, clusterSize: number, issues: string[], sink: KeySink, allocOffset: (pos: number) => number | null = () => null, onNode?: (n: IndexNodeSeen) => void): Promise<void> {
  const info = parseIndexRoot(root, rootOffset);
  const rootNode = parseNode(info.node, '$INDEX_ROOT', issues, sink);
  onNode?.({ vcn: null, node: info.node, liveEnd: rootNode.liveEnd });
  const bs = info.blockSize;
  const vcnUnit = bs >= clusterSize ? clusterSize : 512;
  const seen = new Set<number>();
  let frontier = rootNode.children;
  for (let depth = 0; frontier.length > 0; depth++) {
    if (depth >= MAX_INDEX_DEPTH) { issues.push(`index deeper than ${MAX_INDEX_DEPTH} levels; the rest is skipped`); break; }
    if (!alloc) { issues.push('index root points at blocks but there is no $INDEX_ALLOCATION'); break; }
    if (bs < 256 || bs > 65536 || (bs & (bs - 1)) !== 0) { issues.push(`index block size ${bs} is not a power of two in [256, 65536]`); break; }
    const next: number[] = [];
    for (const vcn of frontier) {
      if (seen.has(vcn)) { issues.push(`index block VCN ${vcn} is referenced twice (cycle); skipped`); continue; }
      seen.add(vcn);
      const pos = vcn * vcnUnit;
      const held = sink.count;
      try {
        if (pos + bs > alloc.size) throw new ParseError('out-of-bounds', { what: `index block VCN ${vcn}`, offset: pos, need: bs, have: Math.max(0, alloc.size - pos) });
        const raw = await alloc.read(pos, bs);
        const abs = allocOffset(pos) ?? pos;
        if (raw.length < 4 || raw[0] !== 0x49 || raw[1] !== 0x4e || raw[2] !== 0x44 || raw[3] !== 0x58) throw new ParseError('bad-signature', { what: `index block VCN ${vcn} signature "INDX"`, offset: abs });
        const blk = new ByteCursor(applyFixups(raw, abs, `index block VCN ${vcn}`), abs);
        const nodeCursor = blk.slice(0x18, bs - 0x18, 'index block node');
        const node = parseNode(nodeCursor, `index block VCN ${vcn}`, issues, sink);
        onNode?.({ vcn, node: nodeCursor, liveEnd: node.liveEnd });
        for (const child of node.children) next.push(child);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        sink.truncate(held);
        issues.push(`index block VCN ${vcn}: ${e.message}`);
      }
      if (sink.count > MAX_INDEX_ENTRIES) throw new ParseError('limit-exceeded', { what: 'index entries', need: sink.count, have: MAX_INDEX_ENTRIES });
    }
    frontier = next;
  }
}

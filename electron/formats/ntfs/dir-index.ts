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
import { refAt } from './record.js';
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

interface Node {
  entries: IndexEntry[];
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

/** Parses an index node header and its entries; `c` covers the node header onwards. */
function parseNode(c: ByteCursor, what: string, issues: string[]): Node {
  const entriesOff = c.u32(0, `${what} entries offset`);
  const indexLen = c.u32(4, `${what} index length`);
  const end = Math.min(indexLen, c.length);
  if (indexLen > c.length) issues.push(`${what}: index length ${indexLen} exceeds the node (${c.length} bytes); read up to the node end`);
  const out: Node = { entries: [], children: [], liveEnd: end };
  let pos = entriesOff;
  while (pos + 16 <= end) {
    const len = c.u16(pos + 8, 'index entry length');
    const keyLen = c.u16(pos + 10, 'index entry key length');
    const flags = c.u16(pos + 12, 'index entry flags');
    if (len < 16 || len % 8 !== 0 || pos + len > end) throw new ParseError('out-of-bounds', { what: `${what} entry length`, offset: c.base + pos + 8, need: len, have: end - pos });
    if (flags & ENTRY_HAS_SUBNODE) {
      if (len < 24) throw new ParseError('out-of-bounds', { what: `${what} entry with subnode`, offset: c.base + pos, need: 24, have: len });
      out.children.push(c.u64(pos + len - 8, 'index entry subnode VCN'));
    }
    if (flags & ENTRY_LAST) {
      out.liveEnd = pos;
      break;
    }
    if (keyLen >= 0x42 && 16 + keyLen <= len) {
      c.need(pos + 16, keyLen, 'index entry key');
      out.entries.push({ ref: refAt(c, pos, 'index entry file reference'), key: parseFileNameAt(c.bytes, pos + 16, keyLen, c.base + pos + 16) });
    }
    pos += len;
  }
  return out;
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
  const info = parseIndexRoot(root, rootOffset);
  const rootNode = parseNode(info.node, '$INDEX_ROOT', issues);
  onNode?.({ vcn: null, node: info.node, liveEnd: rootNode.liveEnd });
  const entries = [...rootNode.entries];
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
      try {
        if (pos + bs > alloc.size) throw new ParseError('out-of-bounds', { what: `index block VCN ${vcn}`, offset: pos, need: bs, have: Math.max(0, alloc.size - pos) });
        const raw = await alloc.read(pos, bs);
        const abs = allocOffset(pos) ?? pos;
        if (String.fromCharCode(...raw.subarray(0, 4)) !== 'INDX') throw new ParseError('bad-signature', { what: `index block VCN ${vcn} signature "INDX"`, offset: abs });
        const blk = new ByteCursor(applyFixups(raw, abs, `index block VCN ${vcn}`), abs);
        const nodeCursor = blk.slice(0x18, bs - 0x18, 'index block node');
        const node = parseNode(nodeCursor, `index block VCN ${vcn}`, issues);
        onNode?.({ vcn, node: nodeCursor, liveEnd: node.liveEnd });
        entries.push(...node.entries);
        next.push(...node.children);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        issues.push(`index block VCN ${vcn}: ${e.message}`);
      }
      if (entries.length > MAX_INDEX_ENTRIES) throw new ParseError('limit-exceeded', { what: 'index entries', need: entries.length, have: MAX_INDEX_ENTRIES });
    }
    frontier = next;
  }
  return entries;
}

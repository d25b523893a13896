/**
 * One directory's index read with its slack: the live entries (readIndex, unchanged), then the
 * space past the live end of $INDEX_ROOT and of every INDX block the tree reaches, then every
 * other INDX block of $INDEX_ALLOCATION (blocks the tree no longer uses hold only old entries).
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';
import { readIndex, type IndexEntry, type IndexNodeSeen } from './dir-index.js';
import { applyFixups } from './fixup.js';
import { scanNodeSlack, type SlackName } from './index-slack.js';

/** INDX blocks read for slack in one directory (TSK reads at most 128 MiB of $INDEX_ALLOCATION). */
export const MAX_SLACK_BLOCKS = 32768;
/** Slack names kept for one directory. */
export const MAX_SLACK_NAMES = 100_000;

export interface IndexWithSlack {
  readonly entries: IndexEntry[];
  /** In the order found: $INDEX_ROOT, blocks the tree reaches (walk order), then other blocks by position. */
  readonly slack: SlackName[];
}

/** The node header's allocated size (offset 8), clamped to the bytes present. */
function allocatedEnd(node: ByteCursor): number {
  if (node.length < 16) return node.length;
  return Math.min(node.u32(8, 'index node allocated size'), node.length);
}

/**
 * readIndex plus the slack of every node. `dirEntry` is the directory's MFT entry number (keys
 * must name it as parent); `recordCount` bounds the references accepted.
 */
export async function readIndexWithSlack(
  root: Uint8Array, rootOffset: number, alloc: Reader | null, clusterSize: number, dirEntry: number, recordCount: number,
  issues: string[], allocOffset: (pos: number) => number | null = () => null,
): Promise<IndexWithSlack> {
  const seen: IndexNodeSeen[] = [];
  const before = issues.length;
  const entries = await readIndex(root, rootOffset, alloc, clusterSize, issues, allocOffset, (n) => seen.push(n));
  const treeDamaged = issues.length > before;
  const slack: SlackName[] = [];
  for (const n of seen) scanNodeSlack(n.node.bytes, n.node.base, n.liveEnd, allocatedEnd(n.node), dirEntry, recordCount, slack);
  if (!alloc) return { entries, slack };
  const bs = new ByteCursor(root, rootOffset).u32(8, 'index block size');
  if (bs < 256 || bs > 65536 || (bs & (bs - 1)) !== 0) return { entries, slack };
  const vcnUnit = bs >= clusterSize ? clusterSize : 512;
  const visited = new Set(seen.filter((n) => n.vcn !== null).map((n) => n.vcn! * vcnUnit));
  const blocks = Math.min(Math.floor(alloc.size / bs), MAX_SLACK_BLOCKS);
  if (Math.floor(alloc.size / bs) > MAX_SLACK_BLOCKS) issues.push(`index slack: only the first ${MAX_SLACK_BLOCKS} blocks were scanned`);
  for (let i = 0; i < blocks && slack.length < MAX_SLACK_NAMES; i++) {
    const pos = i * bs;
    if (visited.has(pos)) continue;
    let blk: ByteCursor;
    try {
      const raw = await alloc.read(pos, bs);
      if (raw.length < bs || raw[0] !== 0x49 || raw[1] !== 0x4e || raw[2] !== 0x44 || raw[3] !== 0x58) continue; // not "INDX": never used
      const abs = allocOffset(pos) ?? pos;
      blk = new ByteCursor(applyFixups(raw, abs, `index block at ${pos}`), abs);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      continue; // a torn or garbled free block: nothing to recover from it
    }
    const node = blk.slice(0x18, bs - 0x18, 'index block node');
    // A block the tree does not reach is free and all of it is old entries, unless the walk
    // met damage (then it may be a live block cut off from the tree: only its slack is taken).
    const start = treeDamaged ? node.u32(4, 'index length') : node.u32(0, 'entries offset');
    scanNodeSlack(node.bytes, node.base, start, allocatedEnd(node), dirEntry, recordCount, slack);
  }
  if (slack.length > MAX_SLACK_NAMES) slack.length = MAX_SLACK_NAMES;
  return { entries, slack };
}

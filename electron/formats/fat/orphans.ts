/**
 * Orphan entries (SPEC.md § Orphan entries): deleted directory entries left in free clusters that
 * no directory reachable from the root leads to any more — the entries of a deleted directory
 * whose own entry was overwritten. The Sleuth Kit lists them under the virtual `$OrphanFiles`;
 * this scan finds the same set the same way:
 *
 * 1. every slot address the directory tree reaches (deleted entries and deleted directories'
 *    contents included) is "named" and never an orphan (`namedInodes`);
 * 2. every free cluster (and the sectors past the last whole cluster) is read, a sector at a
 *    time judged by its first slot, and each slot that passes the strict test (probe.ts) and is
 *    not named becomes an orphan, named by its 8.3 bytes;
 * 3. an orphan directory's subtree is walked, and what it holds is listed inside it rather than
 *    again at the top (TSK's pruning, including its habit of not re-testing the entry it moves).
 *
 * Bounded: at most `maxScanBytes` of free clusters are read (in reads of at most 64 KiB), at most
 * `maxEntries` orphans and subtree slots are kept, the tree walk stops at `maxNamed` addresses;
 * reaching a cap ends the scan with `complete: false` and an issue.
 */
import { ParseError } from '../../common/issues.js';
import { pushIssue } from '../../io/block-cache.js';
import { shortEntry, ATTR, type FatDirEntry } from './dir.js';
import { plausibleSlot } from './probe.js';
import { ROOT_INODE, type FatVolume } from './volume.js';

export interface OrphanLimits {
  readonly maxScanBytes: number;
  readonly maxEntries: number;
  readonly maxNamed: number;
}

export const ORPHAN_LIMITS: OrphanLimits = { maxScanBytes: 1024 * 1024 * 1024, maxEntries: 100_000, maxNamed: 2_000_000 };

/** Directories deeper than this are not entered by the walks here (the listing refuses them too). */
const MAX_DEPTH = 256;
const READ_BYTES = 64 * 1024;

export interface OrphanScan {
  /** The top-level orphans, in TSK's order. */
  readonly orphans: FatDirEntry[];
  readonly complete: boolean;
  readonly bytesScanned: number;
}

/**
 * Slot addresses of every entry the tree reaches, deleted ones and the contents of deleted
 * directories included (a directory already on its own path is listed, not entered). null when
 * there are more than `maxNamed` (then orphans cannot be told apart and none are listed).
 */
export async function namedInodes(vol: FatVolume, maxNamed = ORPHAN_LIMITS.maxNamed): Promise<Set<number> | null> {
  const named = new Set<number>();
  const ancestors = new Set<number>([ROOT_INODE]);
  const visit = async (kids: FatDirEntry[], where: string, depth: number): Promise<boolean> => {
    for (const k of kids) {
      named.add(k.inode);
      if (named.size > maxNamed) return false;
      if (!k.isDir || ancestors.has(k.inode) || depth >= MAX_DEPTH) continue;
      ancestors.add(k.inode);
      const path = `${where}/${k.name}`;
      const ok = await visit(await readOrEmpty(vol, k, path), path, depth + 1);
      ancestors.delete(k.inode);
      if (!ok) return false;
    }
    return true;
  };
  return (await visit(await readOrEmpty(vol, null, '/'), '', 0)) ? named : null;
}

async function readOrEmpty(vol: FatVolume, dir: FatDirEntry | null, where: string): Promise<FatDirEntry[]> {
  try {
    return dir ? await vol.children(dir, where) : await vol.rootEntries();
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    pushIssue(vol.issues, { message: `directory ${where} unreadable: ${e.message}`, offset: e.offset ?? null, file: where });
    return [];
  }
}

/** Finds the orphans of a volume given the named addresses (see the module comment). */
export async function scanOrphans(vol: FatVolume, named: ReadonlySet<number>, limits: OrphanLimits = ORPHAN_LIMITS): Promise<OrphanScan> {
  const b = vol.boot;
  const orphans: FatDirEntry[] = [];
  const inSubtree = new Set<number>();
  let bytesScanned = 0;
  let complete = true;
  const stop = (why: string): void => {
    complete = false;
    pushIssue(vol.issues, { message: `orphan scan stopped: ${why}; $OrphanFiles is incomplete`, offset: null, file: '/$OrphanFiles' });
  };
  const full = (): boolean => orphans.length + inSubtree.size >= limits.maxEntries;

  /** TSK's walk of an orphan directory: every slot it reaches is marked; a repeat ends the walk. */
  const markSubtree = async (dir: FatDirEntry, where: string, stack: number[]): Promise<boolean> => {
    for (const k of await readOrEmpty(vol, dir, where)) {
      if (inSubtree.has(k.inode) || full()) return false;
      inSubtree.add(k.inode);
      if (k.isDir && !stack.includes(k.inode) && stack.length < MAX_DEPTH) {
        stack.push(k.inode);
        const more = await markSubtree(k, `${where}/${k.name}`, stack);
        stack.pop();
        if (!more) return false;
      }
    }
    return true;
  };

  const consider = async (slot: Uint8Array, inode: number): Promise<void> => {
    const attr = slot[11]!;
    if ((attr & ATTR.LFN) === ATTR.LFN || (attr & ATTR.DIRECTORY && slot[0] === 0x2e)) return;
    if (named.has(inode) || inSubtree.has(inode)) return;
    const e = shortEntry(slot, inode, true, false);
    orphans.push(e);
    if (e.isDir) await markSubtree(e, `/$OrphanFiles/${e.name}`, []);
  };

  const scan = async (bytes: Uint8Array, physical: number): Promise<void> => {
    const bps = b.bytesPerSector;
    for (let sec = 0; sec + bps <= bytes.length && !full(); sec += bps) {
      // A sector whose first slot is not an entry holds no entries (TSK's test, and a fast skip).
      if (!plausibleSlot(bytes.subarray(sec, sec + 32), b)) continue;
      for (let o = sec; o < sec + bps && !full(); o += 32) {
        const slot = bytes.subarray(o, o + 32);
        if (plausibleSlot(slot, b)) await consider(slot, vol.slotInode(physical + o));
      }
    }
  };

  const perRead = Math.max(1, Math.floor(READ_BYTES / vol.clusterSize));
  for (let c = 2; c < b.clusterLimit && complete; ) {
    if (await vol.table.allocated(c)) {
      c++;
      continue;
    }
    let n = 1;
    while (n < perRead && c + n < b.clusterLimit && !(await vol.table.allocated(c + n))) n++;
    if (bytesScanned + n * vol.clusterSize > limits.maxScanBytes) {
      stop(`read ${bytesScanned} bytes of free clusters (cap ${limits.maxScanBytes}) before cluster ${c}`);
      break;
    }
    bytesScanned += n * vol.clusterSize;
    await scan(await vol.readClusters(c, n), vol.table.clusterOffset(c));
    if (full()) stop(`${limits.maxEntries} entries found (cap)`);
    c += n;
  }
  // Sectors after the last whole cluster belong to no cluster: free space, scanned as such.
  const tailStart = vol.table.clusterOffset(b.clusterLimit);
  const tailEnd = b.totalSectors * b.bytesPerSector;
  if (complete && tailEnd > tailStart) {
    const bytes = await vol.reader.read(tailStart, Math.min(tailEnd - tailStart, vol.clusterSize));
    bytesScanned += bytes.length;
    await scan(bytes, tailStart);
  }
  // TSK prunes top-level orphans that an orphan directory holds by moving the last one into the
  // gap without testing it again; keep that order and that outcome.
  for (let i = 0; i < orphans.length; i++) {
    if (inSubtree.has(orphans[i]!.inode)) {
      orphans[i] = orphans[orphans.length - 1]!;
      orphans.pop();
    }
  }
  return { orphans, complete, bytesScanned };
}

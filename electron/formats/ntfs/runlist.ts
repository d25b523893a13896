/**
 * Runlists (mapping pairs): a packed list of (length, LCN delta) pairs describing where the VCNs
 * of a non-resident attribute live. A missing LCN field is a sparse run.
 */
import { ParseError } from '../../common/issues.js';
import type { Run } from './types.js';

function readInt(b: Uint8Array, off: number, size: number, signed: boolean, what: string, base: number): number {
  if (size <= 6) {
    // Up to 48 bits fit a double exactly: no BigInt on the common path.
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + b[off + i]!;
    if (signed && (b[off + size - 1]! & 0x80) !== 0) v -= 2 ** (size * 8);
    return v;
  }
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]!);
  if (signed && size > 0 && (b[off + size - 1]! & 0x80) !== 0) v -= 1n << BigInt(size * 8);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) throw new ParseError('out-of-bounds', { what, offset: base + off });
  return Number(v);
}

/**
 * Decodes the runlist in `b` (starting at 0, `base` = its absolute offset for errors). Every run
 * must lie inside the volume's `totalClusters`; the runs must cover exactly [startVcn, lastVcn].
 */
export function decodeRunlist(b: Uint8Array, base: number, startVcn: number, lastVcn: number, totalClusters: number): Run[] {
  const runs: Run[] = [];
  let pos = 0;
  let vcn = startVcn;
  let lcn = 0;
  while (pos < b.length) {
    const header = b[pos]!;
    if (header === 0) break;
    const lenSize = header & 0x0f;
    const offSize = header >> 4;
    if (lenSize === 0 || lenSize > 8 || offSize > 8) throw new ParseError('decode', { what: 'runlist header byte', offset: base + pos });
    if (pos + 1 + lenSize + offSize > b.length) throw new ParseError('truncated', { what: 'runlist entry', offset: base + pos, need: 1 + lenSize + offSize, have: b.length - pos });
    const length = readInt(b, pos + 1, lenSize, false, 'run length', base);
    if (length <= 0) throw new ParseError('decode', { what: 'run length (must be > 0)', offset: base + pos + 1 });
    if (offSize === 0) {
      runs.push({ vcn, lcn: null, length });
    } else {
      lcn += readInt(b, pos + 1 + lenSize, offSize, true, 'run LCN delta', base);
      if (lcn < 0 || lcn + length > totalClusters) {
        throw new ParseError('out-of-bounds', { what: 'run clusters', offset: base + pos, need: lcn + length, have: totalClusters }, `run at VCN ${vcn} maps clusters [${lcn}, ${lcn + length}) outside the volume (${totalClusters} clusters)`);
      }
      runs.push({ vcn, lcn, length });
    }
    vcn += length;
    if (vcn > lastVcn + 1) throw new ParseError('out-of-bounds', { what: 'runlist length', offset: base + pos, need: vcn - startVcn, have: lastVcn + 1 - startVcn });
    pos += 1 + lenSize + offSize;
  }
  return runs;
}

/**
 * Whether decodeRunlist(b.subarray(pos, end), …, startVcn, lastVcn, totalClusters) would return
 * rather than throw, without building the runs (MftTable checks every record's runlists this way).
 * Fields wider than 6 bytes (never written by NTFS) go through decodeRunlist itself.
 */
export function runlistValid(b: Uint8Array, pos: number, end: number, startVcn: number, lastVcn: number, totalClusters: number): boolean {
  const from = pos;
  let vcn = startVcn;
  let lcn = 0;
  while (pos < end) {
    const header = b[pos]!;
    if (header === 0) break;
    const lenSize = header & 0x0f;
    const offSize = header >> 4;
    if (lenSize === 0 || lenSize > 8 || offSize > 8) return false;
    if (pos + 1 + lenSize + offSize > end) return false;
    if (lenSize > 6 || offSize > 6) {
      try {
        decodeRunlist(b.subarray(from, end), 0, startVcn, lastVcn, totalClusters);
        return true;
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        return false;
      }
    }
    let length = 0;
    for (let i = pos + lenSize; i > pos; i--) length = length * 256 + b[i]!;
    if (length <= 0) return false;
    if (offSize !== 0) {
      const top = pos + lenSize + offSize;
      let delta = 0;
      for (let i = top; i > pos + lenSize; i--) delta = delta * 256 + b[i]!;
      if ((b[top]! & 0x80) !== 0) delta -= 2 ** (offSize * 8);
      lcn += delta;
      if (lcn < 0 || lcn + length > totalClusters) return false;
    }
    vcn += length;
    if (vcn > lastVcn + 1) return false;
    pos += 1 + lenSize + offSize;
  }
  return true;
}

/**
 * Checks that the allocated runs of one attribute never map the same cluster twice (a crafted
 * runlist that overlaps itself would make a reader revisit data forever in a chained structure).
 * Returns a description of the first overlap, or null.
 */
export function findOverlap(runs: readonly Run[]): string | null {
  // Most runlists climb the disk: each allocated run starts at or after the previous one's end,
  // so none can overlap (checked without sorting; a directory listing asks this for every index).
  let end = -1;
  let climbing = true;
  for (let i = 0; i < runs.length && climbing; i++) {
    const r = runs[i]!;
    if (r.lcn === null) continue;
    climbing = r.lcn >= end;
    end = r.lcn + r.length;
  }
  if (climbing) return null;
  const alloc = runs.filter((r) => r.lcn !== null).map((r) => [r.lcn!, r.lcn! + r.length, r.vcn] as const).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < alloc.length; i++) {
    if (alloc[i]![0] < alloc[i - 1]![1]) return `runs at VCN ${alloc[i - 1]![2]} and VCN ${alloc[i]![2]} both map cluster ${alloc[i]![0]}`;
  }
  return null;
}

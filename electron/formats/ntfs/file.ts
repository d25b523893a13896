/**
 * One file's attributes gathered from its base record and extension records, with the extents of
 * each non-resident attribute merged in VCN order.
 */
import { parseFileName, parseStandardInformation } from './attrs.js';
import type { StreamLayout } from './stream.js';
import type { Attr, FileName, MftRecord, NonResidentAttr, ResidentAttr, StandardInformation } from './types.js';
import { ATTR, ATTR_FLAG_COMPRESSED, ATTR_FLAG_ENCRYPTED, ATTR_FLAG_SPARSE } from './types.js';

export interface NtfsStream {
  readonly type: number;
  readonly name: string;
  readonly size: number;
  readonly flags: number;
  /** Resident value, or null when the stream lives in clusters (`layout`). */
  readonly resident: Uint8Array | null;
  readonly layout: StreamLayout | null;
  readonly compressed: boolean;
  readonly encrypted: boolean;
  readonly sparse: boolean;
}

export interface NtfsFile {
  readonly entry: number;
  readonly sequence: number;
  readonly inUse: boolean;
  readonly isDir: boolean;
  readonly linkCount: number;
  readonly si: StandardInformation | null;
  /** Every $FILE_NAME (one per hard link and namespace). */
  readonly names: FileName[];
  /** $DATA attributes: '' is the unnamed stream, others are alternate data streams. */
  readonly data: NtfsStream[];
  /** $INDEX_ROOT values by index name ($I30 for directories). */
  readonly indexRoots: Map<string, ResidentAttr>;
  /** $INDEX_ALLOCATION streams by index name. */
  readonly indexAllocs: Map<string, NtfsStream>;
  readonly reparse: boolean;
  /** Absolute offset of the base record. */
  readonly offset: number;
  /** Problems met while decoding this file's attributes. */
  readonly issues: string[];
}

export function assembleFile(base: MftRecord, extensions: MftRecord[], clusterSize: number, issues: string[]): NtfsFile {
  const all: Attr[] = [...base.attrs];
  for (const r of extensions) all.push(...r.attrs);
  let si: StandardInformation | null = null;
  const names: FileName[] = [];
  const groups = new Map<string, Attr[]>();
  const indexRoots = new Map<string, ResidentAttr>();
  let reparse = false;
  for (const a of all) {
    try {
      if (a.type === ATTR.STANDARD_INFORMATION && a.resident && !si) si = parseStandardInformation(a.value, a.offset);
      else if (a.type === ATTR.FILE_NAME && a.resident) names.push(parseFileName(a.value, a.offset));
      else if (a.type === ATTR.INDEX_ROOT && a.resident) indexRoots.set(a.name, a);
      else if (a.type === ATTR.REPARSE_POINT) reparse = true;
    } catch (e) {
      issues.push(`MFT entry ${base.entry}: attribute 0x${a.type.toString(16)} at offset ${a.offset}: ${(e as Error).message}`);
    }
    if (a.type === ATTR.DATA || a.type === ATTR.INDEX_ALLOCATION) {
      const key = `${a.type}:${a.name}`;
      const g = groups.get(key);
      if (g) g.push(a);
      else groups.set(key, [a]);
    }
  }
  const data: NtfsStream[] = [];
  const indexAllocs = new Map<string, NtfsStream>();
  for (const g of groups.values()) {
    const s = mergeStream(g, clusterSize, base.entry, issues);
    if (!s) continue;
    if (s.type === ATTR.DATA) data.push(s);
    else indexAllocs.set(s.name, s);
  }
  return { entry: base.entry, sequence: base.sequence, inUse: base.inUse, isDir: base.isDir, linkCount: base.linkCount, si, names, data, indexRoots, indexAllocs, reparse, offset: base.offset, issues };
}

function mergeStream(extents: Attr[], clusterSize: number, entry: number, issues: string[]): NtfsStream | null {
  const first = extents[0]!;
  const flags = first.flags;
  const compressed = (flags & ATTR_FLAG_COMPRESSED) !== 0;
  const stream = (size: number, resident: Uint8Array | null, layout: StreamLayout | null): NtfsStream => ({
    type: first.type, name: first.name, flags, size, resident, layout,
    compressed, encrypted: (flags & ATTR_FLAG_ENCRYPTED) !== 0, sparse: (flags & ATTR_FLAG_SPARSE) !== 0,
  });
  if (first.resident) {
    if (extents.length > 1) issues.push(`MFT entry ${entry}: resident attribute ${first.name || '(unnamed)'} appears ${extents.length} times; the first is used`);
    return stream(first.value.length, first.value, null);
  }
  if (extents.length === 1 && first.startVcn === 0) {
    // The common case: one extent, nothing to merge.
    return stream(first.dataSize, null, { runs: first.runs, dataSize: first.dataSize, initializedSize: Math.min(first.initializedSize, first.dataSize), compressionUnit: compressed ? first.compressionUnit : 0, clusterSize });
  }
  const nr = extents.filter((e): e is NonResidentAttr => !e.resident).sort((a, b) => a.startVcn - b.startVcn);
  const head = nr.find((e) => e.startVcn === 0);
  if (!head) {
    issues.push(`MFT entry ${entry}: non-resident attribute ${first.name || '(unnamed)'} has no extent at VCN 0`);
    return null;
  }
  const runs = [];
  let expect = 0;
  for (const e of nr) {
    if (e.startVcn !== expect) issues.push(`MFT entry ${entry}: attribute ${first.name || '(unnamed)'} extents leave a gap or overlap at VCN ${expect} (next extent starts at ${e.startVcn})`);
    if (e.startVcn < expect) continue;
    runs.push(...e.runs);
    expect = e.lastVcn + 1;
  }
  return stream(head.dataSize, null, {
    runs, dataSize: head.dataSize, initializedSize: Math.min(head.initializedSize, head.dataSize),
    compressionUnit: compressed ? head.compressionUnit : 0, clusterSize,
  });
}

/**
 * Transaction log replay (SPEC.md §8), in memory only: dirty pages from `.LOG1`/`.LOG2` are laid
 * over the cached hive bins; nothing is ever written. New format (Windows 8.1+): `HvLE` entries
 * checked with Marvin32 and applied in unbroken sequence order from the hive's secondary sequence
 * number. Old format: a `DIRT` bitmap of 512-byte sectors followed by those sectors.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';
import { parseBaseBlock, type BaseBlock } from './base-block.js';
import { REGF_LIMITS, SECTOR } from './constants.js';
import { marvin32 } from './marvin32.js';
import type { HiveStore } from './store.js';

export interface ReplayResult {
  /** Index (in the `logs` option) of the first log whose pages were applied. */
  log: number;
  /** Log entries (new format) or 1 per old-format log applied. */
  entries: number;
  format: 'new' | 'old';
  /** Sequence numbers applied (new format). */
  firstSeq: number | null;
  lastSeq: number | null;
  sectors: number;
  hbinsSize: number;
}

interface LogEntry {
  log: number;
  seq: number;
  hbinsSize: number;
  pages: { offset: number; data: Uint8Array }[];
}

type Issue = (e: unknown) => void;

async function logBase(r: Reader, onIssue: Issue): Promise<BaseBlock | null> {
  try {
    return parseBaseBlock(await r.read(0, 512));
  } catch (e) {
    onIssue(e);
    return null;
  }
}

/** Valid entries of one new-format log, up to the first that fails (the rest is stale). */
async function readEntries(r: Reader, index: number, onIssue: Issue): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  let off = 512;
  let prevSeq: number | null = null;
  let budget = REGF_LIMITS.maxLogOverlayBytes;
  while (off + 0x28 <= r.size && out.length < REGF_LIMITS.maxLogEntries) {
    const head = new ByteCursor(await r.read(off, 0x28), off);
    if (head.length < 0x28 || head.ascii(0, 4, 'log entry signature') !== 'HvLE') break;
    const size = head.u32(4, 'log entry size');
    const seq = head.u32(0x0c, 'log entry sequence number');
    if (size < 0x28 || size % SECTOR !== 0 || off + size > r.size || size > budget) {
      onIssue(new ParseError('out-of-bounds', { what: `log ${index} entry size`, offset: off, need: size, have: r.size - off }));
      break;
    }
    if (prevSeq !== null && seq !== prevSeq + 1) break;
    const bytes = await r.read(off, size);
    const c = new ByteCursor(bytes, off);
    if (marvin32(bytes.subarray(0, 0x20)) !== c.u64big(0x20, 'log entry hash-2') || marvin32(bytes.subarray(0x28)) !== c.u64big(0x18, 'log entry hash-1')) {
      onIssue(new ParseError('checksum', { what: `log ${index} entry seq ${seq} hash`, offset: off }));
      break;
    }
    const count = c.u32(0x14, 'dirty page count');
    let dataOff = 0x28 + count * 8;
    if (dataOff > size) {
      onIssue(new ParseError('out-of-bounds', { what: `log ${index} dirty page references`, offset: off, need: count * 8, have: size - 0x28 }));
      break;
    }
    const pages: LogEntry['pages'] = [];
    for (let i = 0; i < count; i++) {
      const pOff = c.u32(0x28 + i * 8, 'dirty page offset');
      const pSize = c.u32(0x2c + i * 8, 'dirty page size');
      pages.push({ offset: pOff, data: c.raw(dataOff, pSize, 'dirty page data') });
      dataOff += pSize;
    }
    budget -= size;
    out.push({ log: index, seq, hbinsSize: c.u32(0x10, 'log entry hive bins size'), pages });
    prevSeq = seq;
    off += size;
  }
  return out;
}

export async function replayLogs(store: HiveStore, base: BaseBlock, logs: readonly Reader[], onIssue: Issue): Promise<ReplayResult | null> {
  const bases = await Promise.all(logs.map((l) => logBase(l, onIssue)));
  const newLogs = bases.map((b, i) => ({ b, i })).filter((x) => x.b?.fileType === 6);
  if (newLogs.length > 0) return replayNew(store, base, newLogs.map((x) => ({ r: logs[x.i]!, i: x.i })), onIssue);
  const old = bases.map((b, i) => ({ b, i })).filter((x) => x.b && (x.b.fileType === 1 || x.b.fileType === 2));
  for (const { b, i } of old) {
    const res = await replayOld(store, base, logs[i]!, b!, i, onIssue);
    if (res) return res;
  }
  return null;
}

async function replayNew(store: HiveStore, base: BaseBlock, logs: { r: Reader; i: number }[], onIssue: Issue): Promise<ReplayResult | null> {
  const all: LogEntry[] = [];
  for (const l of logs) all.push(...(await readEntries(l.r, l.i, onIssue)));
  // Entries already in the primary file (below its secondary sequence number) are stale.
  const wanted = all.filter((e) => e.seq >= base.secondarySeq).sort((a, b) => a.seq - b.seq);
  const chain: LogEntry[] = [];
  for (const e of wanted) {
    const prev = chain[chain.length - 1];
    if (prev && e.seq === prev.seq) continue;
    if (prev && e.seq !== prev.seq + 1) break;
    chain.push(e);
  }
  if (chain.length === 0) return null;
  for (const e of chain) {
    store.limit = Math.max(store.limit, e.hbinsSize);
    for (const p of e.pages) {
      if (p.offset + p.data.length > e.hbinsSize) {
        onIssue(new ParseError('out-of-bounds', { what: `dirty page of log entry ${e.seq}`, offset: p.offset, need: p.data.length, have: e.hbinsSize - p.offset }));
        continue;
      }
      store.patch(p.offset, p.data);
    }
  }
  const last = chain[chain.length - 1]!;
  // A log may declare a larger hive; serve only bytes that exist (file or recovered pages).
  store.limit = Math.min(last.hbinsSize, store.extent);
  return { log: chain[0]!.log, entries: chain.length, format: 'new', firstSeq: chain[0]!.seq, lastSeq: last.seq, sectors: store.patchedSectors, hbinsSize: last.hbinsSize };
}

async function replayOld(store: HiveStore, base: BaseBlock, r: Reader, lb: BaseBlock, index: number, onIssue: Issue): Promise<ReplayResult | null> {
  if (!lb.checksumOk || lb.primarySeq !== lb.secondarySeq) {
    onIssue(new ParseError('checksum', { what: `old-format log ${index} base block (checksum or sequence numbers)`, offset: 0 }));
    return null;
  }
  if (lb.primarySeq < base.secondarySeq) return null;
  const head = new ByteCursor(await r.read(512, 4), 512);
  if (head.length < 4 || head.ascii(0, 4, 'dirty vector signature') !== 'DIRT') {
    onIssue(new ParseError('bad-signature', { what: `old-format log ${index} dirty vector signature`, offset: 512 }));
    return null;
  }
  const sectors = Math.floor(lb.hbinsSize / SECTOR);
  const bmLen = Math.ceil(sectors / 8);
  const bitmap = await r.read(516, bmLen);
  const dataStart = 512 + Math.ceil((4 + bmLen) / SECTOR) * SECTOR;
  let k = 0;
  const patches: { offset: number; data: Uint8Array }[] = [];
  for (let s = 0; s < sectors && s < bitmap.length * 8; s++) {
    if ((bitmap[s >> 3]! & (1 << (s & 7))) === 0) continue;
    const data = await r.read(dataStart + k * SECTOR, SECTOR);
    if (data.length < SECTOR) {
      onIssue(new ParseError('truncated', { what: `old-format log ${index} dirty sector ${s}`, offset: dataStart + k * SECTOR, need: SECTOR, have: data.length }));
      break;
    }
    patches.push({ offset: s * SECTOR, data });
    k++;
  }
  store.limit = Math.max(store.limit, lb.hbinsSize);
  for (const p of patches) store.patch(p.offset, p.data);
  store.limit = Math.min(lb.hbinsSize, store.extent);
  return { log: index, entries: 1, format: 'old', firstSeq: lb.primarySeq, lastSeq: lb.primarySeq, sectors: patches.length, hbinsSize: lb.hbinsSize };
}

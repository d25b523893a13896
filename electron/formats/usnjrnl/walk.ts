/**
 * Walks a $UsnJrnl:$J stream (or an extract of it) page by page. The stream is mostly sparse: the
 * records live in its allocated tail and the head reads as zeros. A Reader that can say which byte
 * ranges are allocated (`allocatedRanges`) lets us skip the holes without reading them; otherwise we
 * read big windows and skip all-zero ones with one memcmp each. Records never cross a 4 KiB page
 * (SPEC.md §1), so each page is parsed on its own and a bad page costs only that page.
 */
import { ParseError } from '../../common/issues.js';
import type { Reader } from '../../io/reader.js';
import { headerProblem, parseUsnRecord, USN_PAGE_SIZE, type UsnRecord } from './record.js';

/** Bytes read per window when scanning (a multiple of the page size). */
export const USN_WINDOW_BYTES = 4 * 1024 * 1024;
/** Issues reported one by one before the rest are only counted. */
export const USN_MAX_ISSUES = 200;

/** A Reader that knows its own sparse layout (e.g. an NTFS non-resident stream). */
export interface AllocatedRangesSource {
  /** Sorted, non-overlapping [start, end) byte ranges that hold data; everything else reads as zeros. */
  allocatedRanges(): ReadonlyArray<{ readonly start: number; readonly end: number }>;
}

export interface UsnWalkIssue {
  readonly offset: number;
  readonly message: string;
}

export interface UsnWalkStats {
  size: number;
  /** Bytes actually read and looked at (the rest was skipped as sparse). */
  bytesScanned: number;
  /** Bytes skipped through the allocated-range map without reading. */
  bytesSkippedSparse: number;
  records: number;
  byVersion: Record<number, number>;
  /** Pages (or runs of 8-byte words) that held neither records nor zero padding. */
  badRegions: number;
  issues: UsnWalkIssue[];
  issuesDropped: number;
  usedRangeMap: boolean;
}

export interface UsnWalkOptions {
  readonly windowBytes?: number;
  readonly signal?: AbortSignal;
}

function hasRanges(r: Reader): r is Reader & AllocatedRangesSource {
  return typeof (r as Partial<AllocatedRangesSource>).allocatedRanges === 'function';
}

/** Page-aligned ranges to scan: the reader's allocated ranges when it has them, else the whole stream. */
function scanRanges(reader: Reader, stats: UsnWalkStats): { start: number; end: number }[] {
  if (!hasRanges(reader)) return [{ start: 0, end: reader.size }];
  stats.usedRangeMap = true;
  const out: { start: number; end: number }[] = [];
  for (const r of reader.allocatedRanges()) {
    const start = Math.max(0, Math.floor(r.start / USN_PAGE_SIZE) * USN_PAGE_SIZE);
    const end = Math.min(reader.size, Math.ceil(r.end / USN_PAGE_SIZE) * USN_PAGE_SIZE);
    if (end <= start) continue;
    const last = out[out.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else out.push({ start, end });
  }
  out.sort((a, b) => a.start - b.start);
  return out;
}

const ZERO = Buffer.alloc(USN_WINDOW_BYTES);

function isZero(b: Uint8Array, from: number, to: number): boolean {
  for (let o = from; o < to; o += ZERO.length) {
    const n = Math.min(ZERO.length, to - o);
    if (Buffer.compare(Buffer.from(b.buffer, b.byteOffset + o, n), ZERO.subarray(0, n)) !== 0) return false;
  }
  return true;
}

/**
 * Yields every well-formed record in stream order; `stats` (filled as it goes) holds the counts
 * and the located issues. Throws ParseError only when the reader itself fails.
 */
export async function* walkUsnJournal(reader: Reader, stats: UsnWalkStats = newStats(reader.size), opts: UsnWalkOptions = {}): AsyncGenerator<UsnRecord> {
  const windowBytes = Math.max(USN_PAGE_SIZE, Math.floor((opts.windowBytes ?? USN_WINDOW_BYTES) / USN_PAGE_SIZE) * USN_PAGE_SIZE);
  const ranges = scanRanges(reader, stats);
  let covered = 0;
  for (const range of ranges) {
    covered += range.end - range.start;
    for (let pos = range.start; pos < range.end; pos += windowBytes) {
      opts.signal?.throwIfAborted();
      const want = Math.min(windowBytes, range.end - pos);
      const buf = await reader.read(pos, want);
      if (buf.length !== want) throw new ParseError('truncated', { what: '$J window', offset: pos, need: want, have: buf.length });
      stats.bytesScanned += buf.length;
      if (isZero(buf, 0, buf.length)) continue;
      for (let page = 0; page < buf.length; page += USN_PAGE_SIZE) {
        yield* walkPage(buf, page, Math.min(buf.length, page + USN_PAGE_SIZE), pos, stats);
      }
    }
  }
  stats.bytesSkippedSparse = stats.usedRangeMap ? reader.size - covered : 0;
}

export function newStats(size: number): UsnWalkStats {
  return { size, bytesScanned: 0, bytesSkippedSparse: 0, records: 0, byVersion: {}, badRegions: 0, issues: [], issuesDropped: 0, usedRangeMap: false };
}

function note(stats: UsnWalkStats, offset: number, message: string): void {
  if (stats.issues.length < USN_MAX_ISSUES) stats.issues.push({ offset, message });
  else stats.issuesDropped++;
}

/** The records of one page [from, to) of `buf` (stream offset `base` + index). */
function* walkPage(buf: Uint8Array, from: number, to: number, base: number, stats: UsnWalkStats): Generator<UsnRecord> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let o = from;
  let badStart = -1;
  const flushBad = (end: number): void => {
    if (badStart < 0) return;
    stats.badRegions++;
    note(stats, base + badStart, `${end - badStart} byte(s) at offset ${base + badStart} are neither USN records nor zero padding; skipped`);
    badStart = -1;
  };
  while (o + 8 <= to) {
    const length = view.getUint32(o, true);
    if (length === 0) {
      // Zero padding fills the rest of a page after its last record.
      flushBad(o);
      if (isZero(buf, o, to)) return;
      o += 8;
      continue;
    }
    const major = view.getUint16(o + 4, true);
    const problem = headerProblem(length, major);
    if (problem === null && o + length > to) {
      flushBad(o);
      stats.badRegions++;
      if (to - from < USN_PAGE_SIZE) {
        // A short last page: the extract ends inside this record.
        note(stats, base + o, `USN record at offset ${base + o} (${length} bytes) runs past the end of the data at ${base + to}: truncated, skipped`);
        return;
      }
      note(stats, base + o, `USN record at offset ${base + o} (${length} bytes) would cross the ${USN_PAGE_SIZE}-byte page boundary at ${base + to}: records never span pages, so it is treated as damaged and the rest of the page skipped`);
      return;
    }
    if (problem !== null) {
      if (badStart < 0) badStart = o;
      o += 8;
      continue;
    }
    try {
      const rec = parseUsnRecord(buf, o, base);
      flushBad(o);
      stats.records++;
      stats.byVersion[rec.majorVersion] = (stats.byVersion[rec.majorVersion] ?? 0) + 1;
      yield rec;
      o += length;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      flushBad(o);
      stats.badRegions++;
      note(stats, base + o, e.message);
      o += 8;
    }
  }
  flushBad(o);
}

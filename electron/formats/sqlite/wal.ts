/**
 * Write-ahead log (SPEC.md §2). QuarantineEventsV2 and knowledgeC.db run in WAL mode, so the most
 * recent rows often exist only in `<db>-wal` until a checkpoint. We replay the WAL in memory the
 * way SQLite's recovery does: frames are valid while their salts match the header and the running
 * checksum agrees; only frames up to the last valid commit frame count; a later frame for a page
 * wins. Nothing is written back: the result is a new buffer.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { HEADER_SIZE, isPowerOfTwoPageSize, parseSqliteHeader } from './header.js';

export const WAL_HEADER_SIZE = 32;
export const WAL_FRAME_HEADER_SIZE = 24;
const MAGIC_LE = 0x377f0682;
const MAGIC_BE = 0x377f0683;
const WAL_FORMAT = 3007000;

export interface WalSummary {
  /** Bytes in the -wal file (0 when absent or empty). */
  walBytes: number;
  /** Whether committed frames were replayed into the database image. */
  applied: boolean;
  pageSize: number | null;
  checkpointSequence: number | null;
  /** Whole frames present, frames that passed salt and checksum, frames up to the last commit. */
  frames: number;
  validFrames: number;
  committedFrames: number;
  /** Distinct pages replaced or added by the replay. */
  pagesApplied: number;
  /** Database size in pages stated by the last valid commit frame. */
  dbPages: number | null;
  /** Why replay stopped before the end of the file, or why nothing was applied. */
  note: string | null;
}

export function emptyWalSummary(walBytes: number, note: string | null): WalSummary {
  return { walBytes, applied: false, pageSize: null, checkpointSequence: null, frames: 0, validFrames: 0, committedFrames: 0, pagesApplied: 0, dbPages: null, note };
}

/** SQLite's WAL checksum over 8-byte steps, continuing from (s0, s1). */
export function walChecksum(data: Uint8Array, bigEndian: boolean, s0: number, s1: number): [number, number] {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i + 8 <= data.length; i += 8) {
    s0 = (s0 + v.getUint32(i, !bigEndian) + s1) >>> 0;
    s1 = (s1 + v.getUint32(i + 4, !bigEndian) + s0) >>> 0;
  }
  return [s0, s1];
}

/**
 * Replay `wal` over `db` (either may be the whole main file or empty). Returns a fresh image sized
 * to the committed database, or `db` untouched when the WAL is unusable (with the reason).
 * `maxBytes` caps the resulting image.
 */
export function applyWal(db: Uint8Array, wal: Uint8Array, maxBytes: number): { image: Uint8Array; summary: WalSummary } {
  if (wal.length < WAL_HEADER_SIZE) return { image: db, summary: emptyWalSummary(wal.length, wal.length === 0 ? 'empty WAL' : 'WAL shorter than its header') };
  const c = new ByteCursor(wal);
  const magic = c.u32be(0, 'WAL magic');
  if (magic !== MAGIC_LE && magic !== MAGIC_BE) throw new ParseError('bad-signature', { what: 'WAL magic 0x377f0682/3', offset: 0 });
  const bigEndian = magic === MAGIC_BE;
  const format = c.u32be(4, 'WAL format version');
  if (format !== WAL_FORMAT) throw new ParseError('unsupported-version', { what: `WAL format version ${format}`, offset: 4 });
  const pageSize = c.u32be(8, 'WAL page size');
  if (!isPowerOfTwoPageSize(pageSize)) throw new ParseError('unsupported-version', { what: `WAL page size ${pageSize}`, offset: 8 });
  const summary: WalSummary = { ...emptyWalSummary(wal.length, null), pageSize, checkpointSequence: c.u32be(12, 'checkpoint sequence') };
  const salt1 = c.u32be(16, 'salt-1');
  const salt2 = c.u32be(20, 'salt-2');
  let [s0, s1] = walChecksum(c.raw(0, 24, 'WAL header'), bigEndian, 0, 0);
  if (s0 !== c.u32be(24, 'WAL header checksum-1') || s1 !== c.u32be(28, 'WAL header checksum-2')) {
    return { image: db, summary: { ...summary, note: 'WAL header checksum mismatch: WAL ignored (SQLite would ignore it too)' } };
  }
  if (db.length >= HEADER_SIZE) {
    const h = parseSqliteHeader(db);
    if (h.pageSize !== pageSize) return { image: db, summary: { ...summary, note: `WAL page size ${pageSize} differs from the database's ${h.pageSize}: WAL ignored` } };
  }
  const frameSize = WAL_FRAME_HEADER_SIZE + pageSize;
  const maxPages = Math.floor(maxBytes / pageSize);
  summary.frames = Math.floor((wal.length - WAL_HEADER_SIZE) / frameSize);
  // Latest committed frame offset per page; pending holds frames of the transaction in progress.
  const committed = new Map<number, number>();
  let pending = new Map<number, number>();
  for (let i = 0; i < summary.frames; i++) {
    const off = WAL_HEADER_SIZE + i * frameSize;
    const pgno = c.u32be(off, 'frame page number');
    const commitSize = c.u32be(off + 4, 'frame commit size');
    if (c.u32be(off + 8, 'frame salt-1') !== salt1 || c.u32be(off + 12, 'frame salt-2') !== salt2) {
      summary.note = `frame ${i}: salt differs from the header (left over from an earlier WAL generation); replay stops`;
      break;
    }
    [s0, s1] = walChecksum(c.raw(off, 8, 'frame header'), bigEndian, s0, s1);
    [s0, s1] = walChecksum(c.raw(off + WAL_FRAME_HEADER_SIZE, pageSize, 'frame page'), bigEndian, s0, s1);
    if (s0 !== c.u32be(off + 16, 'frame checksum-1') || s1 !== c.u32be(off + 20, 'frame checksum-2')) {
      summary.note = `frame ${i}: checksum mismatch; replay stops`;
      break;
    }
    if (pgno < 1 || pgno > maxPages || commitSize > maxPages) {
      summary.note = `frame ${i}: page ${pgno} / size ${commitSize} beyond the ${maxBytes}-byte cap; replay stops`;
      break;
    }
    summary.validFrames++;
    pending.set(pgno, off + WAL_FRAME_HEADER_SIZE);
    if (commitSize > 0) {
      for (const [p, o] of pending) committed.set(p, o);
      pending = new Map();
      summary.dbPages = commitSize;
      summary.committedFrames = summary.validFrames;
    }
  }
  if (summary.dbPages === null) return { image: db, summary: { ...summary, note: summary.note ?? 'no committed transaction in the WAL' } };
  const size = summary.dbPages * pageSize;
  const image = new Uint8Array(size);
  image.set(db.subarray(0, Math.min(db.length, size)));
  for (const [pgno, o] of committed) {
    if (pgno > summary.dbPages) continue; // truncated away by a later commit
    image.set(wal.subarray(o, o + pageSize), (pgno - 1) * pageSize);
    summary.pagesApplied++;
  }
  if (summary.validFrames > summary.committedFrames) summary.note ??= `${summary.validFrames - summary.committedFrames} frame(s) after the last commit ignored`;
  summary.applied = true;
  return { image, summary };
}

/**
 * Small files of an NTFS volume on a disk image, hashed a batch at a time. Opened one by one, a
 * 4 KiB file costs a reader stack, two or three reads through it (each a promise chain, and on a
 * raw image a trip to libuv's I/O threads) and a fresh window: ≈ 50–70 µs, fifteen times the
 * SHA-256 of its bytes, so 50,000 small files took longer than 3 GB of big ones. Here a batch's
 * records come through the volume's record cache (read ahead in $MFT order), their data is
 * gathered into a few reads of the disk sorted by offset (files written together usually lie
 * together, and one EWF chunk holds several small files), and each file is hashed from those spans
 * synchronously.
 *
 * The bytes are the ordinary reader's exactly: the pieces are stream-pieces.ts's mapping
 * (AttrStreamReader's: fragments in order, sparse and uninitialized ranges as zeros), read from
 * the disk beneath the same volume. Anything else — a stale record, no unnamed $DATA, a compressed
 * stream, a file of 1 MiB or more, a read that fails or comes back short — is handed back for the
 * per-file path, which then reports it exactly as it always does.
 */
import type { EvidenceRef } from '../common/evidence-ref.js';
import type { TaskJob } from './protocol.js';
import { breathe, Digester, type Digests } from './digest.js';
import { entryVolume, isPlainNtfsImageRef, liveEntryData, parseFileId, type EntryVolume } from './image-jobs.js';
import { zeros } from './raw-pieces.js';
import { streamPieces, type Piece } from './stream-pieces.js';

const MiB = 1024 * 1024;
/** Files at least this large take the per-file path (which streams them in container units). */
export const BATCH_FILE_MAX_BYTES = 1024 * 1024;
/** File bytes gathered before a load is read and hashed (its span buffer is about this size, twice per worker). */
const LOAD_BYTES = 2 * 1024 * 1024;
/** Files gathered at most before a load is read and hashed. */
const LOAD_FILES = 512;
/** Two pieces this close on disk are read in one span (the gap is read and dropped). */
const SPAN_GAP = 64 * 1024;
/** A span's length at most (a piece longer than this is a span of its own). */
const SPAN_MAX = 4 * 1024 * 1024;

/** A file of the load: its job and where its bytes lie (resident bytes, or pieces of the disk). */
interface Item { job: TaskJob; size: number; resident: Uint8Array | null; pieces: readonly Piece[]; spans: number[] }
interface Span { start: number; end: number; bytes: Uint8Array | null }

export type Emit = (index: number, digests: Digests) => void;

/**
 * Hashes the jobs it can (plain NTFS image refs that came with a file id, whose records still
 * name that live file, and that are small) and returns the rest, in their order, for the
 * per-file path. Only an abort rejects.
 */
export async function hashEntryBatch(jobs: readonly TaskJob[], prefixSha1: boolean, signal: AbortSignal, emit: Emit, onBytes: (n: number) => void): Promise<TaskJob[]> {
  const rest: TaskJob[] = [];
  const groups = new Map<string, TaskJob[]>();
  for (const job of jobs) {
    if (job.fileId === undefined || parseFileId(job.fileId) === null || !isPlainNtfsImageRef(job.ref)) {
      rest.push(job);
      continue;
    }
    const key = volumeKey(job.ref);
    const g = groups.get(key);
    if (g) g.push(job);
    else groups.set(key, [job]);
  }
  for (const group of groups.values()) {
    const vol = await entryVolume(group[0]!.ref);
    if (!vol) {
      rest.push(...group);
      continue;
    }
    const done = new Set<number>();
    const groupRest: TaskJob[] = [];
    try {
      await hashGroup(vol, group, prefixSha1, signal, (index, d) => (done.add(index), emit(index, d)), onBytes, groupRest);
      rest.push(...groupRest);
    } catch (err) {
      if (signal.aborted) throw err;
      // Not a read failure (those are handed back already): the per-file path takes every file not yet answered.
      rest.push(...group.filter((j) => !done.has(j.index)));
    } finally {
      vol.release();
    }
  }
  // The per-file path answers in the task's order; keep it so.
  const order = new Map(jobs.map((j, i) => [j, i]));
  return rest.sort((a, b) => order.get(a)! - order.get(b)!);
}

function volumeKey(ref: EvidenceRef): string {
  const [image, , vol, fs] = ref.chain;
  return `${image!.locator}\u0000${vol!.offset ?? 0}\u0000${fs!.locator}`;
}

async function hashGroup(vol: EntryVolume, jobs: readonly TaskJob[], prefixSha1: boolean, signal: AbortSignal, emit: Emit, onBytes: (n: number) => void, rest: TaskJob[]): Promise<void> {
  const volumeSize = vol.disk.size - vol.volumeOffset;
  let load: Item[] = [];
  let loadBytes = 0;
  for (const job of jobs) {
    signal.throwIfAborted();
    const item = await plan(vol, job, volumeSize);
    if (!item) {
      rest.push(job);
      continue;
    }
    load.push(item);
    loadBytes += item.size;
    if (loadBytes >= LOAD_BYTES || load.length >= LOAD_FILES) {
      await hashLoad(vol, load, prefixSha1, signal, emit, onBytes, rest);
      load = [];
      loadBytes = 0;
    }
  }
  if (load.length > 0) await hashLoad(vol, load, prefixSha1, signal, emit, onBytes, rest);
}

/** Where the job's bytes lie, or null when the per-file path must take it. */
async function plan(vol: EntryVolume, job: TaskJob, volumeSize: number): Promise<Item | null> {
  const id = parseFileId(job.fileId!)!;
  let live;
  try {
    live = await liveEntryData(vol.fs, id);
  } catch {
    return null;
  }
  const s = live?.data;
  if (!s) return null; // stale, or no unnamed $DATA: the per-file path decides
  if (s.resident) return s.resident.length < BATCH_FILE_MAX_BYTES ? { job, size: s.resident.length, resident: s.resident, pieces: [], spans: [] } : null;
  if (!s.layout || s.layout.dataSize >= BATCH_FILE_MAX_BYTES) return null;
  const pieces = streamPieces(s.layout, vol.volumeOffset, volumeSize);
  return pieces ? { job, size: s.layout.dataSize, resident: null, pieces, spans: [] } : null;
}

/** Reads the load's pieces in a few spans of the disk and hashes each file from them. */
async function hashLoad(vol: EntryVolume, load: Item[], prefixSha1: boolean, signal: AbortSignal, emit: Emit, onBytes: (n: number) => void, rest: TaskJob[]): Promise<void> {
  const spans = planSpans(load);
  const total = spans.reduce((n, s) => n + s.end - s.start, 0);
  const buffer = vol.readInto ? takeBuffer(total) : null;
  try {
    await readSpans(vol, spans, buffer, signal);
    hashItems(load, spans, prefixSha1, emit, onBytes, rest);
  } finally {
    if (buffer) giveBack(buffer);
  }
  await breathe();
}

/** Each span's bytes (laid end to end in `buffer` when the image reads into one), or null where they could not all be read. */
async function readSpans(vol: EntryVolume, spans: Span[], buffer: Uint8Array | null, signal: AbortSignal): Promise<void> {
  let at = 0;
  for (const span of spans) {
    signal.throwIfAborted();
    const length = span.end - span.start;
    try {
      if (buffer && vol.readInto) {
        const dst = buffer.subarray(at, at + length);
        at += length;
        await vol.readInto(dst, span.start);
        span.bytes = dst;
      } else {
        const b = await vol.disk.read(span.start, length);
        span.bytes = b.length === length ? b : null; // short: the image changed; per-file path says so
      }
    } catch {
      span.bytes = null; // the per-file path reads it again and reports the failure where it lies
    }
  }
}

function hashItems(load: Item[], spans: Span[], prefixSha1: boolean, emit: Emit, onBytes: (n: number) => void, rest: TaskJob[]): void {
  for (const item of load) {
    if (item.spans.some((k) => k >= 0 && spans[k]!.bytes === null)) {
      rest.push(item.job);
      continue;
    }
    const d = new Digester(item.job.algorithms, prefixSha1);
    if (d.reads) {
      if (item.resident) d.feed(item.resident);
      item.pieces.forEach((p, i) => {
        if (p.length === 0) return;
        if (p.disk === null) {
          for (const z of zeros(p.length)) d.feed(z);
          return;
        }
        const span = spans[item.spans[i]!]!;
        const at = p.disk - span.start;
        d.feed(span.bytes!.subarray(at, at + p.length));
      });
    }
    emit(item.job.index, d.finish(item.size));
    onBytes(item.size);
  }
}

/** Load buffers kept for the next load (a worker may run two tasks at once). */
const spare: Uint8Array[] = [];
const MAX_SPARE = 2;
/** A load's spans larger than this in all get a buffer of their own, not kept. */
const MAX_KEPT_BYTES = 16 * 1024 * 1024;

function takeBuffer(bytes: number): Uint8Array {
  const i = spare.findIndex((b) => b.length >= bytes);
  if (i >= 0) return spare.splice(i, 1)[0]!;
  return new Uint8Array(Math.ceil(bytes / MiB) * MiB);
}

function giveBack(b: Uint8Array): void {
  if (b.length <= MAX_KEPT_BYTES && spare.length < MAX_SPARE) spare.push(b);
}

/**
 * Groups every disk piece of the load into spans in disk order (pieces closer than SPAN_GAP share
 * one, up to SPAN_MAX) and notes in each item which span holds each of its pieces.
 */
function planSpans(load: Item[]): Span[] {
  const refs: { item: Item; k: number; start: number; end: number }[] = [];
  for (const item of load) {
    item.spans = new Array<number>(item.pieces.length).fill(-1);
    item.pieces.forEach((p, k) => {
      if (p.disk !== null && p.length > 0) refs.push({ item, k, start: p.disk, end: p.disk + p.length });
    });
  }
  refs.sort((a, b) => a.start - b.start);
  const spans: Span[] = [];
  let cur: Span | null = null;
  for (const r of refs) {
    if (!cur || r.start > cur.end + SPAN_GAP || Math.max(cur.end, r.end) - cur.start > SPAN_MAX) {
      cur = { start: r.start, end: r.end, bytes: null };
      spans.push(cur);
    } else {
      cur.end = Math.max(cur.end, r.end);
    }
    r.item.spans[r.k] = spans.length - 1;
  }
  return spans;
}

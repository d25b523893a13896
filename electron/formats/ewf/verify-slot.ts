/**
 * Verification through a ring of slots (evidence/containers/verify-ring.ts): slot batch b holds the
 * media bytes of chunks b × perSlot .. (b + 1) × perSlot - 1. A verify worker plans, reads and
 * decodes a slot with what is here (the same code decodes on the hashing thread when no worker
 * runs), and reports the slot's problems, which the hashing thread records in media order.
 */
import type { Reader } from '../../io/reader.js';
import type { ChunkGroup, ChunkSource } from './chunks.js';
import type { ChunkInflater } from './chunk-inflater.js';
import { DESC_WORDS, FLAG_COMPRESSED, FLAG_MISSING, planBatches, type Batch } from './verify-plan.js';
import type { EwfMediaDigest } from './verify.js';

/** What a worker needs to plan chunks without the segment Readers (structured-cloneable). */
export interface ChunkLayout {
  chunkSize: number;
  mediaSize: number;
  /** The groups, their entries as views of one shared buffer (`entries`), not copied per worker. */
  groups: (Omit<ChunkGroup, 'entries'> & { at: number; count: number })[];
  entries: SharedArrayBuffer;
  segments: { name: string; size: number; sectionStarts: number[] }[];
}

export function layoutOf(src: ChunkSource): ChunkLayout {
  const total = src.groups.reduce((n, g) => n + g.entries.length, 0);
  const entries = new SharedArrayBuffer(total * 4);
  const all = new Uint32Array(entries);
  let at = 0;
  const groups = src.groups.map(({ entries: e, ...g }) => {
    all.set(e, at);
    at += e.length;
    return { ...g, at: at - e.length, count: e.length };
  });
  return {
    chunkSize: src.chunkSize,
    mediaSize: src.mediaSize,
    groups,
    entries,
    segments: src.segments.map((s) => ({ name: s.name, size: s.file.size, sectionStarts: s.sectionStarts })),
  };
}

/** A ChunkSource for planning only: its readers have a size and refuse to read. */
export function plannerOf(layout: ChunkLayout): ChunkSource {
  const reader = (size: number): Reader => ({
    size,
    read: () => Promise.reject(new Error('planning source: no reads')),
    close: async () => {},
  });
  return {
    chunkSize: layout.chunkSize,
    mediaSize: layout.mediaSize,
    groups: layout.groups.map(({ at, count, ...g }) => ({ ...g, entries: new Uint32Array(layout.entries, at * 4, count) })),
    segments: layout.segments.map((s) => ({ name: s.name, sectionStarts: s.sectionStarts, reader: reader(s.size), file: reader(s.size) })),
    note: () => {},
  };
}

/** Problems of one slot, in chunk order. */
export interface SlotReport {
  /** Chunks that could not be read: chunk index, located reason, segment file (null when not located). */
  bad: [number, string, string | null][];
  /** Stored chunks whose Adler-32 is wrong (hashed as stored): chunk index, located message. */
  checksum: [number, string][];
  /** The slot reaches chunks no table lists: the first of them and why. Nothing from it on is hashed. */
  tail: [number, string] | null;
}

export function emptyReport(): SlotReport {
  return { bad: [], checksum: [], tail: null };
}

/** The planned spans of slot `slot` (each one read of one segment file), in media order. */
export function planSlot(src: ChunkSource, slot: number, perSlot: number): Batch[] {
  const from = slot * perSlot;
  return [...planBatches(src, perSlot * src.chunkSize, from, from + perSlot)];
}

/** What decoding into one slot needs besides the span. */
export interface SlotTarget {
  /** The slot's bytes: chunk slotFirst + k at k × chunkSize. */
  out: Uint8Array;
  slotFirst: number;
  chunkSize: number;
  /** Segment file names, for located messages. */
  names: readonly string[];
  inflater: ChunkInflater;
  /**
   * Per chunk position of a reused ring slot, what it holds: `tagBase` + the inflater's memo id, or
   * 0 (anything else). A repeated empty chunk already in place is then not copied again.
   */
  tags: Int32Array | null;
  tagBase: number;
}

/** Memo ids are < 1024 (the memo holds at most 64 entries): tags of different inflaters never meet. */
export const TAG_SPACE = 1024;

/**
 * Decodes planned span `b` of a slot into `t.out`, from `span` (its stored bytes) or, when the span
 * could not be read, the reason. Adds problems to `report`; returns the slot bytes filled so far,
 * or -1 when `b` is the unlisted tail.
 */
export function decodeSpan(b: Batch, span: Uint8Array | string, t: SlotTarget, report: SlotReport): number {
  const { out, chunkSize, inflater, tags, tagBase } = t;
  const base = (b.firstChunk - t.slotFirst) * chunkSize;
  if (b.tail !== undefined) {
    report.tail = [b.firstChunk, b.tail];
    return -1;
  }
  const name = b.segment >= 0 ? t.names[b.segment]! : null;
  const where = (k: number): string => `chunk ${b.firstChunk + k}${name !== null ? ` in ${name} at ${b.spanStart + b.desc[k * DESC_WORDS]!}` : ''}`;
  let end = base;
  for (let k = 0; k < b.count; k++) {
    const rel = b.desc[k * DESC_WORDS]!;
    const len = b.desc[k * DESC_WORDS + 1]!;
    const flags = b.desc[k * DESC_WORDS + 2]!;
    const want = b.desc[k * DESC_WORDS + 3]!;
    const at = base + k * chunkSize;
    const pos = b.firstChunk - t.slotFirst + k;
    const held = tags ? tags[pos]! - tagBase : 0;
    if (tags) tags[pos] = 0; // whatever happens below, the position holds something new
    if (want < 0 || want > chunkSize || at + want > out.length) {
      // Cannot happen with the planner's slots; zeroed rather than left stale all the same.
      out.fill(0, Math.min(at, out.length), Math.min(at + Math.max(want, 0), out.length));
      report.bad.push([b.firstChunk + k, `${where(k)}: chunk needs ${want} bytes at ${at} of a ${out.length}-byte slot`, name]);
      continue;
    }
    end = at + want;
    const dst = out.subarray(at, end);
    // Slots are reused: whatever is not decoded is zeroed, never left from an earlier slot.
    if (flags & FLAG_MISSING) {
      dst.fill(0);
      report.bad.push([b.firstChunk + k, b.missing.get(k) ?? `chunk ${b.firstChunk + k} could not be located`, null]);
      continue;
    }
    if (typeof span === 'string') {
      dst.fill(0);
      report.bad.push([b.firstChunk + k, `${where(k)}: ${span}`, name]);
      continue;
    }
    // The planner keeps chunks inside the span; a short read (file shrank) leaves them partial.
    const raw = span.subarray(Math.min(rel, span.length), Math.min(rel + len, span.length));
    if (flags & FLAG_COMPRESSED) {
      const problem = inflater.inflateInto(raw, dst, held > 0 && held < TAG_SPACE ? held : 0);
      if (problem !== null) {
        dst.fill(0);
        report.bad.push([b.firstChunk + k, `${where(k)}: ${problem}`, name]);
      } else if (tags && inflater.lastMemo > 0) {
        tags[pos] = tagBase + inflater.lastMemo;
      }
      continue;
    }
    if (raw.length < want) {
      dst.fill(0);
      report.bad.push([b.firstChunk + k, `${where(k)}: ${raw.length} of ${want} stored bytes present`, name]);
      continue;
    }
    // Stored chunks carry their Adler-32 after the data (not in EnCase 1/SMART): checked as libewf does.
    if (raw.length < want + 4) {
      dst.set(raw.subarray(0, want));
      continue;
    }
    const stored = (raw[want]! | (raw[want + 1]! << 8) | (raw[want + 2]! << 16) | (raw[want + 3]! << 24)) >>> 0;
    if (!inflater.copyStored(raw.subarray(0, want), stored, dst)) report.checksum.push([b.firstChunk + k, `${where(k)}: Adler-32 mismatch (data returned as stored)`]);
  }
  return end;
}

export const MAX_RUNS = 1000;

/** Records a slot's problems: unreadable chunks as runs, checksum mismatches as chunk issues. */
export function accountReport(src: ChunkSource, report: SlotReport, digest: EwfMediaDigest): void {
  for (const [chunk, reason, file] of report.bad) addRun(digest, chunk, 1, reason, file);
  for (const [chunk, message] of report.checksum) {
    digest.checksumMismatches++;
    src.note(chunk, message);
  }
  if (report.tail) {
    const total = Math.ceil(src.mediaSize / src.chunkSize);
    addRun(digest, report.tail[0], total - report.tail[0], report.tail[1], null);
  }
}

/** Extends the last run when `first` continues it, else starts a run (up to MAX_RUNS). */
export function addRun(digest: EwfMediaDigest, first: number, count: number, reason: string, file: string | null): void {
  digest.unreadableChunks += count;
  const last = digest.unreadable.at(-1);
  if (last && last.firstChunk + last.count === first) last.count += count;
  else if (digest.unreadable.length < MAX_RUNS) digest.unreadable.push({ firstChunk: first, count, reason, file });
}

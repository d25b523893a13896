import { inflateSync } from 'node:zlib';
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';
import { adler32Large } from './adler-native.js';
import { adler32 } from './checksums.js';
import type { ChunkInflating } from './decode-batch.js';

/** One table (or table2) section: consecutive chunks stored in one segment file. */
export interface ChunkGroup {
  segment: number;
  firstChunk: number;
  base: number;
  /** Raw 32-bit entries: bit 31 = compressed, bits 0-30 = offset from `base`. */
  entries: Uint32Array;
  /** Where the chunk data of this group cannot extend past (start of the next section). */
  tableOffset: number;
}

/** table section data: 24-byte header (count u32, pad, base offset u64, pad, checksum u32), then entries. */
export function parseTable(c: ByteCursor, maxEntries: number): { entries: Uint32Array; base: number; headerOk: boolean; entriesOk: boolean | null; declared: number } {
  const declared = c.u32(0, 'table number of entries');
  const base = c.u64(8, 'table base offset');
  const headerOk = c.u32(20, 'table header checksum') === adler32(c.bytes, 0, 20);
  const fit = Math.max(0, Math.floor((c.length - 24) / 4));
  const n = Math.min(declared, fit, maxEntries);
  const entries = new Uint32Array(n);
  // n ≤ fit: every entry lies inside the section (one bounds check, not one per entry).
  const view = new DataView(c.bytes.buffer, c.bytes.byteOffset + 24, n * 4);
  for (let i = 0; i < n; i++) entries[i] = view.getUint32(i * 4, true);
  // EnCase 3+ follow the entries with their Adler-32; EnCase 1/2 do not, so absent is not an error.
  let entriesOk: boolean | null = null;
  if (n === declared && c.has(24 + n * 4, 4)) entriesOk = c.u32(24 + n * 4, 'table entries checksum') === adler32Large(c.bytes, 24, 24 + n * 4);
  return { entries, base, headerOk, entriesOk, declared };
}

export interface ChunkSource {
  /** `reader` serves small chunk reads through windows; `file` is the segment file itself (large reads). */
  segments: readonly { reader: Reader; file: Reader; name: string; sectionStarts: number[] }[];
  groups: readonly ChunkGroup[];
  chunkSize: number;
  mediaSize: number;
  /** Records a located problem of chunk `index` as an issue, once per chunk. */
  note(index: number, message: string): void;
}

/** Where chunk `index` sits: its group, or null when no table lists it. */
export function findGroup(groups: readonly ChunkGroup[], index: number): ChunkGroup | null {
  let lo = 0;
  let hi = groups.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const g = groups[mid]!;
    if (index < g.firstChunk) hi = mid - 1;
    else if (index >= g.firstChunk + g.entries.length) lo = mid + 1;
    else return g;
  }
  return null;
}

/** First section start after `at` in a sorted list (chunk data never crosses a section descriptor). */
function nextSectionStart(starts: number[], at: number, fallback: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo < starts.length ? starts[lo]! : fallback;
}

/** Locates chunk `index` in its segment file: [start, end) and whether it is zlib-compressed. */
export function locateChunk(src: ChunkSource, index: number): { segment: number; start: number; end: number; compressed: boolean } {
  const g = findGroup(src.groups, index);
  if (!g) throw new ParseError('out-of-bounds', { what: 'chunk table entry' }, `chunk ${index} is in no table section (missing or damaged segment)`);
  const seg = src.segments[g.segment]!;
  const i = index - g.firstChunk;
  const e = g.entries[i]!;
  const start = g.base + (e & 0x7fffffff);
  let end = nextSectionStart(seg.sectionStarts, start, seg.reader.size);
  if (i + 1 < g.entries.length) {
    const nextStart = g.base + (g.entries[i + 1]! & 0x7fffffff);
    if (nextStart > start && nextStart < end) end = nextStart;
  }
  if (start >= seg.reader.size || end <= start) {
    throw new ParseError('out-of-bounds', { what: 'chunk offset', offset: start }, `chunk ${index}: offset ${start} lies outside ${seg.name} (${seg.reader.size} bytes)`);
  }
  return { segment: g.segment, start, end: Math.min(end, seg.reader.size), compressed: (e & 0x80000000) !== 0 };
}

/** Decodes chunk `index` to its logical bytes (chunkSize, shorter only for the media's last chunk). */
export async function readChunk(src: ChunkSource, index: number, onChecksum: (msg: string) => void, inflater?: ChunkInflating): Promise<Uint8Array> {
  const want = Math.min(src.chunkSize, src.mediaSize - index * src.chunkSize);
  const loc = locateChunk(src, index);
  const seg = src.segments[loc.segment]!;
  const storedMax = loc.compressed ? src.chunkSize * 2 + 1024 : src.chunkSize + 4;
  const len = Math.min(loc.end - loc.start, storedMax);
  const raw = await seg.reader.read(loc.start, len);
  if (loc.compressed && inflater) {
    const out = new Uint8Array(want);
    const problem = inflater.inflateInto(raw, out);
    if (problem) throw new ParseError('decode', { what: 'compressed chunk', offset: loc.start }, `chunk ${index} in ${seg.name} at ${loc.start}: ${problem}`);
    return out;
  }
  if (loc.compressed) {
    let out: Uint8Array;
    try {
      // In-thread: a 32 KiB chunk inflates in less time than a trip through the libuv pool costs.
      out = inflateSync(raw, inflateOptions(src.chunkSize));
    } catch (err) {
      throw new ParseError('decode', { what: 'compressed chunk', offset: loc.start },
        `chunk ${index} in ${seg.name} at ${loc.start}: zlib stream does not inflate (${(err as Error).message})`);
    }
    if (out.length < want) {
      throw new ParseError('decode', { what: 'compressed chunk', offset: loc.start }, `chunk ${index} inflates to ${out.length} bytes, expected ${want}`);
    }
    return out.length === want ? out : out.subarray(0, want);
  }
  if (raw.length < want) {
    throw new ParseError('truncated', { what: 'stored chunk', offset: loc.start, need: want, have: raw.length }, `chunk ${index} in ${seg.name}: ${raw.length} of ${want} bytes present`);
  }
  if (raw.length >= want + 4) {
    const c = new ByteCursor(raw, loc.start);
    if (c.u32(want, 'chunk Adler-32') !== adler32(raw, 0, want)) onChecksum(`chunk ${index} in ${seg.name} at ${loc.start}: Adler-32 mismatch (data returned as stored)`);
  }
  return raw.subarray(0, want);
}

/**
 * zlib's sync inflate writes into `chunkSize`-byte buffers (16 KiB by default) and joins them: one
 * buffer a little larger than a whole chunk means one allocation and no join. The limit stays one
 * chunk, so a stream that inflates to more is still refused.
 */
export function inflateOptions(chunkSize: number): { maxOutputLength: number; chunkSize: number } {
  return { maxOutputLength: chunkSize, chunkSize: chunkSize + 64 };
}

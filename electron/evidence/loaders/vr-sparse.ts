/**
 * Velociraptor sparse uploads (collection-layouts.md §1.4; reporting/container.go
 * maybeCollectSparseFile): a file read through a range-aware accessor ($UsnJrnl:$J, sparse NTFS
 * files) is stored as its data runs only, back to back, with a sibling `<member>.idx` holding
 * `{"ranges":[{file_offset, original_offset, file_length, length}, ...]}` (Go encoding/json of the
 * protobuf struct, so zero fields are omitted; protojson spellings and string numbers accepted too).
 * A run with file_length 0 is a hole. SparseReader re-expands the original file on the fly: holes
 * and gaps read as zeros and nothing is ever materialised.
 */
import { ParseError } from '../../common/issues.js';
import { clampRange, type Reader } from '../../io/reader.js';

/** The citation layer that marks re-expanded content; its locator names the .idx member. */
export const SPARSE_LAYER = 'vr-sparse';

/** Longest .idx read (a run is ~80 bytes of JSON). */
export const IDX_MAX_BYTES = 64 * 1024 * 1024;
/** Runs accepted from one map. */
export const IDX_MAX_RANGES = 1_000_000;
/** Largest original size a map may claim: a hostile map must not make a hash read zeros for ever. */
export const SPARSE_MAX_BYTES = 256 * 1024 ** 3;

export interface SparseRange {
  /** Where the run starts in the original file. */
  readonly original: number;
  readonly length: number;
  /** Where its bytes start in the stored member; null for a hole. */
  readonly stored: number | null;
}

export interface SparseMap {
  /** The original file's size (end of the last run). */
  readonly size: number;
  /** Runs sorted by original offset, non-overlapping. */
  readonly ranges: readonly SparseRange[];
}

function num(o: Record<string, unknown>, keys: string[], what: string, member: string): number {
  for (const k of keys) {
    const v = o[k];
    if (v === undefined || v === null) continue;
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new ParseError('decode', { what: `${what} in ${member}` }, `${member}: ${what} ${JSON.stringify(v)} is not a non-negative integer`);
    return n;
  }
  return 0; // omitempty: an absent field is zero
}

/** Parse and check an .idx map against the stored member's size. */
export function parseSparseIndex(text: string, storedSize: number, member: string): SparseMap {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ParseError('decode', { what: member }, `${member} is not valid JSON: ${(err as Error).message}`);
  }
  const raw = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)['ranges'] : undefined;
  if (!Array.isArray(raw)) throw new ParseError('decode', { what: member }, `${member} has no "ranges" array`);
  if (raw.length > IDX_MAX_RANGES) throw new ParseError('limit-exceeded', { what: `ranges in ${member}`, need: raw.length, have: IDX_MAX_RANGES });
  const ranges: SparseRange[] = [];
  for (const r of raw) {
    if (typeof r !== 'object' || r === null) throw new ParseError('decode', { what: member }, `${member}: a range is not an object`);
    const o = r as Record<string, unknown>;
    const original = num(o, ['original_offset', 'originalOffset', 'OriginalOffset'], 'original_offset', member);
    const length = num(o, ['length', 'Length'], 'length', member);
    const fileLength = num(o, ['file_length', 'fileLength', 'FileLength'], 'file_length', member);
    const fileOffset = num(o, ['file_offset', 'fileOffset', 'FileOffset'], 'file_offset', member);
    if (length === 0) continue;
    if (!Number.isSafeInteger(original + length)) throw new ParseError('out-of-bounds', { what: `range in ${member}`, need: original + length });
    if (fileLength === 0) {
      ranges.push({ original, length, stored: null });
      continue;
    }
    // A data run stores exactly `length` bytes (short copies are zero-padded by the collector).
    if (fileLength !== length) throw new ParseError('decode', { what: `range in ${member}` }, `${member}: a data run stores ${fileLength} bytes for a ${length}-byte range`);
    if (fileOffset + fileLength > storedSize) throw new ParseError('out-of-bounds', { what: `data run in ${member}`, offset: fileOffset, need: fileLength, have: Math.max(0, storedSize - fileOffset) });
    ranges.push({ original, length, stored: fileOffset });
  }
  ranges.sort((a, b) => a.original - b.original);
  let end = 0;
  for (const r of ranges) {
    if (r.original < end) throw new ParseError('decode', { what: `ranges in ${member}` }, `${member}: runs overlap at original offset ${r.original}`);
    end = r.original + r.length;
  }
  if (end > SPARSE_MAX_BYTES) throw new ParseError('limit-exceeded', { what: `original size in ${member}`, need: end, have: SPARSE_MAX_BYTES }, `${member} claims a ${end}-byte original file, above the cap of ${SPARSE_MAX_BYTES}`);
  return { size: end, ranges };
}

/** The original file: data runs read from the stored member, holes and gaps as zeros. Owns `data`. */
export class SparseReader implements Reader {
  readonly size: number;
  constructor(private readonly data: Reader, private readonly map: SparseMap) {
    this.size = map.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const q = clampRange(this.size, offset, length);
    const out = new Uint8Array(q.length);
    const end = q.start + q.length;
    const rs = this.map.ranges;
    // First run that ends after `offset` (binary search: maps can hold many runs).
    let lo = 0;
    let hi = rs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rs[mid]!.original + rs[mid]!.length <= q.start) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < rs.length && rs[i]!.original < end; i++) {
      const r = rs[i]!;
      if (r.stored === null) continue;
      const from = Math.max(q.start, r.original);
      const to = Math.min(end, r.original + r.length);
      const bytes = await this.data.read(r.stored + (from - r.original), to - from);
      if (bytes.length < to - from) throw new ParseError('truncated', { what: 'sparse upload data run', offset: r.stored + (from - r.original), need: to - from, have: bytes.length });
      out.set(bytes, from - q.start);
    }
    return out;
  }

  close(): Promise<void> {
    return this.data.close();
  }
}

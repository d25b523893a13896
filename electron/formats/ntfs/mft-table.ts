/**
 * What a whole-volume listing needs from every MFT record — in-use and directory flags, sequence
 * number, unnamed $DATA size, $STANDARD_INFORMATION times — gathered in one sequential pass over
 * $MFT in large reads and kept in typed arrays (≈ 45 bytes a record: 1M records ≈ 45 MB), instead
 * of parsing and assembling a file object per record as it is listed.
 *
 * The fast decoder accepts a record only when the full parser (parseMftRecord + assembleFile)
 * would certainly read it and give the same facts; anything else (an $ATTRIBUTE_LIST, no $SI, a
 * $DATA in several extents, any structural doubt) is marked SLOW and the caller asks NtfsVolume,
 * so listings stay exactly what the per-record path gives.
 */
import { ParseError } from '../../common/issues.js';
import type { NtfsStream } from './file.js';
import { decodeRunlist, runlistValid } from './runlist.js';
import { filetimeMs } from './text.js';
import type { NtfsVolume } from './volume.js';

/** Records tabulated at most (≈ 190 MB of arrays); a larger $MFT is listed the per-record way. */
export const MAX_TABLE_RECORDS = 4 * 1024 * 1024;
/** Bytes of $MFT read at a time. */
const WINDOW = 4 * 1024 * 1024;

export const REC_FAST = 1;
export const REC_IN_USE = 2;
export const REC_DIR = 4;

const MAX_ATTRS = 512; // as record.ts MAX_ATTRS_PER_RECORD
/** Directories whose index facts are kept (a few hundred bytes each); the rest ask the volume. */
const MAX_DIRS = 65536;
const NO_TIME = Number.NaN;

export class MftTable {
  /** REC_* bits; 0 = ask the volume (unreadable, unusual, or past the table). */
  readonly flags: Uint8Array;
  readonly sequence: Uint16Array;
  readonly size: Float64Array;
  /** created, modified, changed, accessed (ms since 1970, NaN = none) for each record. */
  readonly times: Float64Array;
  /** Fast directories whose $I30 index the table can describe (dirIndex). */
  private readonly dirs = new Map<number, DirRecord>();

  private constructor(readonly count: number) {
    this.flags = new Uint8Array(count);
    this.sequence = new Uint16Array(count);
    this.size = new Float64Array(count);
    this.times = new Float64Array(count * 4);
  }

  /**
   * Reads every record of the volume's $MFT. `keep(entry, raw)` sees each record the decoder
   * found to be a directory (the raw bytes, fixups not applied) so the caller can keep it.
   * Null when the $MFT is larger than MAX_TABLE_RECORDS.
   */
  static async build(vol: NtfsVolume, keep?: (entry: number, raw: Uint8Array) => void, signal?: AbortSignal): Promise<MftTable | null> {
    const count = vol.recordCount;
    if (count > MAX_TABLE_RECORDS) return null;
    const t = new MftTable(count);
    const rs = vol.recordSize;
    const per = Math.max(1, Math.floor(WINDOW / rs));
    // Fixups are applied to a private copy of each window: the reader's buffer may be a cache's own.
    const work = new Uint8Array(Math.min(per, count) * rs);
    const clusters = vol.boot.totalClusters;
    // The next window is read while this one is decoded.
    const readAt = (first: number): Promise<Uint8Array | null> => vol.mftStream.read(first * rs, Math.min(per, count - first) * rs).catch((e: unknown) => {
      if (e instanceof ParseError) return null; // those records stay 0: the volume reads them one by one (and reports why)
      throw e;
    });
    let next = count > 0 ? readAt(0) : null;
    for (let first = 0; first < count; first += per) {
      signal?.throwIfAborted();
      const n = Math.min(per, count - first);
      const buf = await next!;
      next = first + per < count ? readAt(first + per) : null;
      if (!buf) continue;
      const whole = Math.min(n, Math.floor(buf.length / rs));
      work.set(buf.length > whole * rs ? buf.subarray(0, whole * rs) : buf);
      for (let i = 0; i < whole; i++) {
        if (t.decode(first + i, work, i * rs, rs, clusters) && keep && (t.flags[first + i]! & REC_DIR)) keep(first + i, buf.subarray(i * rs, (i + 1) * rs));
      }
    }
    await next?.catch(() => {});
    return t;
  }

  /** ISO-free accessors for one record (ms or NaN). */
  time(entry: number, which: 0 | 1 | 2 | 3): number {
    return this.times[entry * 4 + which]!;
  }

  /**
   * A fast directory's $I30 index as NtfsVolume.file(entry) would give it (`root` = its
   * indexRoots.get('$I30'), `alloc` = its indexAllocs.get('$I30')); null = ask the volume.
   * `recordOffset` is the record's position in the volume (for located errors).
   */
  dirIndex(entry: number, recordOffset: number, clusterSize: number, totalClusters: number): DirIndex | null {
    const d = this.dirs.get(entry);
    if (!d) return null;
    const root = d.root ? { value: d.root, offset: recordOffset + d.rootAt } : null;
    const r = d.alloc;
    if (!r) return { root, alloc: null };
    // The attribute as parseAttr reads it and mergeStream makes it a stream (one extent at VCN 0).
    const flags = u16(r, 0x0c);
    const startVcn = vcn(r, 0x10)!;
    const lastVcn = vcn(r, 0x18)!;
    const rlOff = u16(r, 0x20);
    const compressed = (flags & 0x0001) !== 0;
    const dataSize = u32(r, 0x30) + u32(r, 0x34) * 0x100000000;
    const initializedSize = u32(r, 0x38) + u32(r, 0x3c) * 0x100000000;
    const runs = decodeRunlist(r.subarray(rlOff), recordOffset + d.allocAt + rlOff, startVcn, lastVcn, totalClusters);
    const alloc: NtfsStream = {
      type: 0xa0, name: '$I30', flags, size: dataSize, resident: null,
      layout: { runs, dataSize, initializedSize: Math.min(initializedSize, dataSize), compressionUnit: compressed ? u16(r, 0x22) : 0, clusterSize },
      compressed, encrypted: (flags & 0x4000) !== 0, sparse: (flags & 0x8000) !== 0,
    };
    return { root, alloc };
  }

  /**
   * Decodes the record at [o, o + len) of `b` (fixups applied there in place) into the arrays;
   * false leaves it SLOW. Every check mirrors one in fixup.ts, record.ts (parseMftRecord,
   * parseAttr), file.ts (assembleFile, mergeStream) or attrs.ts (parseStandardInformation): where
   * they would throw or take an unusual branch, this returns false.
   */
  private decode(entry: number, b: Uint8Array, o: number, len: number, clusters: number): boolean {
    if (len < 0x30 || b[o] !== 0x46 || b[o + 1] !== 0x49 || b[o + 2] !== 0x4c || b[o + 3] !== 0x45) return false; // "FILE"
    if (!fixups(b, o, len)) return false;
    const sequence = u16(b, o + 0x10);
    const firstAttr = u16(b, o + 0x14);
    const flags = u16(b, o + 0x16);
    const used = Math.min(u32(b, o + 0x18), len);
    if (firstAttr < 0x18 || firstAttr % 8 !== 0) return false;
    let pos = firstAttr;
    let attrs = 0;
    let si = -1;
    let dataSize = -1;
    let dataFirstResident = false;
    let dataCount = 0;
    let dataStartVcnZero = false;
    const isDir = (flags & 2) !== 0;
    let rootAt = -1, rootVal = 0, rootLen = 0, allocAt = -1, allocs = 0, allocPlain = false;
    while (true) {
      if (pos + 4 > used) return false;
      const at = o + pos;
      const type = u32(b, at);
      if (type === 0xffffffff) break;
      if (attrs >= MAX_ATTRS) return false;
      const alen = u32(b, at + 4);
      if (alen < 0x18 || alen % 8 !== 0 || pos + alen > used) return false;
      const nonResident = b[at + 8]!;
      const nameLen = b[at + 9]!;
      const nameOff = u16(b, at + 0x0a);
      if (nameLen && nameOff + nameLen * 2 > alen) return false;
      if (type === 0x20) return false; // $ATTRIBUTE_LIST: the file spans records
      if (nonResident === 0) {
        const vlen = u32(b, at + 0x10);
        const voff = u16(b, at + 0x14);
        if (voff + vlen > alen) return false;
        if (type === 0x10 && si < 0 && vlen >= 0x24) si = at + voff;
        if (type === 0x80 && nameLen === 0) {
          if (dataCount++ === 0) { dataFirstResident = true; dataSize = vlen; }
        }
        if (isDir && nameLen === 4 && isI30(b, at + nameOff)) {
          if (type === 0x90) { rootAt = pos; rootVal = pos + voff; rootLen = vlen; } // the last one counts, as in assembleFile
          else if (type === 0xa0) allocs++;
        }
      } else {
        if (alen < 0x40) return false;
        const start = vcn(b, at + 0x10);
        const last = vcn(b, at + 0x18);
        if (start === null || last === null || last < start - 1) return false;
        const rlOff = u16(b, at + 0x20);
        if (u16(b, at + 0x22) > 16) return false; // compression unit
        if (u32(b, at + 0x2c) > 0x1fffff || u32(b, at + 0x34) > 0x1fffff || u32(b, at + 0x3c) > 0x1fffff) return false; // sizes above 2^53
        if (rlOff > alen) return false;
        if (!runlistValid(b, at + rlOff, at + alen, start, last, clusters)) return false;
        if (type === 0x80 && nameLen === 0) {
          if (dataCount++ === 0) { dataFirstResident = false; dataStartVcnZero = start === 0; dataSize = u32(b, at + 0x30) + u32(b, at + 0x34) * 0x100000000; }
        }
        if (isDir && type === 0xa0 && nameLen === 4 && isI30(b, at + nameOff) && allocs++ === 0) { allocAt = pos; allocPlain = start === 0; }
      }
      attrs++;
      pos += alen;
    }
    if (si < 0) return false; // times would come from the name the directory index gives
    let size = 0;
    if (dataCount > 0) {
      // mergeStream: a resident first extent gives its length; one extent at VCN 0 its data size.
      if (!dataFirstResident && !(dataCount === 1 && dataStartVcnZero)) return false;
      size = dataSize;
    }
    // A directory's index is described here when assembleFile would take it as is: no
    // $INDEX_ALLOCATION, or one non-resident extent from VCN 0.
    if (isDir && (allocs === 0 || (allocs === 1 && allocAt >= 0 && allocPlain)) && this.dirs.size < MAX_DIRS) {
      const root = rootAt < 0 ? null : b.slice(o + rootVal, o + rootVal + rootLen);
      const alloc = allocs === 0 ? null : b.slice(o + allocAt, o + allocAt + u32(b, o + allocAt + 4));
      this.dirs.set(entry, { root, rootAt, alloc, allocAt });
    }
    this.flags[entry] = REC_FAST | (flags & 1 ? REC_IN_USE : 0) | (isDir ? REC_DIR : 0);
    this.sequence[entry] = sequence;
    this.size[entry] = size;
    const t = entry * 4;
    for (let k = 0; k < 4; k++) this.times[t + k] = filetimeMs(b, si + k * 8) ?? NO_TIME;
    return true;
  }
}

/** Copies (fixups applied) of what a directory's index needs from its record. */
interface DirRecord {
  /** Value of the last resident $I30 $INDEX_ROOT, and where its header sits in the record. */
  readonly root: Uint8Array | null;
  readonly rootAt: number;
  /** The one non-resident $I30 $INDEX_ALLOCATION attribute (header on), and where it sits. */
  readonly alloc: Uint8Array | null;
  readonly allocAt: number;
}

export interface DirIndex {
  readonly root: { readonly value: Uint8Array; readonly offset: number } | null;
  readonly alloc: NtfsStream | null;
}

/** Whether the 4 UTF-16 units at `o` spell "$I30". */
const isI30 = (r: Uint8Array, o: number): boolean =>
  r[o] === 0x24 && r[o + 1] === 0 && r[o + 2] === 0x49 && r[o + 3] === 0 && r[o + 4] === 0x33 && r[o + 5] === 0 && r[o + 6] === 0x30 && r[o + 7] === 0;

const u16 = (r: Uint8Array, o: number): number => r[o]! | (r[o + 1]! << 8);
const u32 = (r: Uint8Array, o: number): number => (r[o]! | (r[o + 1]! << 8) | (r[o + 2]! << 16)) + r[o + 3]! * 0x1000000;

/** Applies the update sequence array in place; false where applyFixups would throw. */
function fixups(r: Uint8Array, o: number, len: number): boolean {
  const usaOff = r[o + 4]! | (r[o + 5]! << 8);
  const usaCount = r[o + 6]! | (r[o + 7]! << 8);
  if (usaCount < 2) return false;
  const strides = usaCount - 1;
  const stride = len / strides;
  if (!Number.isInteger(stride) || stride < 256 || (stride & (stride - 1)) !== 0) return false;
  if (usaOff % 2 !== 0 || usaOff + usaCount * 2 > stride - 2) return false;
  const usa = o + usaOff;
  const a = r[usa]!, b = r[usa + 1]!;
  for (let i = 0; i < strides; i++) {
    const end = o + (i + 1) * stride - 2;
    if (r[end] !== a || r[end + 1] !== b) return false;
  }
  for (let i = 0; i < strides; i++) {
    const end = o + (i + 1) * stride - 2;
    r[end] = r[usa + 2 + i * 2]!;
    r[end + 1] = r[usa + 3 + i * 2]!;
  }
  return true;
}

/** A signed 64-bit VCN as record.ts reads it (-1 for an empty attribute), null where it throws. */
function vcn(r: Uint8Array, o: number): number | null {
  const lo = (r[o]! | (r[o + 1]! << 8) | (r[o + 2]! << 16)) + r[o + 3]! * 0x1000000;
  const hi = r[o + 4]! | (r[o + 5]! << 8) | (r[o + 6]! << 16) | (r[o + 7]! << 24);
  if (hi === -1 && lo === 0xffffffff) return -1;
  if (hi < 0 || hi >= 0x200000) return null;
  return hi * 0x100000000 + lo;
}

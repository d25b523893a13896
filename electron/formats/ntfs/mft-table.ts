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
import { decodeRunlist } from './runlist.js';
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
const NO_TIME = Number.NaN;

export class MftTable {
  /** REC_* bits; 0 = ask the volume (unreadable, unusual, or past the table). */
  readonly flags: Uint8Array;
  readonly sequence: Uint16Array;
  readonly size: Float64Array;
  /** created, modified, changed, accessed (ms since 1970, NaN = none) for each record. */
  readonly times: Float64Array;

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
    const scratch = new Uint8Array(rs);
    const per = Math.max(1, Math.floor(WINDOW / rs));
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
      for (let i = 0; i < n && (i + 1) * rs <= buf.length; i++) {
        const raw = buf.subarray(i * rs, (i + 1) * rs);
        scratch.set(raw);
        if (t.decode(first + i, scratch, clusters) && keep && (t.flags[first + i]! & REC_DIR)) keep(first + i, raw);
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
   * Decodes `r` (one record, fixups applied in place) into the arrays; false leaves it SLOW.
   * Every check mirrors one in fixup.ts, record.ts (parseMftRecord, parseAttr), file.ts
   * (assembleFile, mergeStream) or attrs.ts (parseStandardInformation): where they would throw or
   * take an unusual branch, this returns false.
   */
  private decode(entry: number, r: Uint8Array, clusters: number): boolean {
    const len = r.length;
    if (len < 0x30 || r[0] !== 0x46 || r[1] !== 0x49 || r[2] !== 0x4c || r[3] !== 0x45) return false; // "FILE"
    if (!fixups(r)) return false;
    const sequence = u16(r, 0x10);
    const firstAttr = u16(r, 0x14);
    const flags = u16(r, 0x16);
    const used = Math.min(u32(r, 0x18), len);
    if (firstAttr < 0x18 || firstAttr % 8 !== 0) return false;
    let pos = firstAttr;
    let attrs = 0;
    let si = -1;
    let dataSize = -1;
    let dataFirstResident = false;
    let dataCount = 0;
    let dataStartVcnZero = false;
    while (true) {
      if (pos + 4 > used) return false;
      const type = u32(r, pos);
      if (type === 0xffffffff) break;
      if (attrs >= MAX_ATTRS) return false;
      const alen = u32(r, pos + 4);
      if (alen < 0x18 || alen % 8 !== 0 || pos + alen > used) return false;
      const nonResident = r[pos + 8]!;
      const nameLen = r[pos + 9]!;
      const nameOff = u16(r, pos + 0x0a);
      if (nameLen && nameOff + nameLen * 2 > alen) return false;
      if (type === 0x20) return false; // $ATTRIBUTE_LIST: the file spans records
      if (nonResident === 0) {
        const vlen = u32(r, pos + 0x10);
        const voff = u16(r, pos + 0x14);
        if (voff + vlen > alen) return false;
        if (type === 0x10 && si < 0 && vlen >= 0x24) si = pos + voff;
        if (type === 0x80 && nameLen === 0) {
          if (dataCount++ === 0) { dataFirstResident = true; dataSize = vlen; }
        }
      } else {
        if (alen < 0x40) return false;
        const start = vcn(r, pos + 0x10);
        const last = vcn(r, pos + 0x18);
        if (start === null || last === null || last < start - 1) return false;
        const rlOff = u16(r, pos + 0x20);
        if (u16(r, pos + 0x22) > 16) return false; // compression unit
        if (u32(r, pos + 0x2c) > 0x1fffff || u32(r, pos + 0x34) > 0x1fffff || u32(r, pos + 0x3c) > 0x1fffff) return false; // sizes above 2^53
        if (rlOff > alen) return false;
        try {
          decodeRunlist(r.subarray(pos + rlOff, pos + alen), 0, start, last, clusters);
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
          return false;
        }
        if (type === 0x80 && nameLen === 0) {
          if (dataCount++ === 0) { dataFirstResident = false; dataStartVcnZero = start === 0; dataSize = u32(r, pos + 0x30) + u32(r, pos + 0x34) * 0x100000000; }
        }
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
    const isDir = (flags & 2) !== 0;
    this.flags[entry] = REC_FAST | (flags & 1 ? REC_IN_USE : 0) | (isDir ? REC_DIR : 0);
    this.sequence[entry] = sequence;
    this.size[entry] = size;
    const t = entry * 4;
    for (let k = 0; k < 4; k++) this.times[t + k] = filetimeMs(r, si + k * 8) ?? NO_TIME;
    return true;
  }
}

const u16 = (r: Uint8Array, o: number): number => r[o]! | (r[o + 1]! << 8);
const u32 = (r: Uint8Array, o: number): number => (r[o]! | (r[o + 1]! << 8) | (r[o + 2]! << 16)) + r[o + 3]! * 0x1000000;

/** Applies the update sequence array in place; false where applyFixups would throw. */
function fixups(r: Uint8Array): boolean {
  const usaOff = r[4]! | (r[5]! << 8);
  const usaCount = r[6]! | (r[7]! << 8);
  if (usaCount < 2) return false;
  const strides = usaCount - 1;
  const stride = r.length / strides;
  if (!Number.isInteger(stride) || stride < 256 || (stride & (stride - 1)) !== 0) return false;
  if (usaOff % 2 !== 0 || usaOff + usaCount * 2 > stride - 2) return false;
  const a = r[usaOff]!, b = r[usaOff + 1]!;
  for (let i = 0; i < strides; i++) {
    const end = (i + 1) * stride - 2;
    if (r[end] !== a || r[end + 1] !== b) return false;
  }
  for (let i = 0; i < strides; i++) {
    const end = (i + 1) * stride - 2;
    r[end] = r[usaOff + 2 + i * 2]!;
    r[end + 1] = r[usaOff + 3 + i * 2]!;
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

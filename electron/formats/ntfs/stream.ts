/**
 * A Reader over a non-resident attribute: runs → volume clusters, sparse runs and the bytes past
 * the initialized size read as zeros, compressed attributes decoded one compression unit at a
 * time (LZNT1) with a small cache so sequential reads decode each unit once.
 */
import { ParseError } from '../../common/issues.js';
import { clampRange, type Reader } from '../../io/reader.js';
import { lznt1Decompress } from './lznt1.js';
import type { Run } from './types.js';

export interface StreamLayout {
  readonly runs: readonly Run[];
  readonly dataSize: number;
  readonly initializedSize: number;
  /** log2 clusters per compression unit; 0 = not compressed. */
  readonly compressionUnit: number;
  readonly clusterSize: number;
}

interface Segment { lcn: number | null; count: number }

const CU_CACHE = 4;

export class AttrStreamReader implements Reader {
  readonly size: number;
  private readonly cuCache = new Map<number, Uint8Array>();

  constructor(private readonly volume: Reader, private readonly layout: StreamLayout, readonly what: string) {
    this.size = layout.dataSize;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    if (r.length === 0) return new Uint8Array(0);
    const out = this.layout.compressionUnit ? await this.readCompressed(r.start, r.length) : await this.readPlain(r.start, r.length);
    const init = this.layout.initializedSize;
    if (r.start + r.length <= init) return out;
    // Copy before zeroing: a plain read may hand back the volume reader's own buffer.
    const copy = new Uint8Array(out); // never Buffer.slice(), which is a view
    copy.fill(0, Math.max(0, init - r.start));
    return copy;
  }

  async close(): Promise<void> {}

  /** Absolute volume offset of byte `pos` of the stream, or null when it is sparse or unmapped. */
  volumeOffset(pos: number): number | null {
    const cs = this.layout.clusterSize;
    const vcn = Math.floor(pos / cs);
    const runs = this.layout.runs;
    let lo = 0, hi = runs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = runs[mid]!;
      if (vcn < r.vcn) hi = mid - 1;
      else if (vcn >= r.vcn + r.length) lo = mid + 1;
      else return r.lcn === null ? null : (r.lcn + vcn - r.vcn) * cs + (pos % cs);
    }
    return null;
  }

  /** The clusters behind VCNs [vcn, vcn+count), sparse or missing runs as lcn null. */
  private segments(vcn: number, count: number): Segment[] {
    const runs = this.layout.runs;
    let lo = 0, hi = runs.length - 1, i = runs.length;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (runs[mid]!.vcn + runs[mid]!.length > vcn) { i = mid; hi = mid - 1; } else lo = mid + 1;
    }
    const out: Segment[] = [];
    let v = vcn;
    const end = vcn + count;
    while (v < end) {
      const run = runs[i];
      if (!run || run.vcn > v) {
        const n = Math.min(end, run ? run.vcn : end) - v;
        out.push({ lcn: null, count: n });
        v += n;
        continue;
      }
      const n = Math.min(end, run.vcn + run.length) - v;
      out.push({ lcn: run.lcn === null ? null : run.lcn + (v - run.vcn), count: n });
      v += n;
      i++;
    }
    return out;
  }

  private async readPlain(start: number, length: number): Promise<Uint8Array> {
    const cs = this.layout.clusterSize;
    const firstVcn = Math.floor(start / cs);
    const lastVcn = Math.floor((start + length - 1) / cs);
    const segs = this.segments(firstVcn, lastVcn - firstVcn + 1);
    const skip = start - firstVcn * cs;
    if (segs.length === 1 && segs[0]!.lcn !== null) return this.volRead(segs[0]!.lcn * cs + skip, length);
    const out = new Uint8Array(length);
    let vcnPos = firstVcn * cs;
    for (const s of segs) {
      const segStart = Math.max(vcnPos, start);
      const segEnd = Math.min(vcnPos + s.count * cs, start + length);
      if (s.lcn !== null && segEnd > segStart) out.set(await this.volRead(s.lcn * cs + (segStart - vcnPos), segEnd - segStart), segStart - start);
      vcnPos += s.count * cs;
    }
    return out;
  }

  private async volRead(off: number, len: number): Promise<Uint8Array> {
    const b = await this.volume.read(off, len);
    if (b.length !== len) throw new ParseError('truncated', { what: `${this.what} clusters`, offset: off, need: len, have: b.length });
    return b;
  }

  private async readCompressed(start: number, length: number): Promise<Uint8Array> {
    const cuBytes = this.layout.clusterSize << this.layout.compressionUnit;
    const out = new Uint8Array(length);
    for (let cu = Math.floor(start / cuBytes); cu * cuBytes < start + length; cu++) {
      const data = await this.unit(cu, cuBytes);
      const from = Math.max(start, cu * cuBytes);
      const to = Math.min(start + length, (cu + 1) * cuBytes);
      out.set(data.subarray(from - cu * cuBytes, to - cu * cuBytes), from - start);
    }
    return out;
  }

  /** One compression unit: all sparse → zeros; fully allocated → stored; else LZNT1 over the allocated clusters. */
  private async unit(cu: number, cuBytes: number): Promise<Uint8Array> {
    const hit = this.cuCache.get(cu);
    if (hit) return hit;
    const cs = this.layout.clusterSize;
    const perUnit = 1 << this.layout.compressionUnit;
    const segs = this.segments(cu * perUnit, perUnit);
    const allocated = segs.reduce((n, s) => n + (s.lcn === null ? 0 : s.count), 0);
    let data: Uint8Array;
    if (allocated === 0) data = new Uint8Array(cuBytes);
    else {
      const parts: Uint8Array[] = [];
      for (const s of segs) if (s.lcn !== null) parts.push(await this.volRead(s.lcn * cs, s.count * cs));
      const raw = parts.length === 1 ? parts[0]! : concat(parts, allocated * cs);
      const firstLcn = segs.find((s) => s.lcn !== null)!.lcn! * cs;
      data = allocated === perUnit ? raw : lznt1Decompress(raw, cuBytes, firstLcn);
    }
    this.cuCache.set(cu, data);
    if (this.cuCache.size > CU_CACHE) this.cuCache.delete(this.cuCache.keys().next().value!);
    return data;
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

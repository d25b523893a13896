/**
 * On-demand access to the hive bins area: 64 KiB windows read through the Reader and kept in a
 * small LRU cache, so a 100+ MiB hive never sits in memory whole. Dirty sectors recovered from
 * transaction logs lie over the file's bytes (in memory only; the evidence is never written).
 */
import { ParseError } from '../../common/issues.js';
import type { Reader } from '../../io/reader.js';
import { HBINS_START, REGF_LIMITS, SECTOR } from './constants.js';

export class HiveStore {
  private readonly cache = new Map<number, Uint8Array>();
  /** Sector index (512 bytes, relative to the hbins start) → replacement bytes. */
  private readonly overlay = new Map<number, Uint8Array>();
  private overlayByBlock = new Map<number, number[]>();
  private indexStale = false;
  /** End of the bins area we serve: min(declared size, bytes present), or further when logs extend it. */
  limit: number;

  constructor(private readonly reader: Reader, declaredBinsSize: number) {
    const inFile = Math.max(0, reader.size - HBINS_START);
    this.limit = declaredBinsSize > 0 ? Math.min(declaredBinsSize, inFile) : inFile;
  }

  get fileBins(): number {
    return Math.max(0, this.reader.size - HBINS_START);
  }

  /** Lay recovered bytes over `[offset, offset+data.length)` (sector-aligned, from a log). */
  patch(offset: number, data: Uint8Array): void {
    if (offset % SECTOR !== 0 || data.length % SECTOR !== 0) {
      throw new ParseError('out-of-bounds', { what: 'dirty page alignment', offset });
    }
    for (let i = 0; i < data.length; i += SECTOR) this.overlay.set((offset + i) / SECTOR, data.subarray(i, i + SECTOR));
    this.cache.clear();
    this.mru = -1;
    this.indexStale = true;
  }

  private reindex(): void {
    this.indexStale = false;
    this.overlayByBlock = new Map();
    const per = REGF_LIMITS.blockBytes / SECTOR;
    for (const s of this.overlay.keys()) {
      const b = Math.floor(s / per);
      const list = this.overlayByBlock.get(b);
      if (list) list.push(s);
      else this.overlayByBlock.set(b, [s]);
    }
  }

  /** Bytes that really exist behind the bins: the file's, or further where logs supplied pages. */
  get extent(): number {
    let end = this.fileBins;
    for (const sec of this.overlay.keys()) end = Math.max(end, (sec + 1) * SECTOR);
    return end;
  }

  get patchedSectors(): number {
    return this.overlay.size;
  }

  private mru = -1;

  /** A cached block, refreshed in LRU order (cheap when it is already the most recent). */
  private cached(index: number): Uint8Array | undefined {
    const hit = this.cache.get(index);
    if (hit && index !== this.mru) {
      this.cache.delete(index);
      this.cache.set(index, hit);
      this.mru = index;
    }
    return hit;
  }

  private async load(index: number): Promise<Uint8Array> {
    if (this.indexStale) this.reindex();
    const bs = REGF_LIMITS.blockBytes;
    let data = await this.reader.read(HBINS_START + index * bs, bs);
    const sectors = this.overlayByBlock.get(index);
    if (sectors || data.length < bs) {
      const full = new Uint8Array(bs);
      full.set(data);
      for (const s of sectors ?? []) full.set(this.overlay.get(s)!, s * SECTOR - index * bs);
      data = full;
    }
    this.cache.set(index, data);
    this.mru = index;
    if (this.cache.size > REGF_LIMITS.cacheBlocks) this.cache.delete(this.cache.keys().next().value!);
    return data;
  }

  /** `len` bytes at `off` (relative to the hbins start); throws unless all lie inside the limit. */
  async bytes(off: number, len: number, what: string): Promise<Uint8Array> {
    if (!Number.isSafeInteger(off) || !Number.isSafeInteger(len) || off < 0 || len < 0 || off + len > this.limit) {
      throw new ParseError('out-of-bounds', { what, offset: off + HBINS_START, need: len, have: Math.max(0, this.limit - off) },
        `${what} at hive offset 0x${off.toString(16)} (+${len}) lies outside the hive bins (0x${this.limit.toString(16)} bytes)`);
    }
    const bs = REGF_LIMITS.blockBytes;
    const first = Math.floor(off / bs);
    const last = Math.floor((off + Math.max(len, 1) - 1) / bs);
    if (first === last) {
      const b = this.cached(first) ?? (await this.load(first));
      return b.subarray(off - first * bs, off - first * bs + len);
    }
    const out = new Uint8Array(len);
    for (let i = first; i <= last; i++) {
      const b = this.cached(i) ?? (await this.load(i));
      const start = Math.max(off, i * bs);
      const end = Math.min(off + len, (i + 1) * bs);
      out.set(b.subarray(start - i * bs, end - i * bs), start - off);
    }
    return out;
  }
}

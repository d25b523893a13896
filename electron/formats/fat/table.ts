/**
 * The file allocation table (SPEC.md § FAT): the first copy only, read in 64 KiB windows through a
 * bounded cache so a 2 TiB FAT32 volume never loads its whole table. Chains are followed with a
 * visited set and a length cap; a loop, an out-of-range link or a free cluster inside a chain
 * ends the chain and is reported, never followed.
 */
import { BlockCache } from '../../io/block-cache.js';
import type { Reader } from '../../io/reader.js';
import type { FatBoot } from './boot.js';

const WINDOW = 64 * 1024;

export interface Chain {
  readonly clusters: number[];
  /** Why the chain ended early (null: it reached an end-of-chain mark or the wanted length). */
  readonly problem: string | null;
}

export class FatTable {
  private readonly cache: BlockCache;
  private readonly start: number;
  private readonly bytes: number;

  constructor(private readonly reader: Reader, readonly boot: FatBoot) {
    this.start = boot.reservedSectors * boot.bytesPerSector;
    this.bytes = boot.fatSectors * boot.bytesPerSector;
    this.cache = new BlockCache((i) => reader.read(this.start + i * WINDOW, Math.min(WINDOW, this.bytes - i * WINDOW)), 8 * 1024 * 1024);
  }

  private async byte(off: number): Promise<number> {
    if (off >= this.bytes) return 0;
    const w = await this.cache.get(Math.floor(off / WINDOW));
    return w[off % WINDOW] ?? 0; // a window cut short by the image end reads as free entries
  }

  /** The raw FAT entry of a cluster (28 bits on FAT32). */
  async entry(cluster: number): Promise<number> {
    const t = this.boot.type;
    if (t === 12) {
      const off = Math.floor((cluster * 3) / 2);
      const v = (await this.byte(off)) | ((await this.byte(off + 1)) << 8);
      return cluster & 1 ? v >> 4 : v & 0xfff;
    }
    if (t === 16) {
      const off = cluster * 2;
      return (await this.byte(off)) | ((await this.byte(off + 1)) << 8);
    }
    const off = cluster * 4;
    const v = (await this.byte(off)) | ((await this.byte(off + 1)) << 8) | ((await this.byte(off + 2)) << 16) | ((await this.byte(off + 3)) << 24);
    return (v >>> 0) & 0x0fffffff;
  }

  /** End-of-chain marks (>= 0xFF8 / 0xFFF8 / 0x0FFFFFF8). */
  isEnd(v: number): boolean {
    const t = this.boot.type;
    return v >= (t === 12 ? 0xff8 : t === 16 ? 0xfff8 : 0x0ffffff8);
  }

  isBad(v: number): boolean {
    const t = this.boot.type;
    return v === (t === 12 ? 0xff7 : t === 16 ? 0xfff7 : 0x0ffffff7);
  }

  validCluster(c: number): boolean {
    return c >= 2 && c < this.boot.clusterLimit;
  }

  /** True when the FAT marks the cluster in use. */
  async allocated(cluster: number): Promise<boolean> {
    return (await this.entry(cluster)) !== 0;
  }

  /** The chain from `first`, at most `max` clusters (callers pass what the size or a cap allows). */
  async chain(first: number, max: number): Promise<Chain> {
    const clusters: number[] = [];
    const seen = new Set<number>();
    let c = first;
    while (clusters.length < max) {
      if (!this.validCluster(c)) return { clusters, problem: `cluster ${c} outside the volume (2..${this.boot.clusterLimit - 1})` };
      if (seen.has(c)) return { clusters, problem: `cluster chain loops back to cluster ${c}` };
      seen.add(c);
      clusters.push(c);
      const next = await this.entry(c);
      if (this.isEnd(next)) return { clusters, problem: null };
      if (next === 0) return { clusters, problem: `cluster ${c} links to a free cluster` };
      if (this.isBad(next)) return { clusters, problem: `cluster ${c} links to a bad-cluster mark` };
      c = next;
    }
    return { clusters, problem: null };
  }

  /** Byte offset in the volume of a cluster's first byte. */
  clusterOffset(cluster: number): number {
    const b = this.boot;
    return (b.clusterHeapSector + (cluster - 2) * b.sectorsPerCluster) * b.bytesPerSector;
  }
}

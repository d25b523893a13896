/**
 * A FAT12/16/32 volume: boot sector, first FAT, directories and file contents (SPEC.md). Reads
 * are bounded: a directory is at most MAX_DIR_BYTES, a chain never longer than the volume has
 * clusters, and every problem met is recorded in `issues` instead of thrown past the caller.
 */
import { ParseError } from '../../common/issues.js';
import { pushIssue, type ReadIssue } from '../../io/block-cache.js';
import { ExtentReader, pushExtent, type Extent } from '../../io/extent-reader.js';
import type { Reader } from '../../io/reader.js';
import { parseFatBoot, type FatBoot } from './boot.js';
import { parseDirectory, type FatDirEntry } from './dir.js';
import { plausibleSlot } from './probe.js';
import { FatTable } from './table.js';

/** The FAT specification allows 65,536 slots (2 MiB) per directory. */
export const MAX_DIR_BYTES = 2 * 1024 * 1024;
/** TSK's address of the root directory. */
export const ROOT_INODE = 2;

export class FatVolume {
  readonly issues: ReadIssue[] = [];
  readonly table: FatTable;
  /** First sector TSK counts slot addresses from (the fixed root on FAT12/16, cluster 2 on FAT32). */
  private readonly firstDataByte: number;

  private constructor(readonly reader: Reader, readonly boot: FatBoot) {
    this.table = new FatTable(reader, boot);
    this.firstDataByte = (boot.type === 32 ? boot.clusterHeapSector : boot.rootDirSector) * boot.bytesPerSector;
  }

  static async open(reader: Reader): Promise<FatVolume> {
    const head = await reader.read(0, 512);
    if (head.length < 512) throw new ParseError('truncated', { what: 'FAT boot sector', offset: 0, need: 512, have: head.length });
    const boot = parseFatBoot(head);
    const v = new FatVolume(reader, boot);
    const declared = boot.totalSectors * boot.bytesPerSector;
    if (declared > reader.size) pushIssue(v.issues, { message: `volume declares ${declared} bytes but ${reader.size} are present; missing bytes read as zeros`, offset: null, file: null });
    return v;
  }

  get clusterSize(): number {
    return this.boot.clusterSize;
  }

  /** The root directory's entries (label included, as TSK lists it). */
  async rootEntries(): Promise<FatDirEntry[]> {
    const b = this.boot;
    if (b.type !== 32) {
      const start = b.rootDirSector * b.bytesPerSector;
      const bytes = await this.reader.read(start, Math.min(b.rootDirSectors * b.bytesPerSector, MAX_DIR_BYTES));
      return this.parse(bytes, [{ logical: 0, physical: start, length: bytes.length }], '/');
    }
    return this.readDir(b.rootCluster, false, '/');
  }

  /** Entries of a directory entry (a deleted directory: its first cluster only, as TSK reads it). */
  async children(dir: FatDirEntry, where: string): Promise<FatDirEntry[]> {
    if (!dir.isDir) return [];
    if (dir.firstCluster === 0) return this.rootEntries(); // `..` of a top-level directory: never listed, but safe
    return this.readDir(dir.firstCluster, dir.deleted, where);
  }

  private async readDir(first: number, deleted: boolean, where: string): Promise<FatDirEntry[]> {
    const cs = this.clusterSize;
    let extents: Extent[];
    if (deleted) {
      // The FAT no longer holds the chain; an unallocated first cluster is the best surviving guess.
      if (!this.table.validCluster(first) || (await this.table.allocated(first))) return [];
      extents = [{ logical: 0, physical: this.table.clusterOffset(first), length: cs }];
    } else {
      const chain = await this.table.chain(first, Math.max(1, Math.floor(MAX_DIR_BYTES / cs)));
      if (chain.problem) pushIssue(this.issues, { message: `directory ${where}: ${chain.problem}`, offset: null, file: where });
      extents = this.clusterExtents(chain.clusters, chain.clusters.length * cs);
    }
    const total = extents.reduce((a, e) => a + e.length, 0);
    const bytes = await new ExtentReader(this.reader, extents, total).read(0, total);
    return this.parse(bytes, extents, where, deleted);
  }

  /** TSK's address of the 32-byte slot at byte `physical` of the volume. */
  slotInode(physical: number): number {
    return 3 + Math.floor((physical - this.firstDataByte) / 32);
  }

  /**
   * TSK's addresses of its virtual files, numbered after the last slot of the volume: $MBR, one
   * per FAT ($FAT2 only when there are exactly two), then $OrphanFiles.
   */
  get virtualInodes(): { mbr: number; fat1: number; fat2: number | null; orphans: number } {
    const b = this.boot;
    const mbr = this.slotInode(b.totalSectors * b.bytesPerSector);
    return { mbr, fat1: mbr + 1, fat2: b.numFats === 2 ? mbr + 2 : null, orphans: mbr + b.numFats + 1 };
  }

  private parse(bytes: Uint8Array, extents: readonly Extent[], where: string, unallocated = false): FatDirEntry[] {
    const inodeOf = (slot: number): number => {
      const pos = slot * 32;
      const e = extents.find((x) => pos >= x.logical && pos < x.logical + x.length);
      const phys = e && e.physical !== null ? e.physical + (pos - e.logical) : this.firstDataByte;
      return 3 + Math.floor((phys - this.firstDataByte) / 32);
    };
    const { entries, skipped } = parseDirectory(bytes, inodeOf, unallocated, unallocated ? (s) => plausibleSlot(s, this.boot) : null);
    if (skipped) pushIssue(this.issues, { message: `directory ${where}: ${skipped} slot(s) with invalid attributes skipped`, offset: null, file: where });
    return entries;
  }

  private clusterExtents(clusters: readonly number[], size: number): Extent[] {
    const out: Extent[] = [];
    const cs = this.clusterSize;
    for (let i = 0; i < clusters.length && i * cs < size; i++) pushExtent(out, i * cs, this.table.clusterOffset(clusters[i]!), Math.min(cs, size - i * cs));
    return out;
  }

  /**
   * Where a file's bytes lie. Allocated: its cluster chain, cut to the size. Deleted: the FAT chain
   * is gone, so (as TSK recovers it) the file takes the free clusters from its first one onwards,
   * stepping over clusters in use; a first cluster in use gives that one cluster only, and a volume
   * that runs out of free clusters first gives nothing (SPEC.md § Deleted files).
   */
  async fileExtents(f: FatDirEntry, where: string): Promise<Extent[]> {
    if (f.size === 0 || f.isLabel) return [];
    const cs = this.clusterSize;
    const need = Math.ceil(f.size / cs);
    if (!this.table.validCluster(f.firstCluster)) {
      pushIssue(this.issues, { message: `${where}: first cluster ${f.firstCluster} outside the volume; content unreadable`, offset: null, file: where });
      return [];
    }
    if (f.deleted) return this.recoverExtents(f, need, where);
    const chain = await this.table.chain(f.firstCluster, need);
    if (chain.problem || chain.clusters.length < need) {
      pushIssue(this.issues, { message: `${where}: ${chain.problem ?? 'cluster chain shorter than the file size'}; the rest reads as zeros`, offset: null, file: where });
    }
    return this.clusterExtents(chain.clusters, f.size);
  }

  private async recoverExtents(f: FatDirEntry, need: number, where: string): Promise<Extent[]> {
    const cs = this.clusterSize;
    if (await this.table.allocated(f.firstCluster)) {
      pushIssue(this.issues, { message: `${where}: deleted file's first cluster ${f.firstCluster} is in use again; only that cluster is read`, offset: null, file: where });
      return [{ logical: 0, physical: this.table.clusterOffset(f.firstCluster), length: Math.min(f.size, cs) }];
    }
    const clusters: number[] = [];
    // Bounded by the volume: every step moves one cluster on.
    for (let c = f.firstCluster; clusters.length < need; c++) {
      if (c >= this.boot.clusterLimit) {
        pushIssue(this.issues, { message: `${where}: too few free clusters after cluster ${f.firstCluster} for ${f.size} bytes; content not recovered`, offset: null, file: where });
        return [];
      }
      if (!(await this.table.allocated(c))) clusters.push(c);
    }
    return this.clusterExtents(clusters, f.size);
  }

  /** Raw bytes of `count` clusters from `first` (the orphan scan reads free clusters this way). */
  readClusters(first: number, count: number): Promise<Uint8Array> {
    return this.reader.read(this.table.clusterOffset(first), count * this.clusterSize);
  }

  async openFile(f: FatDirEntry, where: string): Promise<Reader> {
    return new ExtentReader(this.reader, await this.fileExtents(f, where), f.isLabel ? 0 : f.size);
  }
}

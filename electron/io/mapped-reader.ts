/**
 * A virtual disk whose blocks are mostly plain ranges of the image file (dynamic VHD/VHDX, sparse
 * VMDK, QCOW2 clusters that are not compressed) read straight from the file: the bytes a caller
 * asks for, in one pread per run of blocks that sit back to back in the file, with no cache
 * copy. Going through a decoded-block cache instead costs a whole cache unit (up to 1 MiB) per
 * 4 KiB NTFS index block read at random, which made listing a VHDX read ~1 GB to list 50,000 files.
 *
 * Only blocks whose mapping is unusual (partially present, compressed, or pointing outside the file
 * — where the block reader reports the problem once, located) go through the `slow` BlockReader,
 * so every reading of a block still agrees with what the cached path gives.
 */
import { clampRange, type Reader } from './reader.js';

/** Where block `i` lives: a file offset of its first byte, all zeros, or ask the slow path. */
export type BlockPlace = { file: number } | 'zero' | 'slow';

export class MappedReader implements Reader {
  constructor(
    readonly size: number,
    private readonly blockSize: number,
    private readonly file: Reader,
    private readonly place: (block: number) => BlockPlace,
    private readonly slow: Reader,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    if (r.length === 0) return new Uint8Array(0);
    const bs = this.blockSize;
    const end = r.start + r.length;
    let out: Uint8Array | null = null;
    let pos = r.start;
    while (pos < end) {
      const block = Math.floor(pos / bs);
      const where = this.place(block);
      // Extend the piece over following blocks of the same kind (and, for file blocks, adjacent in the file).
      let pieceEnd = Math.min(end, (block + 1) * bs);
      for (let b = block + 1; pieceEnd < end; b++) {
        const next = this.place(b);
        const same = where === next || (typeof where === 'object' && typeof next === 'object' && next.file === where.file + (b - block) * bs);
        if (!same) break;
        pieceEnd = Math.min(end, (b + 1) * bs);
      }
      const len = pieceEnd - pos;
      const bytes = where === 'zero' ? null
        : where === 'slow' ? await this.slow.read(pos, len)
        : await this.fileBytes(where.file + (pos - block * bs), len, pos);
      if (pos === r.start && pieceEnd === end) return bytes ?? new Uint8Array(len);
      out ??= new Uint8Array(r.length);
      if (bytes) out.set(bytes.subarray(0, len), pos - r.start);
      pos = pieceEnd;
    }
    return out!;
  }

  /** A file range the mapping vouched for; a short read (truncated image) goes to the slow path, which reports it. */
  private async fileBytes(at: number, len: number, virtualAt: number): Promise<Uint8Array> {
    if (at + len > this.file.size) return this.slow.read(virtualAt, len);
    const b = await this.file.read(at, len);
    return b.length === len ? b : this.slow.read(virtualAt, len);
  }

  close(): Promise<void> {
    return this.slow.close();
  }
}

/**
 * Copy-on-write reconstruction: a store's view of the volume is the current volume with the
 * blocks of that store and of every newer store laid over it (SPEC.md "Reading snapshot data").
 * Stores are ordered oldest first; store i falls through to store i+1 for blocks it did not
 * preserve, and the newest store falls through to the current volume.
 */
import { BlockReader, type ReadIssue } from '../../io/block-cache.js';
import type { Reader } from '../../io/reader.js';
import { FLAG, readBlockMap, StoreBitmap, type BlockMap, type Descriptor } from './block-list.js';
import type { CatalogStore } from './structs.js';
import { VSS_BLOCK } from './structs.js';

const SECTOR = 512;

/** Per-store state loaded on first use: reading an old store needs every newer store's map too. */
interface Loaded { map: BlockMap; bitmap: StoreBitmap | null; previous: StoreBitmap | null }

export class SnapshotChain {
  private readonly loaded = new Map<number, Promise<Loaded>>();

  constructor(readonly volume: Reader, readonly stores: readonly CatalogStore[]) {}

  load(i: number): Promise<Loaded> {
    let p = this.loaded.get(i);
    if (!p) {
      const s = this.stores[i]!;
      p = (async () => ({
        map: await readBlockMap(this.volume, s.blockListOffset, s.volumeSize),
        bitmap: await StoreBitmap.open(this.volume, s.bitmapOffset, s.volumeSize),
        previous: await StoreBitmap.open(this.volume, s.previousBitmapOffset, s.volumeSize),
      }))();
      this.loaded.set(i, p);
      p.catch(() => this.loaded.delete(i));
    }
    return p;
  }

  /** A Reader of store `i`'s volume as it was when that shadow copy was taken. */
  reader(i: number, issues: ReadIssue[] = [], cacheBytes = 8 * 1024 * 1024): Reader {
    const s = this.stores[i]!;
    return new BlockReader(s.volumeSize, VSS_BLOCK, (b) => this.block(i, b * VSS_BLOCK, Math.min(VSS_BLOCK, s.volumeSize - b * VSS_BLOCK)), issues, async () => {}, { cacheBytes, file: `vss store ${s.id}` });
  }

  /** `length` bytes of the block at `offset` (block-aligned) as store `active` sees it. */
  private async block(active: number, offset: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    await this.fill(active, active, offset, out);
    return out;
  }

  /** Fill `out` with the bytes at `offset` of store `s`'s view, reading for store `active`. */
  private async fill(active: number, s: number, offset: number, out: Uint8Array): Promise<void> {
    const inBlock = offset % VSS_BLOCK;
    if (inBlock + out.length > VSS_BLOCK) {
      // Only a forwarder with an unaligned relative offset gets here: split at the block boundary.
      const head = VSS_BLOCK - inBlock;
      await this.fill(active, s, offset, out.subarray(0, head));
      return this.fill(active, s, offset + head, out.subarray(head));
    }
    const base = offset - inBlock;
    const { map } = await this.load(s);
    const d = map.forward.get(base);
    if (d && !(d.flags & FLAG.overlay)) {
      if (d.flags & FLAG.forwarder && s + 1 < this.stores.length) await this.fill(active, s + 1, d.rel + inBlock, out);
      else await this.volumeRead(d.store + inBlock, out);
      if (d.overlay && s === active) await this.applyOverlay(d.overlay, inBlock, out);
      return;
    }
    await this.fallThrough(active, s, offset, out);
    // An overlay with no full block under it still holds the newest bytes of its sectors for its own store.
    if (d && s === active) await this.applyOverlay(d, inBlock, out);
  }

  private async fallThrough(active: number, s: number, offset: number, out: Uint8Array): Promise<void> {
    if (s + 1 < this.stores.length) return this.fill(active, s + 1, offset, out);
    const { map, bitmap, previous } = await this.load(s);
    const base = offset - (offset % VSS_BLOCK);
    // Only a read of the newest store itself blanks unused blocks; older stores see the volume there.
    if (active === s && !map.reverse.has(base) && bitmap && (await bitmap.isSet(base)) && (!previous || (await previous.isSet(base)))) {
      out.fill(0); // a block no store used: Windows leaves it undefined; read as zeros (as libvshadow does)
      return;
    }
    await this.volumeRead(offset, out);
  }

  private async applyOverlay(ov: Descriptor, inBlock: number, out: Uint8Array): Promise<void> {
    for (let sector = 0; sector < 32; sector++) {
      if (!((ov.bitmap >>> sector) & 1)) continue;
      const from = Math.max(sector * SECTOR, inBlock);
      const to = Math.min((sector + 1) * SECTOR, inBlock + out.length);
      if (from >= to) continue;
      const bytes = await this.volume.read(ov.store + from, to - from);
      out.set(bytes, from - inBlock);
    }
  }

  /** Volume bytes, zeros past its end (a catalog volume size larger than the image). */
  private async volumeRead(offset: number, out: Uint8Array): Promise<void> {
    if (offset >= this.volume.size) return;
    const b = await this.volume.read(offset, Math.min(out.length, this.volume.size - offset));
    out.set(b.subarray(0, out.length));
  }
}

/**
 * Microsoft Virtual Hard Disk (VHD, "conectix"): fixed, dynamic and differencing → a Reader of the
 * virtual disk. See SPEC.md. A differencing disk's parent is found by the caller (it knows the file
 * system) through `openParent`, given the locator paths in preference order.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { BlockReader, pushIssue, type ReadIssue } from '../../io/block-cache.js';
import { MappedReader, type BlockPlace } from '../../io/mapped-reader.js';
import type { Reader } from '../../io/reader.js';
import { SliceReader } from '../../io/slice-reader.js';
import { DISK_DIFFERENCING, DISK_DYNAMIC, DISK_FIXED, findFooter, readDynamicHeader, type ParentLocator } from './headers.js';

export { VHD_COOKIE, type ParentLocator } from './headers.js';

export interface VhdImage {
  reader: Reader;
  diskType: 'fixed' | 'dynamic' | 'differencing';
  info: Record<string, string | number>;
  issues: ReadIssue[];
  /** Set for a differencing disk: what it names as its parent. */
  parent: { uniqueId: string; name: string; locators: ParentLocator[]; found: boolean } | null;
}

/** 2^24 BAT entries × 2 MiB blocks = 32 TiB, far above any real VHD (the format stops at 2 TiB). */
const MAX_BAT_ENTRIES = 1 << 24;

/** True when the first or last 512 bytes hold a VHD footer cookie. */
export function sniffVhd(head: Uint8Array, tail: Uint8Array): boolean {
  const is = (b: Uint8Array) => b.length >= 8 && new TextDecoder('latin1').decode(b.subarray(0, 8)) === 'conectix';
  return is(head) || is(tail);
}

export async function openVhd(
  reader: Reader,
  opts: { file?: string; issues?: ReadIssue[]; openParent?: (parent: NonNullable<VhdImage['parent']>) => Promise<Reader | null>; cacheBytes?: number } = {},
): Promise<VhdImage> {
  const issues = opts.issues ?? [];
  const file = opts.file ?? null;
  const footer = await findFooter(reader);
  if (!footer.checksumOk) pushIssue(issues, { message: 'VHD footer checksum mismatch (footer used anyway)', offset: footer.at, file });
  if (footer.at === 0 && footer.diskType !== DISK_FIXED) pushIssue(issues, { message: 'VHD footer at end of file missing or damaged; copy at offset 0 used', offset: reader.size - 512, file });
  const info: Record<string, string | number> = { 'media size': footer.currentSize, identifier: footer.uniqueId, creator: footer.creatorApp };

  if (footer.diskType === DISK_FIXED) {
    info['disk type'] = 'fixed';
    if (footer.currentSize > reader.size) pushIssue(issues, { message: `fixed VHD holds ${reader.size} bytes of ${footer.currentSize}: truncated, the rest is missing`, offset: reader.size, file });
    return { reader: new SliceReader(reader, 0, Math.min(footer.currentSize, Math.max(0, reader.size - 512))), diskType: 'fixed', info, issues, parent: null };
  }
  if (footer.diskType !== DISK_DYNAMIC && footer.diskType !== DISK_DIFFERENCING) {
    throw new ParseError('unsupported-version', { what: 'VHD disk type', offset: footer.at + 60 }, `VHD disk type ${footer.diskType} is not fixed, dynamic or differencing`);
  }
  if (footer.dataOffset === null || footer.dataOffset < 0 || footer.dataOffset + 1024 > reader.size) {
    throw new ParseError('out-of-bounds', { what: 'VHD dynamic header offset', offset: footer.at + 16 });
  }
  const dh = await readDynamicHeader(reader, footer.dataOffset);
  if (!dh.checksumOk) pushIssue(issues, { message: 'VHD dynamic header checksum mismatch (used anyway)', offset: footer.dataOffset, file });
  const differencing = footer.diskType === DISK_DIFFERENCING;
  info['disk type'] = differencing ? 'differencing' : 'dynamic';
  info['block size'] = dh.blockSize;

  const blocks = Math.ceil(footer.currentSize / dh.blockSize);
  const entries = Math.min(dh.maxTableEntries, blocks, MAX_BAT_ENTRIES, Math.max(0, Math.floor((reader.size - dh.tableOffset) / 4)));
  if (entries < blocks) pushIssue(issues, { message: `BAT lists ${entries} of ${blocks} blocks; the rest read as zeros`, offset: dh.tableOffset, file });
  const bat = new ByteCursor(await reader.read(dh.tableOffset, entries * 4), dh.tableOffset);
  const batAt = (i: number) => (i < entries ? bat.u32be(i * 4, 'BAT entry') : 0xffffffff);
  const bitmapBytes = Math.ceil(dh.blockSize / 512 / 8 / 512) * 512;

  let parentReader: Reader | null = null;
  let parent: VhdImage['parent'] = null;
  if (differencing) {
    parent = { uniqueId: dh.parentUniqueId, name: dh.parentName, locators: dh.locators, found: false };
    info['parent identifier'] = dh.parentUniqueId;
    info['parent name'] = dh.parentName;
    parentReader = opts.openParent ? await opts.openParent(parent) : null;
    parent.found = parentReader !== null;
    if (!parentReader) pushIssue(issues, { message: `parent disk '${dh.parentName}' (${dh.parentUniqueId}) not found beside the differencing disk; sectors it holds read as zeros`, offset: null, file });
  }

  // Cache units of at most 1 MiB: a 512-byte read must not decode a whole (up to 256 MiB) block.
  const unit = Math.min(dh.blockSize, 1024 * 1024);
  const loadUnit = async (j: number): Promise<Uint8Array> => {
    const blockStart = j * unit;
    const want = Math.min(unit, footer.currentSize - blockStart);
    const i = Math.floor(blockStart / dh.blockSize);
    const inner = blockStart - i * dh.blockSize;
    const e = batAt(i);
    const fromParent = async () => (parentReader ? padded(await parentReader.read(blockStart, want), want) : new Uint8Array(want));
    if (e === 0xffffffff) return fromParent();
    const at = e * 512;
    if (at + bitmapBytes + inner + want > reader.size) {
      throw new ParseError('out-of-bounds', { what: 'BAT entry', offset: dh.tableOffset + i * 4 }, `BAT entry ${i} points to sector ${e}, past the end of the file`);
    }
    const data = padded(await reader.read(at + bitmapBytes + inner, want), want);
    if (!differencing) return data; // as qemu and Hyper-V do, a dynamic disk's bitmap is not consulted
    const bitmap = await reader.read(at, bitmapBytes);
    const base = await fromParent();
    const s0 = inner / 512;
    for (let s = 0; s * 512 < want; s++) {
      const k = s0 + s;
      if ((bitmap[k >> 3]! & (0x80 >> (k & 7))) !== 0) base.set(data.subarray(s * 512, Math.min(want, s * 512 + 512)), s * 512);
    }
    return base;
  };
  const cached = new BlockReader(footer.currentSize, unit, loadUnit, issues, async () => { await parentReader?.close(); }, { file, cacheBytes: opts.cacheBytes ?? 32 * 1024 * 1024 });
  // A dynamic disk's present blocks are read straight from the file (its bitmap is not consulted, as
  // above); a differencing disk merges with its parent sector by sector, so it keeps the cache.
  if (differencing) return { reader: cached, diskType: 'differencing', info, issues, parent };
  const place = (i: number): BlockPlace => {
    const e = batAt(i);
    if (e === 0xffffffff) return 'zero';
    const at = e * 512 + bitmapBytes;
    return at + dh.blockSize <= reader.size ? { file: at } : 'slow';
  };
  return { reader: new MappedReader(footer.currentSize, dh.blockSize, reader, place, cached), diskType: 'dynamic', info, issues, parent };
}

function padded(b: Uint8Array, want: number): Uint8Array {
  if (b.length === want) return b;
  const out = new Uint8Array(want);
  out.set(b.subarray(0, want));
  return out;
}

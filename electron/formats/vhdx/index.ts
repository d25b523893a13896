/**
 * Hyper-V VHDX → a Reader of the virtual disk. See SPEC.md. The log is never replayed: a non-empty
 * log is reported (the image was not closed cleanly) and the blocks are read as the BAT says.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { BlockReader, pushIssue, type ReadIssue } from '../../io/block-cache.js';
import { MappedReader, type BlockPlace } from '../../io/mapped-reader.js';
import type { Reader } from '../../io/reader.js';
import { BAT_GUID, METADATA_GUID, readCurrentHeader, readMetadata, readRegions } from './headers.js';

export { crc32c } from './headers.js';

const MiB = 1024 * 1024;
const ZERO_GUID = '00000000-0000-0000-0000-000000000000';
/** 8M BAT entries (64 MiB of table) = 8 PiB at 1 GiB... far above the 64 TiB the format allows at 1 MiB blocks. */
const MAX_BAT_BYTES = 64 * MiB;

export interface VhdxParentInfo {
  linkage: string | null;
  /** Candidate paths in preference order: relative, volume, absolute. */
  paths: string[];
}

export interface VhdxImage {
  reader: Reader;
  info: Record<string, string | number>;
  issues: ReadIssue[];
  parent: (VhdxParentInfo & { found: boolean }) | null;
}

export function sniffVhdx(head: Uint8Array): boolean {
  return head.length >= 8 && new TextDecoder('latin1').decode(head.subarray(0, 8)) === 'vhdxfile';
}

export async function openVhdx(
  reader: Reader,
  opts: { file?: string; issues?: ReadIssue[]; openParent?: (p: VhdxParentInfo) => Promise<Reader | null>; cacheBytes?: number } = {},
): Promise<VhdxImage> {
  const issues = opts.issues ?? [];
  const file = opts.file ?? null;
  const note = (message: string, offset: number) => pushIssue(issues, { message, offset, file });
  const head = await reader.read(0, 8);
  if (!sniffVhdx(head)) throw new ParseError('bad-signature', { what: 'VHDX file type identifier', offset: 0 });
  const header = await readCurrentHeader(reader, note);
  if (header.logGuid !== ZERO_GUID) {
    note(`VHDX log is not empty (log GUID ${header.logGuid}, ${header.logLength} bytes at ${header.logOffset}): the disk was not closed cleanly; the log was not replayed, recent writes may be missing`, header.at + 48);
  }
  const regions = await readRegions(reader, note);
  const batRegion = regions.find((r) => r.guid === BAT_GUID);
  const metaRegion = regions.find((r) => r.guid === METADATA_GUID);
  if (!batRegion || !metaRegion) throw new ParseError('truncated', { what: 'VHDX BAT or metadata region', offset: 192 * 1024 }, 'VHDX region table lacks the BAT or metadata region');
  for (const r of regions) if (r.required && r.guid !== BAT_GUID && r.guid !== METADATA_GUID) {
    throw new ParseError('unsupported-version', { what: 'VHDX required region', offset: r.offset }, `VHDX has an unknown required region ${r.guid}`);
  }
  const meta = await readMetadata(reader, metaRegion);
  const size = meta.virtualDiskSize;
  const chunkRatio = (2 ** 23 * meta.logicalSectorSize) / meta.blockSize;
  const dataBlocks = Math.ceil(size / meta.blockSize);
  const batEntries = meta.hasParent
    ? Math.ceil(dataBlocks / chunkRatio) * (chunkRatio + 1)
    : dataBlocks + Math.floor(Math.max(0, dataBlocks - 1) / chunkRatio);
  const batBytes = Math.min(batEntries * 8, batRegion.length, MAX_BAT_BYTES, Math.max(0, reader.size - batRegion.offset));
  if (batBytes < batEntries * 8) note(`VHDX BAT holds ${Math.floor(batBytes / 8)} of ${batEntries} entries; the rest read as zeros`, batRegion.offset);
  const bat = new ByteCursor(await reader.read(batRegion.offset, batBytes), batRegion.offset);
  const entry = (i: number): { state: number; offset: number } => {
    if ((i + 1) * 8 > bat.length) return { state: 0, offset: 0 };
    const v = bat.u64big(i * 8, 'BAT entry');
    return { state: Number(v & 7n), offset: Number(v >> 20n) * MiB };
  };

  const info: Record<string, string | number> = {
    'media size': size,
    'block size': meta.blockSize,
    'bytes per sector': meta.logicalSectorSize,
    'disk type': meta.hasParent ? 'differencing' : 'dynamic',
  };
  if (meta.virtualDiskId) info.identifier = meta.virtualDiskId;

  let parentReader: Reader | null = null;
  let parent: VhdxImage['parent'] = null;
  if (meta.hasParent) {
    const pl = meta.parentLocator;
    const paths = [pl['relative_path'], pl['volume_path'], pl['absolute_win32_path']].filter((x): x is string => !!x);
    parent = { linkage: pl['parent_linkage'] ?? null, paths, found: false };
    info['parent path'] = paths[0] ?? '(none)';
    parentReader = opts.openParent ? await opts.openParent(parent) : null;
    parent.found = parentReader !== null;
    if (!parentReader) pushIssue(issues, { message: `parent disk ${paths[0] ?? '(no locator)'} not found beside the differencing VHDX; sectors it holds read as zeros`, offset: null, file });
  }

  const sectorsPerBlock = meta.blockSize / meta.logicalSectorSize;
  // Cache units of 1 MiB (blocks are 1..256 MiB): a sector read must not pull a whole block.
  const unit = MiB;
  const loadUnit = async (j: number): Promise<Uint8Array> => {
    const start = j * unit;
    const want = Math.min(unit, size - start);
    const i = Math.floor(start / meta.blockSize);
    const inner = start - i * meta.blockSize;
    const batIndex = i + Math.floor(i / chunkRatio);
    const e = entry(batIndex);
    const fromParent = async () => (parentReader ? fit(await parentReader.read(start, want), want) : new Uint8Array(want));
    const fileData = async () => {
      if (e.offset < MiB || e.offset + inner + want > reader.size) {
        throw new ParseError('out-of-bounds', { what: 'BAT payload entry', offset: batRegion.offset + batIndex * 8 }, `VHDX block ${i} points to ${e.offset}, outside the file`);
      }
      return fit(await reader.read(e.offset + inner, want), want);
    };
    switch (e.state) {
      case 6: // PAYLOAD_BLOCK_FULLY_PRESENT
        return fileData();
      case 7: { // PAYLOAD_BLOCK_PARTIALLY_PRESENT: a sector bitmap says which sectors are here
        const chunk = Math.floor(i / chunkRatio);
        const sb = entry(chunk * (chunkRatio + 1) + chunkRatio);
        if (sb.state !== 6 || sb.offset + MiB > reader.size) {
          throw new ParseError('out-of-bounds', { what: 'sector bitmap entry' }, `VHDX block ${i} is partially present but its sector bitmap is missing`);
        }
        const firstSector = (i % chunkRatio) * sectorsPerBlock + inner / meta.logicalSectorSize;
        const bitmap = await reader.read(sb.offset + firstSector / 8, unit / meta.logicalSectorSize / 8);
        const [base, data] = await Promise.all([fromParent(), fileData()]);
        const ss = meta.logicalSectorSize;
        for (let s = 0; s * ss < want; s++) {
          if ((bitmap[s >> 3]! >> (s & 7)) & 1) base.set(data.subarray(s * ss, Math.min(want, s * ss + ss)), s * ss);
        }
        return base;
      }
      case 0: // NOT_PRESENT: the parent's bytes in a differencing disk, zeros otherwise
        return meta.hasParent ? fromParent() : new Uint8Array(want);
      case 1: case 2: case 3: // UNDEFINED, ZERO, UNMAPPED
        return new Uint8Array(want);
      default:
        throw new ParseError('decode', { what: 'BAT entry state', offset: batRegion.offset + batIndex * 8 }, `VHDX BAT entry ${batIndex} has unknown state ${e.state}`);
    }
  };
  const cached = new BlockReader(size, unit, loadUnit, issues, async () => { await parentReader?.close(); }, { file, cacheBytes: opts.cacheBytes ?? 32 * MiB });
  // Fully present and zero blocks are read straight from the file; the rest go through the cache.
  const place = (i: number): BlockPlace => {
    const e = entry(i + Math.floor(i / chunkRatio));
    if (e.state === 6) return e.offset >= MiB ? { file: e.offset } : 'slow';
    if (e.state === 1 || e.state === 2 || e.state === 3 || (e.state === 0 && !meta.hasParent)) return 'zero';
    return 'slow';
  };
  return { reader: new MappedReader(size, meta.blockSize, reader, place, cached), info, issues, parent };
}

function fit(b: Uint8Array, want: number): Uint8Array {
  if (b.length === want) return b;
  const out = new Uint8Array(want);
  out.set(b.subarray(0, want));
  return out;
}

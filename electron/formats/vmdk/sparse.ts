import { inflate, inflateRaw } from 'node:zlib';
import { promisify } from 'node:util';
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { BlockReader, type ReadIssue } from '../../io/block-cache.js';
import type { Reader } from '../../io/reader.js';

const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);

export const KDMV = 0x564d444b; // "KDMV" little-endian
const GD_AT_END = 0xffffffffffffffffn;
const FLAG_COMPRESSED = 1 << 16;
const MAX_GRAIN_SECTORS = 16384; // 8 MiB grains; VMware writes 128 sectors (64 KiB)
const MAX_GTES = 65536;
const MAX_GD_ENTRIES = 1 << 24;
const MAX_CACHED_TABLES = 4096;

export interface SparseHeader {
  version: number;
  flags: number;
  capacity: number; // sectors
  grainSize: number; // sectors
  descriptorOffset: number;
  descriptorSize: number;
  numGTEsPerGT: number;
  gdOffset: number; // sectors
  compressAlgorithm: number;
  uncleanShutdown: boolean;
}

function parseSparseHeader(c: ByteCursor): SparseHeader & { gdAtEnd: boolean } {
  if (c.u32(0, 'sparse header magic') !== KDMV) throw new ParseError('bad-signature', { what: 'VMDK sparse header magic', offset: c.base });
  const gdBig = c.u64big(56, 'gdOffset');
  return {
    version: c.u32(4, 'version'),
    flags: c.u32(8, 'flags'),
    capacity: c.u64(12, 'capacity'),
    grainSize: c.u64(20, 'grainSize'),
    descriptorOffset: c.u64(28, 'descriptorOffset'),
    descriptorSize: c.u64(36, 'descriptorSize'),
    numGTEsPerGT: c.u32(44, 'numGTEsPerGT'),
    gdAtEnd: gdBig === GD_AT_END,
    gdOffset: gdBig === GD_AT_END ? 0 : c.u64(56, 'gdOffset'),
    uncleanShutdown: c.u8(72, 'uncleanShutdown') !== 0,
    compressAlgorithm: c.u16(77, 'compressAlgorithm'),
  };
}

/** Header at 0; a stream-optimized extent whose directory is "at end" has the real one in the footer (file end - 1024). */
export async function readSparseHeader(reader: Reader): Promise<SparseHeader> {
  let h = parseSparseHeader(new ByteCursor(await reader.read(0, 512), 0));
  if (h.gdAtEnd) {
    const at = reader.size - 1024;
    if (at < 512) throw new ParseError('truncated', { what: 'VMDK footer', offset: Math.max(0, at) });
    h = parseSparseHeader(new ByteCursor(await reader.read(at, 512), at));
    if (h.gdAtEnd) throw new ParseError('decode', { what: 'VMDK footer gdOffset', offset: at + 56 }, 'VMDK footer also says the grain directory is at the end');
  }
  if (h.grainSize < 1 || h.grainSize > MAX_GRAIN_SECTORS || (h.grainSize & (h.grainSize - 1)) !== 0) {
    throw new ParseError('out-of-bounds', { what: 'VMDK grainSize', offset: 20 }, `VMDK grain size ${h.grainSize} sectors is not a power of two up to ${MAX_GRAIN_SECTORS}`);
  }
  if (h.numGTEsPerGT < 1 || h.numGTEsPerGT > MAX_GTES) throw new ParseError('out-of-bounds', { what: 'VMDK numGTEsPerGT', offset: 44 });
  if (h.capacity * 512 > Number.MAX_SAFE_INTEGER) throw new ParseError('out-of-bounds', { what: 'VMDK capacity', offset: 12 });
  if ((h.flags & FLAG_COMPRESSED) !== 0 && h.compressAlgorithm !== 1) {
    throw new ParseError('unsupported-version', { what: 'VMDK compressAlgorithm', offset: 77 }, `VMDK grain compression ${h.compressAlgorithm} is not deflate`);
  }
  return h;
}

/** The descriptor text embedded in a monolithic sparse extent, if any (bounded to 1 MiB). */
export async function embeddedDescriptor(reader: Reader, h: SparseHeader): Promise<string | null> {
  if (h.descriptorOffset === 0 || h.descriptorSize === 0 || h.descriptorOffset * 512 >= reader.size) return null;
  const len = Math.min(h.descriptorSize * 512, 1024 * 1024);
  const b = await reader.read(h.descriptorOffset * 512, len);
  const end = b.indexOf(0);
  return new TextDecoder('latin1').decode(end >= 0 ? b.subarray(0, end) : b);
}

/**
 * A sparse (KDMV) extent as a Reader of `capacity` sectors. Grains absent from the tables come from
 * `parent` when given (a child of a snapshot chain), else read as zeros.
 */
export async function openSparseExtent(reader: Reader, opts: { file: string | null; issues: ReadIssue[]; parent?: Reader | null; cacheBytes?: number }): Promise<{ reader: BlockReader; header: SparseHeader }> {
  const h = await readSparseHeader(reader);
  const grainBytes = h.grainSize * 512;
  const size = h.capacity * 512;
  const grainsPerTable = h.numGTEsPerGT;
  const gdEntries = Math.ceil(h.capacity / h.grainSize / grainsPerTable);
  if (gdEntries > MAX_GD_ENTRIES) throw new ParseError('limit-exceeded', { what: 'VMDK grain directory entries', need: gdEntries, have: MAX_GD_ENTRIES });
  const gdAt = h.gdOffset * 512;
  if (gdAt + gdEntries * 4 > reader.size) throw new ParseError('out-of-bounds', { what: 'VMDK grain directory', offset: 56 }, `VMDK grain directory at sector ${h.gdOffset} lies past the end of the extent`);
  const gdBytes = await reader.read(gdAt, gdEntries * 4);
  if (gdBytes.length < gdEntries * 4) throw new ParseError('truncated', { what: 'VMDK grain directory', offset: gdAt, need: gdEntries * 4, have: gdBytes.length });
  const gd = new ByteCursor(gdBytes, gdAt);
  const tables = new Map<number, Uint32Array>();
  const compressed = (h.flags & FLAG_COMPRESSED) !== 0;
  const parent = opts.parent ?? null;

  const table = async (t: number): Promise<Uint32Array | null> => {
    const cached = tables.get(t);
    if (cached) return cached;
    const sector = gd.u32(t * 4, 'grain directory entry');
    if (sector === 0) return null;
    const at = sector * 512;
    const bytes = await reader.read(at, grainsPerTable * 4);
    if (bytes.length < grainsPerTable * 4) throw new ParseError('out-of-bounds', { what: 'grain table', offset: at }, `grain table ${t} at ${at} lies past the end of the extent`);
    const c = new ByteCursor(bytes, at);
    const gt = new Uint32Array(grainsPerTable);
    for (let i = 0; i < grainsPerTable; i++) gt[i] = c.u32(i * 4, 'grain table entry');
    if (tables.size >= MAX_CACHED_TABLES) tables.clear();
    tables.set(t, gt);
    return gt;
  };

  const loadGrain = async (g: number): Promise<Uint8Array> => {
    const want = Math.min(grainBytes, size - g * grainBytes);
    const absent = async () => {
      if (!parent) return new Uint8Array(want);
      const b = await parent.read(g * grainBytes, want);
      if (b.length === want) return b;
      const out = new Uint8Array(want);
      out.set(b);
      return out;
    };
    const gt = await table(Math.floor(g / grainsPerTable));
    if (!gt) return absent();
    const sector = gt[g % grainsPerTable]!;
    if (sector === 0) return absent();
    if (sector === 1) return new Uint8Array(want); // zeroed grain (version 2+)
    const at = sector * 512;
    if (at >= reader.size) throw new ParseError('out-of-bounds', { what: 'grain offset', offset: at }, `grain ${g} at ${at} lies past the end of the extent`);
    if (!compressed) return reader.read(at, want);
    const head = new ByteCursor(await reader.read(at, 12), at);
    const csize = head.u32(8, 'compressed grain size');
    if (csize === 0 || csize > grainBytes * 2 + 4096) throw new ParseError('out-of-bounds', { what: 'compressed grain size', offset: at + 8 }, `grain ${g}: compressed size ${csize} is implausible`);
    const data = await reader.read(at + 12, csize);
    let out: Uint8Array;
    try {
      out = await inflateAsync(data, { maxOutputLength: grainBytes });
    } catch {
      try {
        out = await inflateRawAsync(data, { maxOutputLength: grainBytes });
      } catch (err) {
        throw new ParseError('decode', { what: 'compressed grain', offset: at }, `grain ${g} at ${at} does not inflate (${(err as Error).message})`);
      }
    }
    return out;
  };
  const out = new BlockReader(size, grainBytes, loadGrain, opts.issues, async () => { await parent?.close(); }, { file: opts.file, cacheBytes: opts.cacheBytes ?? 32 * 1024 * 1024 });
  return { reader: out, header: h };
}

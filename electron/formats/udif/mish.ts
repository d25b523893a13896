/** The `mish` block table of one UDIF partition (blkx resource; see SPEC.md §mish). */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';

export const CHUNK = {
  zero: 0x00000000,
  raw: 0x00000001,
  ignore: 0x00000002,
  adc: 0x80000004,
  zlib: 0x80000005,
  bzip2: 0x80000006,
  lzfse: 0x80000007,
  lzma: 0x80000008,
  comment: 0x7ffffffe,
  end: 0xffffffff,
} as const;

export const CHUNK_NAMES: Record<number, string> = {
  [CHUNK.zero]: 'zero', [CHUNK.raw]: 'raw', [CHUNK.ignore]: 'ignore', [CHUNK.adc]: 'ADC', [CHUNK.zlib]: 'zlib',
  [CHUNK.bzip2]: 'bzip2', [CHUNK.lzfse]: 'LZFSE', [CHUNK.lzma]: 'LZMA', [CHUNK.comment]: 'comment', [CHUNK.end]: 'terminator',
};

/** Most chunks in one block table (a 2 GiB partition of 1 MiB chunks has ~2k; this allows 4 TiB). */
export const MAX_CHUNKS = 1 << 22;
const HEADER = 0xcc;
const ENTRY = 40;

export interface Chunk {
  readonly type: number;
  /** First sector in the whole disk (block table's first sector + the chunk's own). */
  readonly sector: number;
  readonly sectors: number;
  /** Absolute offset of the stored bytes in the image file (data fork offset + table base + chunk offset). */
  readonly offset: number;
  readonly length: number;
}

export interface BlockTable {
  readonly firstSector: number;
  readonly sectorCount: number;
  readonly chunks: Chunk[];
}

/** Parse one mish table; `dataForkOffset` comes from the koly trailer. */
export function parseMish(bytes: Uint8Array, dataForkOffset: number, what = 'mish block table'): BlockTable {
  const c = new ByteCursor(bytes);
  if (c.ascii(0, 4, `${what} signature`) !== 'mish') throw new ParseError('bad-signature', { what: `${what} signature`, offset: 0 });
  const version = c.u32be(4, `${what} version`);
  if (version !== 1) throw new ParseError('unsupported-version', { what: `${what} version`, offset: 4 }, `${what} version ${version}, expected 1`);
  const firstSector = c.u64be(8, `${what} first sector`);
  const sectorCount = c.u64be(16, `${what} sector count`);
  const base = c.u64be(24, `${what} data offset`);
  const n = c.u32be(0xc8, `${what} chunk count`);
  if (n > MAX_CHUNKS) throw new ParseError('limit-exceeded', { what: `${what} chunk count`, offset: 0xc8, need: n, have: MAX_CHUNKS });
  c.need(HEADER, n * ENTRY, `${what} chunk entries`);
  const chunks: Chunk[] = [];
  for (let i = 0; i < n; i++) {
    const o = HEADER + i * ENTRY;
    const type = c.u32be(o, 'chunk type');
    if (type === CHUNK.end) break;
    if (type === CHUNK.comment) continue;
    const rel = c.u64be(o + 8, 'chunk sector');
    const sectors = c.u64be(o + 16, 'chunk sector count');
    const offset = dataForkOffset + base + c.u64be(o + 24, 'chunk offset');
    const length = c.u64be(o + 32, 'chunk length');
    if (rel + sectors > sectorCount) {
      throw new ParseError('out-of-bounds', { what: `${what} chunk ${i}`, offset: o }, `chunk ${i} covers sectors [${rel}, ${rel + sectors}) beyond the table's ${sectorCount}`);
    }
    if (!Number.isSafeInteger(offset + length)) throw new ParseError('out-of-bounds', { what: `${what} chunk ${i} offset`, offset: o + 24 });
    if (sectors === 0) continue;
    chunks.push({ type, sector: firstSector + rel, sectors, offset, length });
  }
  return { firstSector, sectorCount, chunks };
}

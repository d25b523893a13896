/**
 * Apple UDIF disk images (.dmg) → a Reader of the decompressed disk and one per partition (blkx
 * entry). Encrypted images (encrcdsa / cdsaencr) and segmented images are refused with a clear
 * ParseError. The only public surface of formats/udif; see SPEC.md.
 */
import { crc32 } from 'node:zlib';
import { ParseError } from '../../common/issues.js';
import { pushIssue, type ReadIssue } from '../../io/block-cache.js';
import type { Reader } from '../../io/reader.js';
import { SliceReader } from '../../io/slice-reader.js';
import { parsePlist, type PlistValue } from '../plist/index.js';
import { MAX_CHUNK_BYTES, SECTOR, UdifDiskReader } from './disk-reader.js';
import { isKoly, KOLY_SIZE, parseKoly, type Koly } from './koly.js';
import { CHUNK, CHUNK_NAMES, MAX_CHUNKS, parseMish, type Chunk } from './mish.js';
import { parseResourceFork } from './resource-fork.js';

export { registerChunkDecoder, type Decoder } from './decode.js';
export { bunzip2 } from './bzip2.js';
export { adcDecompress } from './adc.js';
export { parseResourceFork, type Resource } from './resource-fork.js';
export { CHUNK, CHUNK_NAMES, parseMish, type Chunk, type BlockTable } from './mish.js';
export { parseKoly, type Koly } from './koly.js';

export const UDIF_PARSER = { id: 'udif', version: '1' } as const;

/** Largest XML plist / resource fork read for the block tables. */
const MAX_TABLE_BYTES = 64 * 1024 * 1024;
const MAX_PARTITIONS = 4096;

export interface UdifPartition {
  readonly index: number;
  /** The blkx entry's Name (CFName when absent), e.g. `Apple_HFS : 2`. */
  readonly name: string;
  /** The blkx ID attribute as written (string in XML plists, number in resource forks). */
  readonly id: string;
  readonly offset: number;
  readonly size: number;
  readonly reader: Reader;
}

export interface UdifImage {
  readonly reader: Reader;
  readonly partitions: UdifPartition[];
  readonly koly: Koly;
  readonly info: Record<string, string | number>;
  readonly issues: ReadIssue[];
}

/** Encryption headers: `encrcdsa` at the start (v2) or `cdsaencr` at the end (v1). */
export function sniffEncryptedDmg(head: Uint8Array, tail: Uint8Array): boolean {
  const at = (b: Uint8Array, o: number, s: string): boolean => b.length >= o + s.length && [...s].every((ch, i) => b[o + i] === ch.charCodeAt(0));
  return at(head, 0, 'encrcdsa') || (tail.length >= 8 && at(tail, tail.length - 8, 'cdsaencr'));
}

export function sniffUdif(head: Uint8Array, tail: Uint8Array): boolean {
  return (tail.length >= KOLY_SIZE && isKoly(tail.subarray(tail.length - KOLY_SIZE))) || isKoly(head);
}

export async function openUdif(file: Reader, opts: { file?: string; issues?: ReadIssue[]; cacheBytes?: number } = {}): Promise<UdifImage> {
  const issues = opts.issues ?? [];
  const fileName = opts.file ?? null;
  const head = await file.read(0, KOLY_SIZE);
  const tailAt = Math.max(0, file.size - KOLY_SIZE);
  const tail = await file.read(tailAt, KOLY_SIZE);
  if (sniffEncryptedDmg(head, tail)) throw new ParseError('encrypted', { what: 'encrypted DMG', offset: 0 }, 'the DMG is encrypted (encrcdsa/cdsaencr); it cannot be read without the password');
  let koly: Koly;
  if (tail.length === KOLY_SIZE && isKoly(tail)) koly = parseKoly(tail, tailAt, file.size);
  else if (isKoly(head)) koly = parseKoly(head, 0, file.size);
  else throw new ParseError('bad-signature', { what: 'koly trailer', offset: tailAt }, 'no UDIF koly trailer at the end or the start of the file');

  const tables = await readBlockTables(file, koly);
  const all: Chunk[] = [];
  const partitions: UdifPartition[] = [];
  const spans: { first: number; count: number; name: string; id: string }[] = [];
  for (const t of tables) {
    try {
      const bt = parseMish(t.data, koly.dataForkOffset, `blkx '${t.name}'`);
      if (all.length + bt.chunks.length > MAX_CHUNKS) throw new ParseError('limit-exceeded', { what: 'UDIF chunks', need: all.length + bt.chunks.length, have: MAX_CHUNKS });
      all.push(...bt.chunks);
      spans.push({ first: bt.firstSector, count: bt.sectorCount, name: t.name, id: t.id });
    } catch (e) {
      if (!(e instanceof ParseError) || e.code === 'limit-exceeded') throw e;
      pushIssue(issues, { message: `${e.message}; partition '${t.name}' reads as zeros`, offset: null, file: fileName });
    }
  }
  all.sort((a, b) => a.sector - b.sector);
  const chunks: Chunk[] = [];
  let end = 0;
  for (const ch of all) {
    if (ch.sector < end) {
      pushIssue(issues, { message: `chunk at sector ${ch.sector} overlaps the previous one (ends at ${end}); ignored`, offset: ch.sector * SECTOR, file: fileName });
      continue;
    }
    if (ch.type !== CHUNK.zero && ch.type !== CHUNK.ignore && ch.type !== CHUNK.raw && ch.sectors * SECTOR > MAX_CHUNK_BYTES) {
      pushIssue(issues, { message: `chunk at sector ${ch.sector} decodes to ${ch.sectors * SECTOR} bytes, above the ${MAX_CHUNK_BYTES}-byte cap; reads as zeros`, offset: ch.sector * SECTOR, file: fileName });
      continue;
    }
    chunks.push(ch);
    end = ch.sector + ch.sectors;
  }
  const spanEnd = spans.reduce((m, s) => Math.max(m, s.first + s.count), 0);
  const sectors = koly.sectorCount > 0 ? koly.sectorCount : Math.max(end, spanEnd);
  if (end > sectors) pushIssue(issues, { message: `chunks reach sector ${end}, past the ${sectors} sectors the trailer gives; the excess is not readable`, offset: null, file: fileName });
  const size = sectors * SECTOR;
  if (!Number.isSafeInteger(size)) throw new ParseError('out-of-bounds', { what: 'UDIF sector count', offset: koly.at + 0x1ec });
  const disk = new UdifDiskReader(file, chunks, size, issues, fileName, opts.cacheBytes);
  spans.forEach((s, index) => {
    const offset = s.first * SECTOR;
    if (offset > size) return;
    partitions.push({ index, name: s.name, id: s.id, offset, size: Math.min(s.count * SECTOR, size - offset), reader: new SliceReader(disk, offset, s.count * SECTOR) });
  });
  const counts = new Map<string, number>();
  for (const c of chunks) counts.set(CHUNK_NAMES[c.type] ?? `0x${c.type.toString(16)}`, (counts.get(CHUNK_NAMES[c.type] ?? `0x${c.type.toString(16)}`) ?? 0) + 1);
  const info: Record<string, string | number> = {
    'format version': koly.version,
    'media size': size,
    sectors,
    partitions: partitions.length,
    'chunk types': [...counts].map(([k, v]) => `${k}×${v}`).join(', '),
    'data fork': `${koly.dataForkOffset}+${koly.dataForkLength}`,
    'block tables from': tables.source,
  };
  if (koly.dataChecksumType === 2) info['data fork CRC32'] = koly.dataChecksum.toString(16).padStart(8, '0');
  return { reader: disk, partitions, koly, info, issues };
}

/** CRC32 of the data fork compared with the trailer's (type 2); null when the trailer has no CRC32. */
export async function verifyUdifDataFork(file: Reader, koly: Koly, chunkBytes = 1 << 20): Promise<{ expected: string; actual: string; ok: boolean } | null> {
  if (koly.dataChecksumType !== 2) return null;
  let crc = 0;
  for (let o = 0; o < koly.dataForkLength; o += chunkBytes) {
    const b = await file.read(koly.dataForkOffset + o, Math.min(chunkBytes, koly.dataForkLength - o));
    crc = crc32(b, crc);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  return { expected: hex(koly.dataChecksum), actual: hex(crc), ok: crc >>> 0 === koly.dataChecksum >>> 0 };
}

type Tables = { name: string; id: string; data: Uint8Array }[] & { source: string };

async function readBlockTables(file: Reader, koly: Koly): Promise<Tables> {
  if (koly.xmlLength > 0) {
    if (koly.xmlLength > MAX_TABLE_BYTES) throw new ParseError('limit-exceeded', { what: 'UDIF XML plist', offset: koly.xmlOffset, need: koly.xmlLength, have: MAX_TABLE_BYTES });
    const xml = await file.read(koly.xmlOffset, koly.xmlLength);
    const { value } = parsePlist(xml);
    const blkx = field(field(value, 'resource-fork'), 'blkx');
    if (!Array.isArray(blkx)) throw new ParseError('decode', { what: 'UDIF plist resource-fork/blkx', offset: koly.xmlOffset }, 'the UDIF plist has no resource-fork/blkx array');
    if (blkx.length > MAX_PARTITIONS) throw new ParseError('limit-exceeded', { what: 'blkx entries', need: blkx.length, have: MAX_PARTITIONS });
    const out = blkx.map((e, i) => {
      const data = field(e, 'Data');
      const name = field(e, 'Name') ?? field(e, 'CFName');
      const id = field(e, 'ID');
      if (!(data instanceof Uint8Array)) throw new ParseError('decode', { what: `blkx entry ${i} Data`, offset: koly.xmlOffset });
      return { name: typeof name === 'string' ? name : `blkx ${i}`, id: id === null ? String(i) : String(id), data };
    });
    return Object.assign(out, { source: 'XML plist' });
  }
  if (koly.rsrcForkLength > 0) {
    if (koly.rsrcForkLength > MAX_TABLE_BYTES) throw new ParseError('limit-exceeded', { what: 'UDIF resource fork', offset: koly.rsrcForkOffset, need: koly.rsrcForkLength, have: MAX_TABLE_BYTES });
    const rsrc = parseResourceFork(await file.read(koly.rsrcForkOffset, koly.rsrcForkLength), koly.rsrcForkOffset);
    const out = rsrc.filter((r) => r.type === 'blkx').slice(0, MAX_PARTITIONS).map((r) => ({ name: r.name ?? `blkx ${r.id}`, id: String(r.id), data: r.data }));
    return Object.assign(out, { source: 'resource fork' });
  }
  throw new ParseError('decode', { what: 'UDIF block tables', offset: koly.at }, 'the koly trailer points to neither an XML plist nor a resource fork');
}

function field(v: PlistValue | undefined, key: string): PlistValue | null {
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array || v instanceof Date) return null;
  return Object.prototype.hasOwnProperty.call(v, key) ? (v as Record<string, PlistValue>)[key]! : null;
}

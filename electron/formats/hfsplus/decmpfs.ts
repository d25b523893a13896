/**
 * HFS+ compression (com.apple.decmpfs; see SPEC.md §decmpfs): a 16-byte little-endian header
 * ('fpmc', type, uncompressed size) then, by type, the data inline in the attribute or in the
 * resource fork. zlib types 3/4 and uncompressed types 1/9/10 are decoded here, LZVN (7/8) and
 * LZFSE (11/12) by formats/lzfse (overridable with registerDecmpfsDecoder).
 * Resource-fork data is decoded one 64 KiB block at a time through a BlockReader (bounded cache).
 */
import { inflateSync } from 'node:zlib';
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { BlockReader, type ReadIssue } from '../../io/block-cache.js';
import { BufferReader } from '../../io/buffer-reader.js';
import type { Reader } from '../../io/reader.js';
import { lzfseDecode, lzvnDecode } from '../lzfse/index.js';

export const DECMPFS_XATTR = 'com.apple.decmpfs';
const MAGIC = 0x636d7066; // 'fpmc' read little-endian
const BLOCK = 0x10000;
/** Largest uncompressed size accepted for an inline (attribute) payload. */
const MAX_INLINE_OUT = 16 * 1024 * 1024;
const MAX_FILE = 2 ** 48;

export interface DecmpfsHeader {
  readonly type: number;
  readonly size: number;
  readonly payload: Uint8Array;
}

/** (compressed block, exact decoded size) → bytes; throws ParseError. */
export type BlockDecoder = (input: Uint8Array, size: number) => Uint8Array;
const decoders: { lzvn: BlockDecoder; lzfse: BlockDecoder } = {
  lzvn: (input, size) => lzvnDecode(input, size),
  lzfse: (input, size) => lzfseDecode(input, { maxOutput: size, sizeHint: size }),
};

/** Replace the LZVN or LZFSE decoder (types 7, 8, 11, 12). */
export function registerDecmpfsDecoder(kind: 'lzvn' | 'lzfse', d: BlockDecoder): void {
  decoders[kind] = d;
}

export function parseDecmpfs(bytes: Uint8Array): DecmpfsHeader {
  const c = new ByteCursor(bytes);
  if (c.u32(0, 'decmpfs magic') !== MAGIC) throw new ParseError('bad-signature', { what: 'decmpfs magic', offset: 0 });
  const size = c.u64(8, 'decmpfs uncompressed size');
  if (size > MAX_FILE) throw new ParseError('limit-exceeded', { what: 'decmpfs uncompressed size', offset: 8, need: size, have: MAX_FILE });
  return { type: c.u32(4, 'decmpfs compression type'), size, payload: bytes.subarray(16) };
}

/** True when the type keeps its data in the resource fork. */
export function usesResourceFork(type: number): boolean {
  return type === 4 || type === 8 || type === 10 || type === 12;
}

function decodeBlock(type: number, input: Uint8Array, size: number, at: number): Uint8Array {
  if (size === 0) return new Uint8Array(0);
  switch (type) {
    case 3:
    case 4:
      if ((input[0]! & 0x0f) === 0x0f) return input.subarray(1, 1 + size); // stored: 0xFF marker then raw bytes
      try {
        return inflateSync(input, { maxOutputLength: size });
      } catch (e) {
        throw new ParseError('decode', { what: 'decmpfs zlib block', offset: at }, `decmpfs zlib block at ${at} does not inflate (${(e as Error).message})`);
      }
    case 1:
    case 9:
    case 10:
      return input.subarray(0, size);
    case 7:
    case 8:
      if (input[0] === 0x06) return input.subarray(1, 1 + size); // stored LZVN block
      return decoders.lzvn(input, size);
    case 11:
    case 12:
      return decoders.lzfse(input, size);
    default:
      throw new ParseError('unsupported-version', { what: `decmpfs compression type ${type}`, offset: at });
  }
}

/** A Reader of the uncompressed contents; `rsrc` opens the file's resource fork when needed. */
export async function openCompressed(h: DecmpfsHeader, rsrc: () => Promise<Reader>, issues: ReadIssue[], file: string): Promise<Reader> {
  if (!usesResourceFork(h.type)) {
    if (h.size > MAX_INLINE_OUT) throw new ParseError('limit-exceeded', { what: 'inline decmpfs size', need: h.size, have: MAX_INLINE_OUT });
    if (h.payload.length === 0 && h.size === 0) return new BufferReader(new Uint8Array(0));
    const out = decodeBlock(h.type, h.payload, h.size, 16);
    if (out.length !== h.size) throw new ParseError('decode', { what: 'inline decmpfs data', offset: 16 }, `inline decmpfs data decoded to ${out.length} bytes, expected ${h.size}`);
    return new BufferReader(out);
  }
  const fork = await rsrc();
  const blocks = Math.ceil(h.size / BLOCK);
  // The block table lives in the fork, so a size whose table cannot fit there is refused before any allocation.
  if (blocks * 4 > fork.size) {
    await fork.close();
    throw new ParseError('out-of-bounds', { what: 'decmpfs block table', need: blocks * 4, have: fork.size }, `decmpfs size ${h.size} needs ${blocks} blocks; the resource fork (${fork.size} bytes) cannot hold their table`);
  }
  const table = h.type === 4 ? await zlibTable(fork, blocks) : await offsetTable(fork, blocks);
  return new BlockReader(h.size, BLOCK, async (i) => {
    const t = table[i];
    const want = Math.min(BLOCK, h.size - i * BLOCK);
    if (!t) throw new ParseError('truncated', { what: `decmpfs block ${i} (missing from the block table)` });
    const input = await fork.read(t.offset, t.length);
    if (input.length < t.length) throw new ParseError('truncated', { what: `decmpfs block ${i}`, offset: t.offset, need: t.length, have: input.length });
    return decodeBlock(h.type, input, want, t.offset);
  }, issues, async () => fork.close(), { file, cacheBytes: 4 * 1024 * 1024 });
}

type Table = { offset: number; length: number }[];

/**
 * Type 4: a classic resource fork holding one 'cmpf' resource; its data (at the fork's data
 * offset, after the 4-byte resource length) starts with a little-endian block table. Only the
 * fork header and the table are read, never the whole fork.
 */
async function zlibTable(fork: Reader, blocks: number): Promise<Table> {
  const head = new ByteCursor(await fork.read(0, 16));
  const base = head.u32be(0, 'resource data offset') + 4;
  const t = new ByteCursor(await fork.read(base, 4 + blocks * 8), base);
  return readTable(t, base, blocks);
}

function readTable(t: ByteCursor, base: number, blocks: number): Table {
  const n = t.u32(0, 'decmpfs block count');
  if (n !== blocks) throw new ParseError('decode', { what: 'decmpfs block count', offset: base }, `decmpfs block table has ${n} blocks, the size needs ${blocks}`);
  const out: Table = [];
  for (let i = 0; i < n; i++) out.push({ offset: base + t.u32(4 + i * 8, 'decmpfs block offset'), length: t.u32(8 + i * 8, 'decmpfs block size') });
  return out;
}

/** Types 8/10/12: the fork starts with (blocks + 1) LE offsets; block i spans [off[i], off[i+1]). */
async function offsetTable(fork: Reader, blocks: number): Promise<Table> {
  const t = new ByteCursor(await fork.read(0, (blocks + 1) * 4));
  const out: Table = [];
  for (let i = 0; i < blocks; i++) {
    const a = t.u32(i * 4, 'decmpfs block offset');
    const b = t.u32(i * 4 + 4, 'decmpfs block offset');
    if (b < a || b > fork.size) throw new ParseError('out-of-bounds', { what: `decmpfs block ${i}`, offset: i * 4 });
    out.push({ offset: a, length: b - a });
  }
  return out;
}

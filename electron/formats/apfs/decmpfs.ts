/**
 * decmpfs: transparent compression of HFS+/APFS files. The `com.apple.decmpfs` xattr holds a
 * 16-byte header (magic 'fpmc', type, uncompressed size) and, for "inline" types, the compressed
 * data; other types keep it in the `com.apple.ResourceFork` xattr as 64 KiB chunks.
 */
import { inflateSync } from 'node:zlib';
import { ParseError } from '../../common/issues.js';
import { BufferReader } from '../../io/buffer-reader.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';
import { SliceReader } from '../../io/slice-reader.js';
import { lzfseDecode, lzvnDecode } from '../lzfse/index.js';
import { ChunkedReader } from './data-reader.js';
import { APFS_LIMITS } from './limits.js';

export const DECMPFS_XATTR = 'com.apple.decmpfs';
export const RESOURCE_FORK_XATTR = 'com.apple.ResourceFork';
const DECMPFS_MAGIC = 0x636d7066; // 'fpmc' read little-endian
export const CHUNK = 65536;

export type Codec = 'raw' | 'zlib' | 'lzvn' | 'lzfse';

export interface DecmpfsHeader {
  readonly type: number;
  readonly size: number;
  readonly codec: Codec;
  /** True when the data follows the header in the xattr; false when it is in the resource fork. */
  readonly inline: boolean;
  readonly payload: Uint8Array;
}

const TYPES: Record<number, { codec: Codec; inline: boolean }> = {
  1: { codec: 'raw', inline: true }, 3: { codec: 'zlib', inline: true }, 4: { codec: 'zlib', inline: false },
  7: { codec: 'lzvn', inline: true }, 8: { codec: 'lzvn', inline: false }, 9: { codec: 'raw', inline: true },
  10: { codec: 'raw', inline: false }, 11: { codec: 'lzfse', inline: true }, 12: { codec: 'lzfse', inline: false },
};

export function parseDecmpfs(x: Uint8Array): DecmpfsHeader {
  const c = new ByteCursor(x);
  if (c.u32(0, 'decmpfs compression_magic') !== DECMPFS_MAGIC) throw new ParseError('bad-signature', { what: 'decmpfs magic (fpmc)', offset: 0 });
  const type = c.u32(4, 'decmpfs compression_type');
  const size = c.u64(8, 'decmpfs uncompressed_size');
  const t = TYPES[type];
  if (!t) throw new ParseError('unsupported-version', { what: `decmpfs compression type ${type}`, offset: 4 });
  if (size > APFS_LIMITS.decmpfsMaxFile) throw new ParseError('limit-exceeded', { what: 'decmpfs uncompressed size', need: size, have: APFS_LIMITS.decmpfsMaxFile });
  return { type, size, ...t, payload: x.subarray(16) };
}

/**
 * One compressed unit → bytes. Each codec has a "stored" escape: zlib data whose first byte has
 * low nibble 0xF, and LZVN data starting 0x06, are the raw bytes after that first byte.
 */
export function decodeUnit(codec: Codec, data: Uint8Array, expect: number, what: string): Uint8Array {
  if (expect === 0) return new Uint8Array(0);
  if (data.length === 0) throw new ParseError('truncated', { what: `${what}: empty compressed unit`, need: 1, have: 0 });
  switch (codec) {
    case 'raw':
      return data.subarray(0, expect);
    case 'zlib':
      if ((data[0]! & 0x0f) === 0x0f) return data.subarray(1, 1 + expect);
      try {
        return new Uint8Array(inflateSync(data, { maxOutputLength: Math.max(expect, 1) }));
      } catch (e) {
        throw new ParseError('decode', { what: `${what}: zlib (${(e as Error).message})` });
      }
    case 'lzvn':
      if (data[0] === 0x06) return data.subarray(1, 1 + expect);
      return lzvnDecode(data, expect);
    case 'lzfse':
      if (data[0] === 0xff) return data.subarray(1, 1 + expect);
      return lzfseDecode(data, { maxOutput: expect, sizeHint: expect });
  }
}

/** A Reader over a compressed file, given its decmpfs header and (for fork types) its resource fork. */
export async function decmpfsReader(h: DecmpfsHeader, fork: Reader | null, what: string): Promise<Reader> {
  if (h.inline) {
    if (h.size > APFS_LIMITS.decmpfsMaxInline) throw new ParseError('limit-exceeded', { what: `${what}: inline decmpfs size`, need: h.size, have: APFS_LIMITS.decmpfsMaxInline });
    const data = h.codec === 'raw' ? h.payload.subarray(0, h.size) : decodeUnit(h.codec, h.payload, h.size, what);
    if (data.length !== h.size) throw new ParseError('decode', { what: `${what}: decmpfs gave ${data.length} of ${h.size} bytes` });
    return new BufferReader(data);
  }
  if (!fork) throw new ParseError('truncated', { what: `${what}: decmpfs type ${h.type} needs a resource fork, none found` });
  if (h.codec === 'raw') {
    // Type 10: the fork holds the bytes themselves.
    if (fork.size < h.size) throw new ParseError('truncated', { what: `${what}: resource fork shorter than the file`, need: h.size, have: fork.size });
    return new SliceReader(fork, 0, h.size);
  }
  const table = h.codec === 'zlib' ? await zlibForkTable(fork, h.size, what) : await offsetTable(fork, h.size, what);
  return new ChunkedReader(h.size, CHUNK, async (i) => {
    const t = table[i]!;
    const data = await fork.read(t.offset, t.length);
    if (data.length !== t.length) throw new ParseError('truncated', { what: `${what}: chunk ${i}`, offset: t.offset, need: t.length, have: data.length });
    return decodeUnit(h.codec, data, Math.min(CHUNK, h.size - i * CHUNK), `${what} chunk ${i}`);
  });
}

function chunkCount(size: number): number {
  return Math.ceil(size / CHUNK);
}

/**
 * Type 4: a classic resource fork. Big-endian header (data offset, map offset, data length, map
 * length); at the data offset a 4-byte resource length, then a little-endian block count and
 * (offset, size) pairs, offsets counted from just after the resource length.
 */
async function zlibForkTable(fork: Reader, size: number, what: string): Promise<{ offset: number; length: number }[]> {
  const head = new ByteCursor(await fork.read(0, 16));
  const dataOff = head.u32be(0, 'resource fork data offset');
  const n = chunkCount(size);
  const tableBytes = 8 + n * 8;
  const t = new ByteCursor(await fork.read(dataOff, tableBytes), dataOff);
  const base = dataOff + 4;
  const count = t.u32(4, 'cmpf block count');
  if (count !== n) throw new ParseError('decode', { what: `${what}: resource fork has ${count} blocks for ${n} chunks`, offset: dataOff + 4 });
  return Array.from({ length: n }, (_, i) => checkedChunk(fork, base + t.u32(8 + i * 8, 'block offset'), t.u32(12 + i * 8, 'block size'), what));
}

/** Types 8/12: the fork starts with n+1 little-endian offsets; chunk i spans [off[i], off[i+1]). */
async function offsetTable(fork: Reader, size: number, what: string): Promise<{ offset: number; length: number }[]> {
  const n = chunkCount(size);
  const t = new ByteCursor(await fork.read(0, (n + 1) * 4));
  const out: { offset: number; length: number }[] = [];
  for (let i = 0; i < n; i++) {
    const a = t.u32(i * 4, 'chunk offset');
    const b = t.u32(i * 4 + 4, 'chunk offset');
    if (b < a) throw new ParseError('decode', { what: `${what}: chunk ${i} offsets go backwards (${a} > ${b})`, offset: i * 4 });
    out.push(checkedChunk(fork, a, b - a, what));
  }
  return out;
}

function checkedChunk(fork: Reader, offset: number, length: number, what: string): { offset: number; length: number } {
  if (offset + length > fork.size || length > CHUNK * 2 + 64) throw new ParseError('out-of-bounds', { what: `${what}: chunk ${offset}+${length} outside the ${fork.size}-byte resource fork`, offset });
  return { offset, length };
}

/** Cells and the records inside them (SPEC.md §4–§7): nk, vk, subkey lists, value lists, db. */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { NO_CELL, REGF_LIMITS, UTF16 } from './constants.js';
import type { HiveStore } from './store.js';

export interface Cell {
  /** Offset of the cell (its size field), relative to the hbins start. */
  offset: number;
  allocated: boolean;
  /** Whole cell size including the 4-byte size field. */
  size: number;
  /** The cell's payload (after the size field). */
  data: Uint8Array;
}

export async function readCell(store: HiveStore, off: number, what: string): Promise<Cell> {
  if (off === NO_CELL) throw new ParseError('out-of-bounds', { what: `${what} (no cell)`, offset: off });
  const head = new ByteCursor(await store.bytes(off, 4, `${what} cell size`), off + 4096);
  const raw = head.i32(0, `${what} cell size`);
  const size = Math.abs(raw);
  if (size < 8 || size > REGF_LIMITS.maxCellBytes) {
    throw new ParseError('out-of-bounds', { what: `${what} cell size`, offset: off + 4096, need: size }, `${what}: cell at 0x${off.toString(16)} has size ${raw}`);
  }
  return { offset: off, allocated: raw < 0, size, data: await store.bytes(off + 4, size - 4, what) };
}

/** Latin-1 for "compressed" names (flag set), UTF-16LE otherwise. */
export function decodeName(bytes: Uint8Array, compressed: boolean): string {
  if (compressed) {
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return s;
  }
  return UTF16.decode(bytes.subarray(0, bytes.length & ~1));
}

export interface NkRecord {
  offset: number;
  flags: number;
  lastWritten: bigint;
  parent: number;
  subkeyCount: number;
  subkeyList: number;
  volatileSubkeyCount: number;
  valueCount: number;
  valueList: number;
  security: number;
  classOffset: number;
  classLength: number;
  name: string;
}

export const NK_COMP_NAME = 0x0020;
export const NK_ROOT = 0x0004;

export function parseNk(cell: Cell): NkRecord {
  const c = new ByteCursor(cell.data, cell.offset + 4096 + 4);
  if (c.ascii(0, 2, 'nk signature') !== 'nk') throw new ParseError('bad-signature', { what: 'nk signature', offset: c.base });
  const flags = c.u16(0x02, 'nk flags');
  const nameLength = c.u16(0x48, 'nk name length');
  return {
    offset: cell.offset,
    flags,
    lastWritten: c.u64big(0x04, 'nk last written'),
    parent: c.u32(0x10, 'nk parent'),
    subkeyCount: c.u32(0x14, 'nk subkey count'),
    volatileSubkeyCount: c.u32(0x18, 'nk volatile subkey count'),
    subkeyList: c.u32(0x1c, 'nk subkey list'),
    valueCount: c.u32(0x24, 'nk value count'),
    valueList: c.u32(0x28, 'nk value list'),
    security: c.u32(0x2c, 'nk security'),
    classOffset: c.u32(0x30, 'nk class offset'),
    classLength: c.u16(0x4a, 'nk class length'),
    name: decodeName(c.raw(0x4c, nameLength, 'nk name'), (flags & NK_COMP_NAME) !== 0),
  };
}

export interface VkRecord {
  offset: number;
  name: string;
  /** Data size with the inline flag removed. */
  dataSize: number;
  inline: boolean;
  dataOffset: number;
  /** The 4 bytes of the data-offset field (inline data lives there). */
  inlineBytes: Uint8Array;
  type: number;
  flags: number;
}

export function parseVk(cell: Cell): VkRecord {
  const c = new ByteCursor(cell.data, cell.offset + 4096 + 4);
  if (c.ascii(0, 2, 'vk signature') !== 'vk') throw new ParseError('bad-signature', { what: 'vk signature', offset: c.base });
  const nameLength = c.u16(0x02, 'vk name length');
  const sizeRaw = c.u32(0x04, 'vk data size');
  const flags = c.u16(0x10, 'vk flags');
  return {
    offset: cell.offset,
    name: decodeName(c.raw(0x14, nameLength, 'vk name'), (flags & 1) !== 0),
    dataSize: sizeRaw & 0x7fffffff,
    inline: (sizeRaw & 0x80000000) !== 0,
    dataOffset: c.u32(0x08, 'vk data offset'),
    inlineBytes: c.raw(0x08, 4, 'vk inline data'),
    type: c.u32(0x0c, 'vk data type'),
    flags,
  };
}

/**
 * Offsets of the nk cells a subkey list names, following ri → lf/lh/li with a depth bound and a
 * visited set. Problems in one sub-list are reported and the rest is kept.
 */
export async function subkeyOffsets(store: HiveStore, listOff: number, onIssue: (e: unknown) => void): Promise<number[]> {
  const out: number[] = [];
  const visited = new Set<number>();
  const walk = async (off: number, depth: number): Promise<void> => {
    if (depth > REGF_LIMITS.maxListDepth) throw new ParseError('limit-exceeded', { what: 'subkey list nesting', offset: off + 4096, need: depth, have: REGF_LIMITS.maxListDepth });
    if (visited.has(off)) throw new ParseError('loop', { what: 'subkey list revisited', offset: off + 4096 });
    visited.add(off);
    const cell = await readCell(store, off, 'subkey list');
    const c = new ByteCursor(cell.data, off + 4096 + 4);
    const sig = c.ascii(0, 2, 'subkey list signature');
    const count = c.u16(2, 'subkey list count');
    const stride = sig === 'lf' || sig === 'lh' ? 8 : sig === 'li' || sig === 'ri' ? 4 : 0;
    if (stride === 0) throw new ParseError('bad-signature', { what: `subkey list signature "${sig}"`, offset: c.base });
    const fits = Math.floor((cell.data.length - 4) / stride);
    if (count > fits) onIssue(new ParseError('truncated', { what: `${sig} list entries`, offset: c.base, need: count, have: fits }));
    for (let i = 0; i < Math.min(count, fits); i++) {
      const target = c.u32(4 + i * stride, `${sig} entry`);
      if (sig !== 'ri') {
        if (out.length >= REGF_LIMITS.maxSubkeys) throw new ParseError('limit-exceeded', { what: 'subkeys', need: out.length, have: REGF_LIMITS.maxSubkeys });
        out.push(target);
        continue;
      }
      try {
        await walk(target, depth + 1);
      } catch (e) {
        onIssue(e);
      }
    }
  };
  await walk(listOff, 0);
  return out;
}

/** The value list: `count` cell offsets (the count lives in the nk, not in the list). */
export async function valueOffsets(store: HiveStore, listOff: number, count: number, onIssue: (e: unknown) => void): Promise<number[]> {
  const cell = await readCell(store, listOff, 'value list');
  const fits = Math.floor(cell.data.length / 4);
  const n = Math.min(count, fits, REGF_LIMITS.maxValues);
  if (n < count) onIssue(new ParseError('truncated', { what: 'value list entries', offset: listOff + 4096 + 4, need: count, have: n }));
  const c = new ByteCursor(cell.data, listOff + 4096 + 4);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(c.u32(i * 4, 'value list entry'));
  return out;
}

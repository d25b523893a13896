/** Value data: where the bytes are (inline, one cell, or `db` segments) and how each type reads. */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { BIG_DATA_SEGMENT, REGF_LIMITS, UTF16 } from './constants.js';
import { readCell, type VkRecord } from './cells.js';
import type { HiveStore } from './store.js';

export type ValueData = string | string[] | number | bigint | Uint8Array;

/** The value's bytes; a cell shorter than the declared size yields what is there plus an issue. */
export async function valueBytes(store: HiveStore, vk: VkRecord, minor: number, onIssue: (e: unknown) => void): Promise<Uint8Array> {
  if (vk.inline) {
    // Inline data lives in the offset field itself; more than 4 bytes cannot be inline.
    if (vk.dataSize > 4) onIssue(new ParseError('out-of-bounds', { what: 'inline value data size', offset: vk.offset + 4096, need: vk.dataSize, have: 4 }));
    return vk.inlineBytes.slice(0, Math.min(4, vk.dataSize));
  }
  if (vk.dataSize === 0) return new Uint8Array(0);
  if (vk.dataSize > REGF_LIMITS.maxValueBytes) {
    throw new ParseError('limit-exceeded', { what: 'value data size', offset: vk.offset + 4096, need: vk.dataSize, have: REGF_LIMITS.maxValueBytes });
  }
  const cell = await readCell(store, vk.dataOffset, 'value data');
  if (minor >= 4 && vk.dataSize > BIG_DATA_SEGMENT && cell.data[0] === 0x64 && cell.data[1] === 0x62) {
    return bigData(store, cell.data, vk, onIssue);
  }
  if (cell.data.length < vk.dataSize) {
    onIssue(new ParseError('truncated', { what: 'value data cell', offset: vk.dataOffset + 4096 + 4, need: vk.dataSize, have: cell.data.length }));
    return cell.data.slice();
  }
  return cell.data.slice(0, vk.dataSize);
}

async function bigData(store: HiveStore, db: Uint8Array, vk: VkRecord, onIssue: (e: unknown) => void): Promise<Uint8Array> {
  const c = new ByteCursor(db, vk.dataOffset + 4096 + 4);
  const segments = c.u16(2, 'db segment count');
  const listCell = await readCell(store, c.u32(4, 'db segment list'), 'db segment list');
  const lc = new ByteCursor(listCell.data, listCell.offset + 4096 + 4);
  const n = Math.min(segments, Math.floor(listCell.data.length / 4));
  const out = new Uint8Array(vk.dataSize);
  let filled = 0;
  const seen = new Set<number>();
  for (let i = 0; i < n && filled < vk.dataSize; i++) {
    const off = lc.u32(i * 4, 'db segment offset');
    if (seen.has(off)) throw new ParseError('loop', { what: 'db segment repeated', offset: off + 4096 });
    seen.add(off);
    const seg = await readCell(store, off, 'db segment');
    const take = Math.min(BIG_DATA_SEGMENT, seg.data.length, vk.dataSize - filled);
    out.set(seg.data.subarray(0, take), filled);
    filled += take;
  }
  if (filled < vk.dataSize) {
    onIssue(new ParseError('truncated', { what: 'big data segments', offset: vk.dataOffset + 4096, need: vk.dataSize, have: filled }));
    return out.slice(0, filled);
  }
  return out;
}

function utf16(raw: Uint8Array): string {
  return UTF16.decode(raw.subarray(0, raw.length & ~1));
}

/** Decodes by type; data that does not fit its type stays bytes. */
export function decodeValue(type: number, raw: Uint8Array): ValueData {
  const c = new ByteCursor(raw);
  switch (type) {
    case 1:
    case 2:
    case 6: {
      const s = utf16(raw);
      const nul = s.indexOf('\0');
      return nul < 0 ? s : s.slice(0, nul);
    }
    case 7: {
      const parts = utf16(raw).split('\0');
      while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
      return parts;
    }
    case 4:
      return raw.length >= 4 ? c.u32(0, 'REG_DWORD') : raw;
    case 5:
      return raw.length >= 4 ? c.u32be(0, 'REG_DWORD_BIG_ENDIAN') : raw;
    case 11:
      return raw.length >= 8 ? c.u64big(0, 'REG_QWORD') : raw;
    default:
      return raw;
  }
}

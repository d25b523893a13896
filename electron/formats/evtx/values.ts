/**
 * Substitution value types (SPEC.md §4): decoded to the text Windows' Event Viewer would print.
 * Binary XML (0x21) values are not decoded here; binxml.ts parses them as nested fragments.
 */
import { ParseError } from '../../common/issues.js';
import type { ByteCursor } from '../../io/byte-cursor.js';

export const T_NULL = 0x00;
export const T_STRING = 0x01;
export const T_BINXML = 0x21;
export const ARRAY_FLAG = 0x80;

const utf16 = new TextDecoder('utf-16le');
const latin1 = new TextDecoder('windows-1252');
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase());

/** UTF-16LE text of `units` code units at `off`, decoded without copying. */
export function utf16At(c: ByteCursor, off: number, units: number, what: string): string {
  const b = c.raw(off, units * 2, what);
  if (units < 24) {
    let s = '';
    for (let i = 0; i < b.length; i += 2) s += String.fromCharCode(b[i]! | (b[i + 1]! << 8));
    return s;
  }
  return utf16.decode(b);
}

/** Lone UTF-16 surrogates (damaged or truncated strings) become U+FFFD so XML and JSON stay valid. */
export function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

const FILETIME_EPOCH_DIFF = 116444736000000000n;

/** FILETIME (100 ns ticks since 1601) as ISO 8601 UTC with 9 fractional digits (Event Viewer's form); null outside years 1601..9999 or zero. */
export function filetimeIso(ft: bigint): string | null {
  if (ft === 0n || ft > 2650467743999999999n) return null;
  const unix100ns = ft - FILETIME_EPOCH_DIFF;
  const ms = unix100ns >= 0n ? unix100ns / 10000n : -((-unix100ns + 9999n) / 10000n);
  const frac = Number(((unix100ns % 10000000n) + 10000000n) % 10000000n);
  const d = new Date(Number(ms));
  if (Number.isNaN(d.getTime())) return null;
  return `${d.toISOString().slice(0, 19)}.${String(frac).padStart(7, '0')}00Z`;
}

export function guidText(b: Uint8Array): string {
  const h = (i: number): string => HEX[b[i]!]!;
  return `{${h(3)}${h(2)}${h(1)}${h(0)}-${h(5)}${h(4)}-${h(7)}${h(6)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}}`;
}

function sidText(c: ByteCursor, off: number, size: number): string {
  const rev = c.u8(off, 'SID revision');
  const n = c.u8(off + 1, 'SID sub-authority count');
  if (8 + n * 4 > size) throw new ParseError('out-of-bounds', { what: 'SID sub-authorities', offset: c.base + off, need: 8 + n * 4, have: size });
  let auth = 0;
  for (let i = 2; i < 8; i++) auth = auth * 256 + c.u8(off + i, 'SID authority');
  let s = `S-${rev}-${auth}`;
  for (let i = 0; i < n; i++) s += `-${c.u32(off + 8 + i * 4, 'SID sub-authority')}`;
  return s;
}

function systemtimeText(c: ByteCursor, off: number): string {
  const f = (i: number): number => c.u16(off + i * 2, 'SYSTEMTIME field');
  const p = (v: number, n = 2): string => String(v).padStart(n, '0');
  return `${p(f(0), 4)}-${p(f(1))}-${p(f(3))}T${p(f(4))}:${p(f(5))}:${p(f(6))}.${p(f(7), 3)}Z`;
}

function hexText(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += HEX[x];
  return s;
}

/** Fixed element size of a scalar type, for arrays; 0 for variable-size types. */
function elementSize(type: number): number {
  switch (type) {
    case 0x03: case 0x04: return 1;
    case 0x05: case 0x06: return 2;
    case 0x07: case 0x08: case 0x0b: case 0x0d: case 0x14: return 4;
    case 0x09: case 0x0a: case 0x0c: case 0x11: case 0x15: return 8;
    case 0x0f: case 0x12: return 16;
    default: return 0;
  }
}

/** One scalar value of `type` occupying [off, off+size). */
function scalar(c: ByteCursor, type: number, off: number, size: number): string {
  switch (type) {
    case T_NULL: return '';
    case 0x01: return wellFormed(utf16At(c, off, size >>> 1, 'string value').replace(/\0+$/, ''));
    case 0x02: return latin1.decode(c.raw(off, size, 'ansi string value')).replace(/\0+$/, '');
    case 0x03: return String((c.u8(off, 'int8') << 24) >> 24);
    case 0x04: return String(c.u8(off, 'uint8'));
    case 0x05: return String((c.u16(off, 'int16') << 16) >> 16);
    case 0x06: return String(c.u16(off, 'uint16'));
    case 0x07: return String(c.i32(off, 'int32'));
    case 0x08: return String(c.u32(off, 'uint32'));
    case 0x09: return String(c.i64big(off, 'int64'));
    case 0x0a: return String(c.u64big(off, 'uint64'));
    case 0x0b: return String(new DataView(c.raw(off, 4, 'real32').slice().buffer).getFloat32(0, true));
    case 0x0c: return String(new DataView(c.raw(off, 8, 'real64').slice().buffer).getFloat64(0, true));
    case 0x0d: return c.u32(off, 'bool') === 0 ? 'false' : 'true';
    case 0x0e: return hexText(c.raw(off, size, 'binary value'));
    case 0x0f: return guidText(c.raw(off, 16, 'GUID value'));
    // size_t in decimal, as libevtx and python-evtx both print it.
    case 0x10: return size === 8 ? String(c.u64big(off, 'size_t')) : String(c.u32(off, 'size_t'));
    case 0x11: {
      const ft = c.u64big(off, 'FILETIME value');
      return ft === 0n ? '1601-01-01T00:00:00.000000000Z' : (filetimeIso(ft) ?? '');
    }
    case 0x12: return systemtimeText(c, off);
    case 0x13: return sidText(c, off, size);
    case 0x14: return `0x${c.u32(off, 'hex32').toString(16).padStart(8, '0')}`;
    case 0x15: return `0x${c.u64big(off, 'hex64').toString(16).padStart(16, '0')}`;
    default: return hexText(c.raw(off, size, `value of type 0x${type.toString(16)}`));
  }
}

/** Decodes a substitution value: one string, or one string per array element. */
export function decodeValue(c: ByteCursor, type: number, off: number, size: number): string | string[] {
  c.need(off, size, 'substitution value');
  if ((type & ARRAY_FLAG) === 0) {
    const es = elementSize(type);
    if (es > 0 && size < es) throw new ParseError('truncated', { what: `value of type 0x${type.toString(16)}`, offset: c.base + off, need: es, have: size });
    return scalar(c, type, off, size);
  }
  const base = type & 0x7f;
  const out: string[] = [];
  if (base === 0x01) {
    const s = utf16At(c, off, size >>> 1, 'string array');
    const parts = wellFormed(s).split('\0');
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    return parts;
  }
  if (base === 0x02) {
    const parts = latin1.decode(c.raw(off, size, 'ansi string array')).split('\0');
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    return parts;
  }
  if (base === 0x13) {
    let p = off;
    while (p + 8 <= off + size) {
      const n = c.u8(p + 1, 'SID sub-authority count');
      out.push(sidText(c, p, off + size - p));
      p += 8 + n * 4;
    }
    return out;
  }
  const es = base === 0x10 ? (size % 8 === 0 ? 8 : 4) : elementSize(base);
  if (es === 0) return hexText(c.raw(off, size, 'array value'));
  for (let p = off; p + es <= off + size; p += es) out.push(scalar(c, base, p, es));
  return out;
}

import { ParseError } from '../common/issues.js';

/**
 * A tiny, boring, bounds-checked view over a byte window. Every read names its field, so a
 * malformed file produces "buffer too small for <field> at offset N (need X, have Y)" and never a
 * raw RangeError. Offsets reported in errors are absolute: `base` is where this window starts in
 * the file it came from.
 *
 * Reads are positional (`u32(off, what)`) or sequential through `pos` (`readU32(what)`).
 */
export class ByteCursor {
  private readonly view: DataView;
  pos = 0;

  constructor(
    readonly bytes: Uint8Array,
    /** Absolute offset of bytes[0] in the file, used only in error reports. */
    readonly base = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Throws `truncated` unless [off, off+need) lies inside the window. */
  need(off: number, need: number, what: string): void {
    if (!Number.isInteger(off) || off < 0 || need < 0 || off + need > this.bytes.length) {
      throw new ParseError('truncated', {
        what,
        offset: this.base + Math.max(0, off),
        need,
        have: Math.max(0, this.bytes.length - Math.max(0, off)),
      });
    }
  }

  has(off: number, len: number): boolean {
    return Number.isInteger(off) && off >= 0 && len >= 0 && off + len <= this.bytes.length;
  }

  u8(off: number, what: string): number {
    this.need(off, 1, what);
    return this.view.getUint8(off);
  }
  u16(off: number, what: string): number {
    this.need(off, 2, what);
    return this.view.getUint16(off, true);
  }
  u32(off: number, what: string): number {
    this.need(off, 4, what);
    return this.view.getUint32(off, true);
  }
  i32(off: number, what: string): number {
    this.need(off, 4, what);
    return this.view.getInt32(off, true);
  }
  u16be(off: number, what: string): number {
    this.need(off, 2, what);
    return this.view.getUint16(off, false);
  }
  u32be(off: number, what: string): number {
    this.need(off, 4, what);
    return this.view.getUint32(off, false);
  }
  u64big(off: number, what: string): bigint {
    this.need(off, 8, what);
    return this.view.getBigUint64(off, true);
  }
  u64bigBe(off: number, what: string): bigint {
    this.need(off, 8, what);
    return this.view.getBigUint64(off, false);
  }
  i64big(off: number, what: string): bigint {
    this.need(off, 8, what);
    return this.view.getBigInt64(off, true);
  }
  /** A 64-bit little-endian value as a number; refused above 2^53-1. */
  u64(off: number, what: string): number {
    return safeNumber(this.u64big(off, what), what, this.base + off);
  }
  u64be(off: number, what: string): number {
    return safeNumber(this.u64bigBe(off, what), what, this.base + off);
  }
  f64be(off: number, what: string): number {
    this.need(off, 8, what);
    return this.view.getFloat64(off, false);
  }
  f32be(off: number, what: string): number {
    this.need(off, 4, what);
    return this.view.getFloat32(off, false);
  }
  /** An unsigned big-endian integer of 1..8 bytes (plist offsets, refs). */
  uintBe(off: number, width: number, what: string): number {
    this.need(off, width, what);
    let v = 0n;
    for (let i = 0; i < width; i++) v = (v << 8n) | BigInt(this.bytes[off + i]!);
    return safeNumber(v, what, this.base + off);
  }

  /** A sub-window that shares memory; its errors still report absolute offsets. */
  slice(off: number, len: number, what: string): ByteCursor {
    this.need(off, len, what);
    return new ByteCursor(this.bytes.subarray(off, off + len), this.base + off);
  }
  raw(off: number, len: number, what: string): Uint8Array {
    this.need(off, len, what);
    return this.bytes.subarray(off, off + len);
  }
  ascii(off: number, len: number, what: string): string {
    const b = this.raw(off, len, what);
    let s = '';
    for (const c of b) s += String.fromCharCode(c);
    return s;
  }
  /** UTF-16LE of `units` code units. */
  utf16le(off: number, units: number, what: string): string {
    const b = this.raw(off, units * 2, what);
    return new TextDecoder('utf-16le').decode(b);
  }
  /** UTF-16LE up to a NUL unit or `maxUnits`, whichever comes first; returns text and units read (incl. NUL). */
  utf16leZ(off: number, maxUnits: number, what: string): { text: string; units: number } {
    let n = 0;
    while (n < maxUnits && this.u16(off + n * 2, what) !== 0) n++;
    const text = this.utf16le(off, n, what);
    return { text, units: n < maxUnits ? n + 1 : n };
  }

  readU8(what: string): number {
    const v = this.u8(this.pos, what);
    this.pos += 1;
    return v;
  }
  readU16(what: string): number {
    const v = this.u16(this.pos, what);
    this.pos += 2;
    return v;
  }
  readU32(what: string): number {
    const v = this.u32(this.pos, what);
    this.pos += 4;
    return v;
  }
  readU64(what: string): number {
    const v = this.u64(this.pos, what);
    this.pos += 8;
    return v;
  }
  readRaw(len: number, what: string): Uint8Array {
    const v = this.raw(this.pos, len, what);
    this.pos += len;
    return v;
  }
}

function safeNumber(v: bigint, what: string, offset: number): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ParseError('out-of-bounds', { what, offset }, `${what} at offset ${offset} is ${v}, above 2^53-1`);
  }
  return Number(v);
}

/** `a + b` as an offset that must stay inside [0, limit]; throws out-of-bounds otherwise. */
export function checkedEnd(start: number, len: number, limit: number, what: string): number {
  const end = start + len;
  if (!Number.isSafeInteger(end) || start < 0 || len < 0 || end > limit) {
    throw new ParseError('out-of-bounds', { what, offset: start, need: len, have: Math.max(0, limit - start) },
      `${what} [${start}, ${end}) lies outside the data (${limit} bytes)`);
  }
  return end;
}

/**
 * Bounded reader for Apple binary property lists (`bplist00`). Layout and field names in SPEC.md.
 * Every offset, count and reference is checked against the bytes present and a named cap; shared
 * objects are decoded once; a container that reaches itself or an ancestor is a `loop`.
 */
import { ParseError } from '../../common/issues.js';
import { LIMITS } from '../../common/limits.js';
import { ByteCursor, checkedEnd } from '../../io/byte-cursor.js';
import { PLIST_LIMITS, setEntry, type PlistValue } from './types.js';

const HEADER_BYTES = 8;
const TRAILER_BYTES = 32;
/** 2001-01-01T00:00:00Z, the epoch of bplist dates (CFAbsoluteTime). */
const CF_EPOCH_MS = Date.UTC(2001, 0, 1);
/** Largest |ms| a JS Date holds. */
const MAX_DATE_MS = 8.64e15;

interface Trailer {
  offsetIntSize: number; // trailer +6, u8
  objectRefSize: number; // trailer +7, u8
  numObjects: number; // trailer +8, u64 BE
  topObject: number; // trailer +16, u64 BE
  offsetTableOffset: number; // trailer +24, u64 BE
}

export function parseBplist(bytes: Uint8Array): PlistValue {
  if (bytes.length > LIMITS.plistMaxBytes) {
    throw new ParseError('limit-exceeded', { what: 'bplist size', need: bytes.length, have: LIMITS.plistMaxBytes });
  }
  const c = new ByteCursor(bytes);
  c.need(0, HEADER_BYTES + TRAILER_BYTES, 'bplist header and trailer');
  const magic = c.ascii(0, 8, 'bplist magic');
  if (!magic.startsWith('bplist')) throw new ParseError('bad-signature', { what: 'bplist magic', offset: 0 });
  if (magic !== 'bplist00') {
    // bplist15/16/17 are different encodings (CoreFoundation private); not decoded here.
    throw new ParseError('unsupported-version', { what: `bplist version ${JSON.stringify(magic.slice(6))}`, offset: 6 });
  }
  return new Decoder(c, readTrailer(c)).decodeTop();
}

function readTrailer(c: ByteCursor): Trailer {
  const t = c.length - TRAILER_BYTES;
  const offsetIntSize = c.u8(t + 6, 'trailer offsetIntSize');
  const objectRefSize = c.u8(t + 7, 'trailer objectRefSize');
  if (offsetIntSize < 1 || offsetIntSize > 8) throw new ParseError('decode', { what: `trailer offsetIntSize ${offsetIntSize}`, offset: t + 6 });
  if (objectRefSize < 1 || objectRefSize > 8) throw new ParseError('decode', { what: `trailer objectRefSize ${objectRefSize}`, offset: t + 7 });
  const numObjects = c.u64be(t + 8, 'trailer numObjects');
  const topObject = c.u64be(t + 16, 'trailer topObject');
  const offsetTableOffset = c.u64be(t + 24, 'trailer offsetTableOffset');
  if (numObjects < 1) throw new ParseError('decode', { what: 'trailer numObjects is 0', offset: t + 8 });
  if (numObjects > LIMITS.plistMaxObjects) {
    throw new ParseError('limit-exceeded', { what: 'bplist object count', offset: t + 8, need: numObjects, have: LIMITS.plistMaxObjects });
  }
  if (topObject >= numObjects) throw new ParseError('out-of-bounds', { what: 'trailer topObject', offset: t + 16, need: topObject, have: numObjects });
  if (offsetTableOffset < HEADER_BYTES + 1) throw new ParseError('out-of-bounds', { what: 'trailer offsetTableOffset', offset: t + 24 });
  checkedEnd(offsetTableOffset, numObjects * offsetIntSize, t, 'offset table');
  return { offsetIntSize, objectRefSize, numObjects, topObject, offsetTableOffset };
}

class Decoder {
  private readonly memo = new Map<number, { value: PlistValue; expanded: number }>();
  private readonly inProgress = new Set<number>();
  /** Objects live between the header and the offset table (as CoreFoundation requires). */
  private readonly objEnd: number;

  constructor(private readonly c: ByteCursor, private readonly t: Trailer) {
    this.objEnd = t.offsetTableOffset;
  }

  decodeTop(): PlistValue {
    return this.decode(this.t.topObject, 0).value;
  }

  private objectOffset(ref: number): number {
    const at = this.t.offsetTableOffset + ref * this.t.offsetIntSize;
    const off = this.c.uintBe(at, this.t.offsetIntSize, `offset table entry ${ref}`);
    if (off < HEADER_BYTES || off >= this.objEnd) {
      throw new ParseError('out-of-bounds', { what: `object ${ref} offset ${off}`, offset: at, need: off, have: this.objEnd });
    }
    return off;
  }

  /** Bytes [off, off+len) must end before the offset table. */
  private span(off: number, len: number, what: string): void {
    checkedEnd(off, len, this.objEnd, what);
  }

  private decode(ref: number, depth: number): { value: PlistValue; expanded: number } {
    if (ref >= this.t.numObjects) throw new ParseError('out-of-bounds', { what: `object reference ${ref}`, need: ref, have: this.t.numObjects });
    const hit = this.memo.get(ref);
    if (hit) return hit;
    if (this.inProgress.has(ref)) throw new ParseError('loop', { what: `object ${ref} contains itself` });
    if (depth > LIMITS.plistMaxDepth) {
      throw new ParseError('limit-exceeded', { what: 'bplist nesting depth', need: depth, have: LIMITS.plistMaxDepth });
    }
    this.inProgress.add(ref);
    const r = this.decodeAt(ref, this.objectOffset(ref), depth);
    this.inProgress.delete(ref);
    this.memo.set(ref, r);
    return r;
  }

  private decodeAt(ref: number, off: number, depth: number): { value: PlistValue; expanded: number } {
    const c = this.c;
    const marker = c.u8(off, `object ${ref} marker`);
    const hi = marker >> 4;
    const lo = marker & 0x0f;
    const scalar = (value: PlistValue) => ({ value, expanded: 1 });
    switch (hi) {
      case 0x0:
        if (marker === 0x00) return scalar(null);
        if (marker === 0x08) return scalar(false);
        if (marker === 0x09) return scalar(true);
        if (marker === 0x0f) return scalar(new Uint8Array(0)); // fill byte; plistlib reads it as empty data
        break;
      case 0x1:
        return scalar(this.int(off + 1, lo, ref));
      case 0x2:
        if (lo === 2 || lo === 3) {
          this.span(off + 1, lo === 2 ? 4 : 8, `object ${ref} real`);
          return scalar(lo === 2 ? c.f32be(off + 1, `object ${ref} real`) : c.f64be(off + 1, `object ${ref} real`));
        }
        break;
      case 0x3:
        if (marker === 0x33) {
          this.span(off + 1, 8, `object ${ref} date`);
          return scalar(cfDate(c.f64be(off + 1, `object ${ref} date`), off));
        }
        break;
      case 0x4: {
        const { count, start } = this.length(off, lo, ref);
        this.span(start, count, `object ${ref} data`);
        return scalar(new Uint8Array(c.raw(start, count, `object ${ref} data`))); // a copy, never a Buffer view
      }
      case 0x5: {
        const { count, start } = this.length(off, lo, ref);
        this.span(start, count, `object ${ref} ASCII string`);
        return scalar(c.ascii(start, count, `object ${ref} ASCII string`));
      }
      case 0x6: {
        const { count, start } = this.length(off, lo, ref);
        this.span(start, count * 2, `object ${ref} UTF-16 string`);
        return scalar(utf16be(c.raw(start, count * 2, `object ${ref} UTF-16 string`)));
      }
      case 0x8: {
        this.span(off + 1, lo + 1, `object ${ref} UID`);
        const n = bigUnsigned(c.raw(off + 1, lo + 1, `object ${ref} UID`));
        return scalar({ CF$UID: n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n });
      }
      case 0xa:
      case 0xc: // set: an unordered array (never written by Cocoa, but defined by CF)
        return this.array(ref, off, lo, depth);
      case 0xd:
        return this.dict(ref, off, lo, depth);
    }
    throw new ParseError('decode', { what: `object ${ref} marker 0x${marker.toString(16).padStart(2, '0')}`, offset: off });
  }

  /** Integer of 2^lo bytes: 1, 2 and 4 unsigned; 8 and 16 two's complement (as CF and plistlib). */
  private int(at: number, lo: number, ref: number): number | bigint {
    if (lo > 4) throw new ParseError('decode', { what: `object ${ref} integer width 2^${lo}`, offset: at - 1 });
    const width = 1 << lo;
    this.span(at, width, `object ${ref} integer`);
    let v = bigUnsigned(this.c.raw(at, width, `object ${ref} integer`));
    if (width >= 8 && v >> BigInt(width * 8 - 1) === 1n) v -= 1n << BigInt(width * 8);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  /** Low nibble is the count, or 0xF and the count follows as an int object (marker 0x1n, n ≤ 3). */
  private length(off: number, lo: number, ref: number): { count: number; start: number } {
    if (lo !== 0x0f) return { count: lo, start: off + 1 };
    const m = this.c.u8(off + 1, `object ${ref} length marker`);
    if (m >> 4 !== 0x1 || (m & 0x0f) > 3) throw new ParseError('decode', { what: `object ${ref} length marker 0x${m.toString(16)}`, offset: off + 1 });
    const width = 1 << (m & 0x0f);
    this.span(off + 2, width, `object ${ref} length`);
    const count = this.c.uintBe(off + 2, width, `object ${ref} length`);
    return { count, start: off + 2 + width };
  }

  private refs(start: number, count: number, what: string): number[] {
    if (count > PLIST_LIMITS.maxContainerEntries) {
      throw new ParseError('limit-exceeded', { what, offset: start, need: count, have: PLIST_LIMITS.maxContainerEntries });
    }
    const size = this.t.objectRefSize;
    this.span(start, count * size, what);
    const out = new Array<number>(count);
    for (let i = 0; i < count; i++) out[i] = this.c.uintBe(start + i * size, size, what);
    return out;
  }

  private addExpanded(total: number, more: number, ref: number): number {
    const sum = total + more;
    if (sum > PLIST_LIMITS.maxExpandedValues) {
      throw new ParseError('limit-exceeded', { what: `values reachable from object ${ref} (shared objects counted each time)`, need: sum, have: PLIST_LIMITS.maxExpandedValues });
    }
    return sum;
  }

  private array(ref: number, off: number, lo: number, depth: number): { value: PlistValue; expanded: number } {
    const { count, start } = this.length(off, lo, ref);
    const items: PlistValue[] = [];
    let expanded = 1;
    for (const r of this.refs(start, count, `object ${ref} array refs`)) {
      const child = this.decode(r, depth + 1);
      expanded = this.addExpanded(expanded, child.expanded, ref);
      items.push(child.value);
    }
    return { value: items, expanded };
  }

  private dict(ref: number, off: number, lo: number, depth: number): { value: PlistValue; expanded: number } {
    const { count, start } = this.length(off, lo, ref);
    const keys = this.refs(start, count, `object ${ref} dict key refs`);
    const vals = this.refs(start + count * this.t.objectRefSize, count, `object ${ref} dict value refs`);
    const out: { [k: string]: PlistValue } = {};
    let expanded = 1;
    for (let i = 0; i < count; i++) {
      const k = this.decode(keys[i]!, depth + 1);
      if (typeof k.value !== 'string') throw new ParseError('decode', { what: `object ${ref} dict key ${i} is not a string`, offset: start });
      const v = this.decode(vals[i]!, depth + 1);
      expanded = this.addExpanded(expanded, v.expanded + 1, ref);
      setEntry(out, k.value, v.value);
    }
    return { value: out, expanded };
  }
}

function cfDate(seconds: number, off: number): Date {
  const ms = CF_EPOCH_MS + seconds * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) {
    throw new ParseError('decode', { what: `date ${seconds} s after 2001-01-01 is out of range`, offset: off });
  }
  return new Date(ms);
}

function bigUnsigned(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/** UTF-16BE without relying on ICU's utf-16be decoder; lone surrogates are kept as code units. */
function utf16be(b: Uint8Array): string {
  const units = b.length >> 1;
  let s = '';
  const chunk = 4096;
  for (let i = 0; i < units; i += chunk) {
    const n = Math.min(chunk, units - i);
    const codes = new Array<number>(n);
    for (let j = 0; j < n; j++) codes[j] = (b[(i + j) * 2]! << 8) | b[(i + j) * 2 + 1]!;
    s += String.fromCharCode(...codes);
  }
  return s;
}

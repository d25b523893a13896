/**
 * A minimal DER (X.690) element walker for the two places the schema-driven @peculiar parsers do
 * not reach: the length of the CMS inside its blob wrapper, and the RFC 3161 TSTInfo carried as
 * an OCTET STRING inside a timestamp token. Definite lengths only (DER forbids the others).
 */
import { ParseError } from '../../common/issues.js';
import type { ByteCursor } from '../../io/byte-cursor.js';

export interface DerElement {
  tag: number;
  /** Offset of the tag byte and of the contents, relative to the cursor. */
  start: number;
  contentStart: number;
  contentLength: number;
  /** Offset just past the element. */
  end: number;
}

/** The element at `off`, which must end at or before `limit` (default: the cursor's end). */
export function derElement(c: ByteCursor, off: number, what: string, limit = c.length): DerElement {
  const tag = c.u8(off, `${what} tag`);
  if ((tag & 0x1f) === 0x1f) throw new ParseError('decode', { what: `${what}: multi-byte DER tag`, offset: c.base + off });
  const first = c.u8(off + 1, `${what} length`);
  let contentStart = off + 2;
  let contentLength = first;
  if (first >= 0x80) {
    const n = first & 0x7f;
    // 0x80 is BER's indefinite length; more than 4 length bytes cannot describe bytes we hold.
    if (n === 0 || n > 4) throw new ParseError('decode', { what: `${what}: DER length form 0x${first.toString(16)}`, offset: c.base + off + 1 });
    contentLength = 0;
    for (let i = 0; i < n; i++) contentLength = contentLength * 256 + c.u8(off + 2 + i, `${what} length`);
    contentStart += n;
  }
  const end = contentStart + contentLength;
  if (end > limit) throw new ParseError('truncated', { what, offset: c.base + off, need: end - off, have: Math.max(0, limit - off) });
  return { tag, start: off, contentStart, contentLength, end };
}

/** The elements directly inside a constructed element, at most `max` of them. */
export function derChildren(c: ByteCursor, parent: DerElement, what: string, max: number): DerElement[] {
  const out: DerElement[] = [];
  let pos = parent.contentStart;
  while (pos < parent.end) {
    if (out.length >= max) throw new ParseError('limit-exceeded', { what: `${what} elements`, offset: c.base + pos, need: out.length + 1, have: max });
    const e = derElement(c, pos, `${what}[${out.length}]`, parent.end);
    out.push(e);
    pos = e.end;
  }
  return out;
}

/** Dotted form of an OBJECT IDENTIFIER's contents. */
export function derOid(c: ByteCursor, e: DerElement, what: string): string {
  if (e.tag !== 0x06 || e.contentLength === 0 || e.contentLength > 64) throw new ParseError('decode', { what: `${what} is not an OBJECT IDENTIFIER`, offset: c.base + e.start });
  const raw = c.raw(e.contentStart, e.contentLength, what);
  const parts: number[] = [];
  let v = 0;
  for (const b of raw) {
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** INTEGER contents as unsigned uppercase hex (a leading sign byte 00 dropped), as serials print. */
export function derIntegerHex(c: ByteCursor, e: DerElement, what: string): string {
  if (e.tag !== 0x02 || e.contentLength === 0) throw new ParseError('decode', { what: `${what} is not an INTEGER`, offset: c.base + e.start });
  let raw = c.raw(e.contentStart, e.contentLength, what);
  if (raw.length > 1 && raw[0] === 0) raw = raw.subarray(1);
  return Buffer.from(raw).toString('hex').toUpperCase();
}

const GENERALIZED = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,](\d{1,9}))?Z$/;

/** GeneralizedTime (UTC, `YYYYMMDDHHMMSS[.fff]Z`, as RFC 3161 requires) → ISO 8601 with milliseconds. */
export function derGeneralizedTime(c: ByteCursor, e: DerElement, what: string): string {
  if (e.tag !== 0x18 || e.contentLength > 32) throw new ParseError('decode', { what: `${what} is not a GeneralizedTime`, offset: c.base + e.start });
  const text = new TextDecoder('latin1').decode(c.raw(e.contentStart, e.contentLength, what));
  const m = GENERALIZED.exec(text);
  if (!m) throw new ParseError('decode', { what: `${what} '${text}' is not a UTC GeneralizedTime`, offset: c.base + e.start });
  const ms = Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
  const d = new Date(t);
  // Date.UTC rolls month 13 into the next year; a field out of range is a malformed time.
  if (!Number.isFinite(t) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3]) || d.getUTCHours() !== Number(m[4])) throw new ParseError('decode', { what: `${what} '${text}' is not a date`, offset: c.base + e.start });
  return d.toISOString();
}

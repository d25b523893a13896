/**
 * One 512-byte tar header (v7, ustar, GNU, pax-style), decoded without trusting any field:
 * numbers are octal text or GNU base-256, the checksum is verified (unsigned or the old signed sum).
 */
import { ParseError } from '../../common/issues.js';

export const BLOCK = 512;

export interface TarHeader {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  magic: 'ustar' | 'gnu' | 'v7';
  uname: string;
  gname: string;
  /** Old-GNU headers keep atime/ctime where ustar has its prefix. */
  atime: number | null;
  ctime: number | null;
}

const utf8 = new TextDecoder('utf-8');

/** A NUL-terminated text field. Names are bytes; we decode as UTF-8 (lossy for other encodings). */
export function text(b: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && b[end] !== 0) end++;
  return utf8.decode(b.subarray(off, end));
}

/** Octal (space/NUL padded) or GNU base-256 (high bit of the first byte set); null when not a number. */
export function num(b: Uint8Array, off: number, len: number, what: string, at: number): number {
  const first = b[off]!;
  if (first & 0x80) {
    if (first === 0xff) throw new ParseError('decode', { what, offset: at + off }, `${what}: negative base-256 value`);
    let v = BigInt(first & 0x7f);
    for (let i = 1; i < len; i++) v = (v << 8n) | BigInt(b[off + i]!);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ParseError('out-of-bounds', { what, offset: at + off }, `${what} is above 2^53-1`);
    return Number(v);
  }
  let s = '';
  for (let i = off; i < off + len; i++) {
    const c = b[i]!;
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  s = s.trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new ParseError('decode', { what, offset: at + off }, `${what} is not octal: ${JSON.stringify(s)}`);
  const v = parseInt(s, 8);
  if (!Number.isSafeInteger(v)) throw new ParseError('out-of-bounds', { what, offset: at + off });
  return v;
}

export function isZeroBlock(b: Uint8Array): boolean {
  for (const x of b) if (x !== 0) return false;
  return true;
}

/** Decode a header block found at `at`; throws ParseError when it is not one. */
export function parseHeader(b: Uint8Array, at: number): TarHeader {
  if (b.length < BLOCK) throw new ParseError('truncated', { what: 'tar header', offset: at, need: BLOCK, have: b.length });
  const stored = num(b, 148, 8, 'header checksum', at);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const v = i >= 148 && i < 156 ? 0x20 : b[i]!;
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  if (stored !== unsigned && stored !== signed) throw new ParseError('checksum', { what: 'tar header checksum', offset: at }, `tar header at ${at}: checksum ${stored} does not match ${unsigned}`);
  const magicText = text(b, 257, 6);
  const magic = magicText === 'ustar' ? 'ustar' : magicText === 'ustar ' ? 'gnu' : 'v7';
  const isGnu = magic === 'gnu';
  let name = text(b, 0, 100);
  if (magic === 'ustar') {
    const prefix = text(b, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  return {
    name,
    mode: num(b, 100, 8, 'mode', at),
    uid: num(b, 108, 8, 'uid', at),
    gid: num(b, 116, 8, 'gid', at),
    size: num(b, 124, 12, 'size', at),
    mtime: num(b, 136, 12, 'mtime', at),
    typeflag: b[156] === 0 ? '0' : String.fromCharCode(b[156]!),
    linkname: text(b, 157, 100),
    magic,
    uname: text(b, 265, 32),
    gname: text(b, 297, 32),
    atime: isGnu ? safeNum(b, 345, 12, at) : null,
    ctime: isGnu ? safeNum(b, 357, 12, at) : null,
  };
}

function safeNum(b: Uint8Array, off: number, len: number, at: number): number | null {
  try {
    const v = num(b, off, len, 'gnu time', at);
    return v === 0 ? null : v;
  } catch {
    return null;
  }
}

/** pax extended header records: "<len> <key>=<value>\n", the length counting the whole record. */
export function parsePax(b: Uint8Array, at: number): Map<string, string> {
  const out = new Map<string, string>();
  let p = 0;
  while (p < b.length) {
    if (b[p] === 0) break;
    let sp = p;
    while (sp < b.length && sp - p < 20 && b[sp] !== 0x20) sp++;
    const lenText = utf8.decode(b.subarray(p, sp));
    const len = /^[0-9]+$/.test(lenText) ? parseInt(lenText, 10) : NaN;
    if (!Number.isSafeInteger(len) || len <= sp - p + 1 || p + len > b.length) {
      throw new ParseError('decode', { what: 'pax record length', offset: at + p }, `bad pax record at ${at + p}`);
    }
    const rec = utf8.decode(b.subarray(sp + 1, p + len - 1));
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    p += len;
  }
  return out;
}

/**
 * LZFSE stream decoding: a sequence of blocks, each starting with a 4-byte magic:
 *   bvx- raw bytes · bvxn LZVN · bvx1 LZFSE with plain tables · bvx2 LZFSE with packed tables · bvx$ end.
 * Output is one buffer capped by the caller; see SPEC.md for the header layouts.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { BackwardBits, buildSymbolTable, buildValueTable, decodeSymbol, decodeValue } from './fse.js';
import { lzvnDecodeInto } from './lzvn.js';
import { OutBuf } from './output.js';

export const MAGIC = { end: 0x24787662, raw: 0x2d787662, v1: 0x31787662, v2: 0x32787662, lzvn: 0x6e787662 } as const;

const L_SYMBOLS = 20, M_SYMBOLS = 20, D_SYMBOLS = 64, LIT_SYMBOLS = 256;
const L_STATES = 64, M_STATES = 64, D_STATES = 256, LIT_STATES = 1024;
const MAX_MATCHES = 10_000;
const MAX_LITERALS = 4 * MAX_MATCHES;
const V1_HEADER_BYTES = 772;
/** Most blocks walked in one stream; real encoders write ≤ 10 000 matches per block. */
const MAX_BLOCKS = 1 << 20;

const L_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 5, 8];
const L_BASE = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 20, 28, 60];
const M_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 5, 8, 11];
const M_BASE = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 24, 56, 312];
/** D symbols come in groups of four sharing an extra-bit count 0,0,1,1,...,15 (×4 each). */
const D_EXTRA = Array.from({ length: D_SYMBOLS }, (_, i) => i >> 2);
const D_BASE = ((): number[] => {
  const out: number[] = [];
  let v = 0;
  for (let i = 0; i < D_SYMBOLS; i++) { out.push(v); v += 1 << D_EXTRA[i]!; }
  return out;
})();

export interface LzfseOptions {
  /** Largest output accepted (bytes); a stream that would grow past it is refused. */
  readonly maxOutput: number;
  /** Expected output size, to size the buffer once. */
  readonly sizeHint?: number;
}

/** Decode a whole LZFSE stream (up to its bvx$ block or the end of input). */
export function lzfseDecode(src: Uint8Array, opts: LzfseOptions): Uint8Array {
  const out = new OutBuf(opts.maxOutput, opts.sizeHint ?? src.length * 4);
  const c = new ByteCursor(src);
  let p = 0;
  for (let blocks = 0; ; blocks++) {
    if (blocks > MAX_BLOCKS) throw new ParseError('limit-exceeded', { what: 'lzfse blocks', need: blocks, have: MAX_BLOCKS });
    if (p === src.length) return out.result(); // some writers omit bvx$
    const magic = c.u32(p, 'lzfse block magic');
    if (magic === MAGIC.end) return out.result();
    if (magic === MAGIC.raw) {
      const n = c.u32(p + 4, 'bvx- n_raw_bytes');
      c.need(p + 8, n, 'bvx- raw bytes');
      out.literal(src, p + 8, n, 'lzfse output');
      p += 8 + n;
    } else if (magic === MAGIC.lzvn) {
      const raw = c.u32(p + 4, 'bvxn n_raw_bytes');
      const payload = c.u32(p + 8, 'bvxn n_payload_bytes');
      c.need(p + 12, payload, 'bvxn payload');
      const before = out.length;
      lzvnDecodeInto(src, p + 12, p + 12 + payload, out, raw);
      if (out.length - before !== raw) throw new ParseError('decode', { what: `bvxn block gave ${out.length - before} of ${raw} bytes`, offset: p });
      p += 12 + payload;
    } else if (magic === MAGIC.v1 || magic === MAGIC.v2) {
      p = decodeFseBlock(src, c, p, magic === MAGIC.v2, out);
    } else {
      throw new ParseError('bad-signature', { what: `lzfse block magic 0x${magic.toString(16)}`, offset: p });
    }
  }
}

interface BlockHeader {
  rawBytes: number; nLiterals: number; nMatches: number; litPayload: number; lmdPayload: number;
  literalBits: number; literalState: number[]; lmdBits: number; lState: number; mState: number; dState: number;
  freq: number[]; headerBytes: number;
}

function field(v: bigint, lsb: number, width: number): number {
  return Number((v >> BigInt(lsb)) & ((1n << BigInt(width)) - 1n));
}

function readV2Header(src: Uint8Array, c: ByteCursor, p: number): BlockHeader {
  const v0 = c.u64big(p + 8, 'bvx2 packed field 0');
  const v1 = c.u64big(p + 16, 'bvx2 packed field 1');
  const v2 = c.u64big(p + 24, 'bvx2 packed field 2');
  const headerBytes = field(v2, 0, 32);
  if (headerBytes < 32) throw new ParseError('decode', { what: `bvx2 header size ${headerBytes}`, offset: p });
  c.need(p, headerBytes, 'bvx2 header');
  const freq = decodeFreqs(src, p + 32, p + headerBytes);
  return {
    rawBytes: c.u32(p + 4, 'bvx2 n_raw_bytes'),
    nLiterals: field(v0, 0, 20), litPayload: field(v0, 20, 20), nMatches: field(v0, 40, 20), literalBits: field(v0, 60, 3) - 7,
    literalState: [field(v1, 0, 10), field(v1, 10, 10), field(v1, 20, 10), field(v1, 30, 10)],
    lmdPayload: field(v1, 40, 20), lmdBits: field(v1, 60, 3) - 7,
    lState: field(v2, 32, 10), mState: field(v2, 42, 10), dState: field(v2, 52, 10),
    freq, headerBytes,
  };
}

/** The packed frequency tables: a prefix code read LSB-first (values 0-7 in 2-5 bits, then 8-23, 24-1047). */
function decodeFreqs(src: Uint8Array, start: number, end: number): number[] {
  const total = L_SYMBOLS + M_SYMBOLS + D_SYMBOLS + LIT_SYMBOLS;
  const freq = new Array<number>(total).fill(0);
  if (start === end) return freq; // tables omitted
  const NBITS = [2, 3, 2, 5, 2, 3, 2, 8, 2, 3, 2, 5, 2, 3, 2, 14, 2, 3, 2, 5, 2, 3, 2, 8, 2, 3, 2, 5, 2, 3, 2, 14];
  const VALUE = [0, 2, 1, 4, 0, 3, 1, -1, 0, 2, 1, 5, 0, 3, 1, -1, 0, 2, 1, 6, 0, 3, 1, -1, 0, 2, 1, 7, 0, 3, 1, -1];
  let acc = 0;
  let nbits = 0;
  let p = start;
  for (let i = 0; i < total; i++) {
    while (p < end && nbits + 8 <= 32) { acc += src[p++]! * 2 ** nbits; nbits += 8; }
    const b = acc % 32;
    const n = NBITS[b]!;
    if (n > nbits) throw new ParseError('decode', { what: 'bvx2 frequency table truncated', offset: p });
    freq[i] = n === 8 ? 8 + (Math.floor(acc / 16) % 16) : n === 14 ? 24 + (Math.floor(acc / 16) % 1024) : VALUE[b]!;
    acc = Math.floor(acc / 2 ** n);
    nbits -= n;
  }
  if (nbits >= 8 || p !== end) throw new ParseError('decode', { what: 'bvx2 frequency table length', offset: p });
  return freq;
}

function readV1Header(c: ByteCursor, p: number): BlockHeader {
  c.need(p, V1_HEADER_BYTES, 'bvx1 header');
  const u16s = (at: number, n: number): number[] => Array.from({ length: n }, (_, i) => c.u16(at + 2 * i, 'bvx1 field'));
  return {
    rawBytes: c.u32(p + 4, 'bvx1 n_raw_bytes'), nLiterals: c.u32(p + 12, 'bvx1 n_literals'), nMatches: c.u32(p + 16, 'bvx1 n_matches'),
    litPayload: c.u32(p + 20, 'bvx1 n_literal_payload_bytes'), lmdPayload: c.u32(p + 24, 'bvx1 n_lmd_payload_bytes'),
    literalBits: c.i32(p + 28, 'bvx1 literal_bits'), literalState: u16s(p + 32, 4), lmdBits: c.i32(p + 40, 'bvx1 lmd_bits'),
    lState: c.u16(p + 44, 'bvx1 l_state'), mState: c.u16(p + 46, 'bvx1 m_state'), dState: c.u16(p + 48, 'bvx1 d_state'),
    freq: u16s(p + 50, L_SYMBOLS + M_SYMBOLS + D_SYMBOLS + LIT_SYMBOLS), headerBytes: V1_HEADER_BYTES,
  };
}

function decodeFseBlock(src: Uint8Array, c: ByteCursor, p: number, v2: boolean, out: OutBuf): number {
  const h = v2 ? readV2Header(src, c, p) : readV1Header(c, p);
  const at = p;
  if (h.nLiterals > MAX_LITERALS || h.nMatches > MAX_MATCHES || h.nLiterals % 4 !== 0) {
    throw new ParseError('decode', { what: `lzfse block counts (literals ${h.nLiterals}, matches ${h.nMatches})`, offset: at });
  }
  if (h.literalState.some((s) => s >= LIT_STATES) || h.lState >= L_STATES || h.mState >= M_STATES || h.dState >= D_STATES) {
    throw new ParseError('decode', { what: 'lzfse initial states', offset: at });
  }
  const litStart = p + h.headerBytes;
  const lmdStart = litStart + h.litPayload;
  const blockEnd = lmdStart + h.lmdPayload;
  c.need(litStart, h.litPayload + h.lmdPayload, 'lzfse block payload');
  let f = 0;
  const take = (n: number): number[] => h.freq.slice(f, (f += n));
  const lT = buildValueTable(L_STATES, take(L_SYMBOLS), L_EXTRA, L_BASE, 'lzfse L');
  const mT = buildValueTable(M_STATES, take(M_SYMBOLS), M_EXTRA, M_BASE, 'lzfse M');
  const dT = buildValueTable(D_STATES, take(D_SYMBOLS), D_EXTRA, D_BASE, 'lzfse D');
  const litT = buildSymbolTable(LIT_STATES, take(LIT_SYMBOLS), 'lzfse literal');

  // Literals: four interleaved FSE states over one backward stream ending at the literal payload's end.
  const literals = new Uint8Array(h.nLiterals);
  const lb = new BackwardBits(src, 0, lmdStart, h.literalBits, 'lzfse literal');
  const states = h.literalState.map((s) => ({ s }));
  for (let i = 0; i < h.nLiterals; i += 4) {
    for (let k = 0; k < 4; k++) literals[i + k] = decodeSymbol(litT, states[k]!, lb);
  }

  // L, M, D triplets: L literals, then M bytes from D back (D = 0 repeats the previous distance).
  const bits = new BackwardBits(src, lmdStart, blockEnd, h.lmdBits, 'lzfse lmd');
  const ls = { s: h.lState }, ms = { s: h.mState }, ds = { s: h.dState };
  const target = out.length + h.rawBytes;
  let lit = 0;
  let d = -1;
  for (let i = 0; i < h.nMatches; i++) {
    const l = decodeValue(lT, ls, bits);
    const m = decodeValue(mT, ms, bits);
    const nd = decodeValue(dT, ds, bits);
    if (nd !== 0) d = nd;
    if (lit + l > h.nLiterals) throw new ParseError('decode', { what: 'lzfse literal run past the decoded literals', offset: at });
    if (out.length + l + m > target) throw new ParseError('decode', { what: 'lzfse block output past n_raw_bytes', offset: at });
    out.literal(literals, lit, l, 'lzfse output');
    lit += l;
    out.match(d, m, 'lzfse', at);
  }
  if (out.length !== target) throw new ParseError('decode', { what: `lzfse block gave ${h.rawBytes - (target - out.length)} of ${h.rawBytes} bytes`, offset: at });
  return blockEnd;
}

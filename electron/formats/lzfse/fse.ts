/**
 * Finite State Entropy decoding for LZFSE: decoder tables built from normalized frequencies, and
 * the backward bit stream the encoder writes (read from the end of a payload towards its start).
 */
import { ParseError } from '../../common/issues.js';

/** One state of a symbol table: read `bits`, next state = delta + those bits. */
export interface SymbolTable {
  readonly nstates: number;
  readonly bits: Uint8Array;
  readonly symbol: Uint8Array;
  readonly delta: Int32Array;
}

/** One state of a value table (L, M, D): the symbol's base value plus `valueBits` raw bits. */
export interface ValueTable extends SymbolTable {
  readonly valueBits: Uint8Array;
  readonly vbase: Int32Array;
}

const clz32 = Math.clz32;

/**
 * Spread each symbol over `freq[s]` consecutive states. A state of a symbol with frequency f
 * reads k or k-1 bits, with k chosen so that nstates <= f << k < 2 * nstates.
 */
export function buildSymbolTable(nstates: number, freq: ArrayLike<number>, what: string): SymbolTable {
  const bits = new Uint8Array(nstates);
  const symbol = new Uint8Array(nstates);
  const delta = new Int32Array(nstates);
  fill(nstates, freq, what, (t, s, k, d) => { bits[t] = k; symbol[t] = s; delta[t] = d; });
  return { nstates, bits, symbol, delta };
}

export function buildValueTable(nstates: number, freq: ArrayLike<number>, extraBits: ArrayLike<number>, base: ArrayLike<number>, what: string): ValueTable {
  const bits = new Uint8Array(nstates);
  const symbol = new Uint8Array(nstates);
  const delta = new Int32Array(nstates);
  const valueBits = new Uint8Array(nstates);
  const vbase = new Int32Array(nstates);
  fill(nstates, freq, what, (t, s, k, d) => {
    bits[t] = k; symbol[t] = s; delta[t] = d; valueBits[t] = extraBits[s]!; vbase[t] = base[s]!;
  });
  return { nstates, bits, symbol, delta, valueBits, vbase };
}

function fill(nstates: number, freq: ArrayLike<number>, what: string, set: (t: number, s: number, k: number, d: number) => void): void {
  const nClz = clz32(nstates);
  let t = 0;
  for (let s = 0; s < freq.length; s++) {
    const f = freq[s]!;
    if (f === 0) continue;
    if (t + f > nstates) throw new ParseError('decode', { what: `${what} frequencies sum past ${nstates} states` });
    const k = clz32(f) - nClz;
    const j0 = ((2 * nstates) >> k) - f;
    for (let j = 0; j < f; j++, t++) {
      if (j < j0) set(t, s, k, ((f + j) << k) - nstates);
      else set(t, s, k - 1, (j - j0) << (k - 1));
    }
  }
}

/**
 * The encoder flushes bits little-endian and the decoder pulls them back from the most recent
 * one, so a pull of n bits is simply the n-bit little-endian field just below the read position.
 */
export class BackwardBits {
  /** Bits still unread, counted from bit 0 of `bytes[start]`. */
  private pos: number;

  constructor(private readonly bytes: Uint8Array, private readonly start: number, end: number, finalBits: number, what: string) {
    // finalBits (-7..0) says how many high bits of the last byte are padding.
    if (finalBits > 0 || finalBits < -7 || end - start < (finalBits === 0 ? 7 : 8)) {
      throw new ParseError('decode', { what: `${what} bit stream (final bits ${finalBits}, ${end - start} bytes)`, offset: start });
    }
    this.pos = (end - start) * 8 + finalBits;
    if (finalBits < 0 && bytes[end - 1]! >> (8 + finalBits) !== 0) {
      throw new ParseError('decode', { what: `${what} bit stream padding not zero`, offset: end - 1 });
    }
  }

  pull(n: number): number {
    if (n === 0) return 0;
    if (n > this.pos) throw new ParseError('decode', { what: 'fse bit stream exhausted', offset: this.start });
    this.pos -= n;
    let v = 0;
    let got = 0;
    let at = this.pos;
    while (got < n) {
      const byte = this.bytes[this.start + (at >> 3)]!;
      const shift = at & 7;
      const take = Math.min(8 - shift, n - got);
      v += ((byte >> shift) & ((1 << take) - 1)) * 2 ** got;
      got += take;
      at += take;
    }
    return v;
  }
}

export function decodeSymbol(t: SymbolTable, state: { s: number }, in_: BackwardBits): number {
  const i = state.s;
  const sym = t.symbol[i]!;
  state.s = t.delta[i]! + in_.pull(t.bits[i]!);
  if (state.s < 0 || state.s >= t.nstates) throw new ParseError('decode', { what: `fse state ${state.s} outside ${t.nstates}` });
  return sym;
}

export function decodeValue(t: ValueTable, state: { s: number }, in_: BackwardBits): number {
  const i = state.s;
  const vb = t.valueBits[i]!;
  const all = in_.pull(t.bits[i]! + vb);
  const extra = all % 2 ** vb;
  state.s = t.delta[i]! + Math.floor(all / 2 ** vb);
  if (state.s < 0 || state.s >= t.nstates) throw new ParseError('decode', { what: `fse state ${state.s} outside ${t.nstates}` });
  return t.vbase[i]! + extra;
}

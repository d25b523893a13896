/**
 * A bounded bzip2 decoder (own implementation, written from the format description in SPEC.md):
 * stream header, Huffman/MTF/RLE2 block decoding, inverse BWT, RLE1 and the per-block and
 * combined CRCs. UDIF stores each 0x80000006 chunk as one complete bzip2 stream.
 *
 * Every count from the stream is checked against the block size the header allows and the output
 * against `maxOut`, so a hostile chunk cannot make the decoder allocate or loop without bound.
 * Randomised blocks (bzip2 0.9.0, deprecated since 0.9.5) are refused.
 */
import { ParseError } from '../../common/issues.js';

const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const END_MAGIC_HI = 0x177245;
const END_MAGIC_LO = 0x385090;
const MAX_GROUPS = 6;
const MAX_SELECTORS = 18002;
const MAX_CODE_LEN = 20;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

class Bits {
  private pos = 0; // byte position of the next unread byte
  private buf = 0;
  private n = 0;
  constructor(private readonly b: Uint8Array) {}
  read(count: number): number {
    // count <= 24: the buffer never holds more than 31 bits
    while (this.n < count) {
      if (this.pos >= this.b.length) throw new ParseError('truncated', { what: 'bzip2 bit stream', offset: this.pos, need: 1, have: 0 });
      this.buf = ((this.buf << 8) | this.b[this.pos++]!) >>> 0;
      this.n += 8;
    }
    this.n -= count;
    return (this.buf >>> this.n) & ((1 << count) - 1);
  }
  bit(): number {
    return this.read(1);
  }
  /** Drop bits up to the next byte boundary (between concatenated streams). */
  align(): void {
    this.n -= this.n % 8;
  }
  get bytePos(): number {
    return this.pos - (this.n >> 3);
  }
}

class Out {
  buf: Uint8Array;
  len = 0;
  constructor(private readonly max: number) {
    this.buf = new Uint8Array(Math.min(max, 1 << 16));
  }
  push(byte: number, times = 1): void {
    if (this.len + times > this.max) throw new ParseError('limit-exceeded', { what: 'bzip2 output', need: this.len + times, have: this.max });
    if (this.len + times > this.buf.length) {
      const grown = new Uint8Array(Math.min(this.max, Math.max(this.buf.length * 2, this.len + times)));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.fill(byte, this.len, this.len + times);
    this.len += times;
  }
}

/** Decode one or more concatenated bzip2 streams; throws ParseError on any defect. */
export function bunzip2(input: Uint8Array, maxOut: number): Uint8Array {
  const bits = new Bits(input);
  const out = new Out(maxOut);
  let streams = 0;
  for (;;) {
    const start = bits.bytePos;
    if (streams > 0 && (input.length - start < 4 || input[start] !== 0x42)) break; // trailing padding
    if (bits.read(8) !== 0x42 || bits.read(8) !== 0x5a || bits.read(8) !== 0x68) throw new ParseError('bad-signature', { what: 'bzip2 stream header', offset: start });
    const level = bits.read(8) - 0x30;
    if (level < 1 || level > 9) throw new ParseError('bad-signature', { what: 'bzip2 block size', offset: start + 3 });
    let combined = 0;
    for (;;) {
      const hi = bits.read(24);
      const lo = bits.read(24);
      if (hi === END_MAGIC_HI && lo === END_MAGIC_LO) {
        const stored = ((bits.read(16) << 16) | bits.read(16)) >>> 0;
        if (stored !== combined) throw new ParseError('checksum', { what: 'bzip2 combined CRC', offset: bits.bytePos });
        break;
      }
      if (hi !== BLOCK_MAGIC_HI || lo !== BLOCK_MAGIC_LO) throw new ParseError('bad-signature', { what: 'bzip2 block magic', offset: bits.bytePos });
      const blockCrc = decodeBlock(bits, level * 100000, out);
      combined = (((combined << 1) | (combined >>> 31)) ^ blockCrc) >>> 0;
    }
    streams++;
    bits.align();
  }
  return out.buf.subarray(0, out.len);
}

function decodeBlock(bits: Bits, blockMax: number, out: Out): number {
  const storedCrc = ((bits.read(16) << 16) | bits.read(16)) >>> 0;
  if (bits.bit()) throw new ParseError('unsupported-version', { what: 'bzip2 randomised block', offset: bits.bytePos });
  const origPtr = bits.read(24);

  // Symbol map: which byte values occur in the block.
  const seqToUnseq: number[] = [];
  const used16 = bits.read(16);
  for (let i = 0; i < 16; i++) {
    if (!(used16 & (0x8000 >> i))) continue;
    const u = bits.read(16);
    for (let j = 0; j < 16; j++) if (u & (0x8000 >> j)) seqToUnseq.push(i * 16 + j);
  }
  if (seqToUnseq.length === 0) throw new ParseError('decode', { what: 'bzip2 symbol map (empty)', offset: bits.bytePos });
  const alphaSize = seqToUnseq.length + 2;

  const nGroups = bits.read(3);
  if (nGroups < 2 || nGroups > MAX_GROUPS) throw new ParseError('decode', { what: 'bzip2 Huffman group count', offset: bits.bytePos });
  const nSelectors = bits.read(15);
  if (nSelectors < 1) throw new ParseError('decode', { what: 'bzip2 selector count', offset: bits.bytePos });
  const mtfGroups = Array.from({ length: nGroups }, (_, i) => i);
  const selectors = new Uint8Array(Math.min(nSelectors, MAX_SELECTORS));
  for (let i = 0; i < nSelectors; i++) {
    let j = 0;
    while (bits.bit()) if (++j >= nGroups) throw new ParseError('decode', { what: 'bzip2 selector', offset: bits.bytePos });
    const g = mtfGroups[j]!;
    mtfGroups.splice(j, 1);
    mtfGroups.unshift(g);
    if (i < MAX_SELECTORS) selectors[i] = g; // bzip2 1.0.8 reads and drops selectors past the cap
  }

  const tables = [];
  for (let g = 0; g < nGroups; g++) {
    const lens = new Uint8Array(alphaSize);
    let cur = bits.read(5);
    for (let s = 0; s < alphaSize; s++) {
      for (;;) {
        if (cur < 1 || cur > MAX_CODE_LEN) throw new ParseError('decode', { what: 'bzip2 code length', offset: bits.bytePos });
        if (!bits.bit()) break;
        cur += bits.bit() ? -1 : 1;
      }
      lens[s] = cur;
    }
    tables.push(huffman(lens));
  }

  // Huffman → MTF/RLE2 → the BWT-transformed block in tt (low byte).
  const tt = new Uint32Array(blockMax);
  const counts = new Uint32Array(256);
  const mtf = Array.from({ length: 256 }, (_, i) => i);
  const eob = alphaSize - 1;
  let n = 0;
  let sel = 0;
  let left = 0;
  let table = tables[0]!;
  let run = 0;
  let runWeight = 1;
  for (;;) {
    if (left === 0) {
      if (sel >= selectors.length) throw new ParseError('decode', { what: 'bzip2 selectors exhausted', offset: bits.bytePos });
      table = tables[selectors[sel++]!]!;
      left = 50;
    }
    left--;
    const sym = decodeSymbol(bits, table);
    if (sym <= 1) {
      run += (sym + 1) * runWeight;
      runWeight <<= 1;
      if (run > blockMax) throw new ParseError('decode', { what: 'bzip2 run length', offset: bits.bytePos });
      continue;
    }
    if (run > 0) {
      if (n + run > blockMax) throw new ParseError('decode', { what: 'bzip2 block overflow', offset: bits.bytePos });
      const b = seqToUnseq[mtf[0]!]!;
      counts[b]! += run;
      tt.fill(b, n, n + run);
      n += run;
      run = 0;
      runWeight = 1;
    }
    if (sym === eob) break;
    const idx = sym - 1;
    if (idx >= seqToUnseq.length) throw new ParseError('decode', { what: 'bzip2 MTF index', offset: bits.bytePos });
    const v = mtf[idx]!;
    mtf.splice(idx, 1);
    mtf.unshift(v);
    if (n >= blockMax) throw new ParseError('decode', { what: 'bzip2 block overflow', offset: bits.bytePos });
    const b = seqToUnseq[v]!;
    counts[b]!++;
    tt[n++] = b;
  }
  if (origPtr >= n) throw new ParseError('decode', { what: 'bzip2 origPtr', offset: bits.bytePos });

  // Inverse BWT: link each position to the next in the original order.
  const start = new Uint32Array(256);
  for (let i = 0, sum = 0; i < 256; i++) {
    start[i] = sum;
    sum += counts[i]!;
  }
  for (let i = 0; i < n; i++) {
    const b = tt[i]! & 0xff;
    tt[start[b]!]! |= i << 8;
    start[b]!++;
  }

  // Walk the chain, undoing RLE1 (four equal bytes then a repeat count) and computing the CRC.
  let crc = 0xffffffff;
  const emit = (b: number, times: number): void => {
    for (let k = 0; k < times; k++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
    out.push(b, times);
  };
  let pos = tt[origPtr]! >>> 8;
  let last = -1;
  let same = 0;
  for (let i = 0; i < n; i++) {
    const e = tt[pos]!;
    const b = e & 0xff;
    pos = e >>> 8;
    if (same === 4) {
      emit(last, b);
      same = 0;
      last = -1;
      continue;
    }
    if (b === last) same++;
    else {
      last = b;
      same = 1;
    }
    emit(b, 1);
  }
  crc = ~crc >>> 0;
  if (crc !== storedCrc) throw new ParseError('checksum', { what: 'bzip2 block CRC', offset: bits.bytePos });
  return crc;
}

interface Table {
  minLen: number;
  maxLen: number;
  limit: Int32Array; // last code of each length
  base: Int32Array; // first code of each length
  index: Int32Array; // position in perm of the first symbol of each length
  perm: Uint16Array;
}

/** Canonical Huffman table from code lengths (codes assigned by length, then symbol order). */
function huffman(lens: Uint8Array): Table {
  let minLen = MAX_CODE_LEN;
  let maxLen = 0;
  for (const l of lens) {
    if (l < minLen) minLen = l;
    if (l > maxLen) maxLen = l;
  }
  const perm = new Uint16Array(lens.length);
  const limit = new Int32Array(MAX_CODE_LEN + 2).fill(-1);
  const base = new Int32Array(MAX_CODE_LEN + 2);
  const index = new Int32Array(MAX_CODE_LEN + 2);
  let p = 0;
  let code = 0;
  for (let l = minLen; l <= maxLen; l++) {
    base[l] = code;
    index[l] = p;
    for (let s = 0; s < lens.length; s++) if (lens[s] === l) perm[p++] = s;
    code += p - index[l]!;
    limit[l] = code - 1;
    code <<= 1;
  }
  return { minLen, maxLen, limit, base, index, perm };
}

function decodeSymbol(bits: Bits, t: Table): number {
  let len = t.minLen;
  let code = bits.read(len);
  for (;;) {
    if (code <= t.limit[len]! && code >= t.base[len]!) {
      const at = t.index[len]! + code - t.base[len]!;
      if (at >= t.perm.length) break;
      return t.perm[at]!;
    }
    if (++len > t.maxLen) break;
    code = (code << 1) | bits.bit();
  }
  throw new ParseError('decode', { what: 'bzip2 Huffman code', offset: bits.bytePos });
}

/**
 * LZXPRESS Huffman ("LZ77+Huffman", COMPRESSION_FORMAT_XPRESS_HUFF = 4), decoded as [MS-XCA]
 * section 2.2.4 describes it: blocks of 256 bytes of 4-bit code lengths for 512 symbols, then a
 * bit stream read 16 bits at a time, each block producing up to 64 KiB of output. Matches may
 * reach back into earlier blocks (the output is one window). Layout and rules: SPEC.md.
 *
 * Everything is bounded by the declared output size: each decoded symbol writes at least one
 * byte, so the loop cannot run longer than `outSize` symbols, and each block consumes at least
 * 256 input bytes for its table.
 */
import { ParseError } from '../../common/issues.js';

/** A caller must name its size; this is the default ceiling on what one call may produce. */
export const LZXPRESS_DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;

const TABLE_BYTES = 256;
const SYMBOLS = 512;
const MAX_CODE_BITS = 15;
const TABLE_ENTRIES = 1 << MAX_CODE_BITS;
const BLOCK_OUTPUT = 65536;
/** Reads past the end are taken as zero bits, but only this far: a real stream ends padded. */
const MAX_OVERRUN_BYTES = 4;

export interface DecompressOptions {
  /** Ceiling for `outSize` (limit-exceeded above it). */
  maxOutput?: number;
  /** Absolute offset of input[0] in its file, for error locations. */
  base?: number;
}

/**
 * Builds the canonical decoding table of section 2.2.4: symbols sorted by (code length, value),
 * each filling 2^(15 - length) slots of a 2^15-entry table. A code that does not fill the table
 * exactly (over- or under-subscribed) is invalid.
 */
export function buildDecodingTable(table: Uint8Array, lengths: Uint8Array, decode: Uint16Array, at: number): void {
  for (let i = 0; i < TABLE_BYTES; i++) {
    const b = table[i]!;
    lengths[2 * i] = b & 0x0f; // even symbols in the low nibble
    lengths[2 * i + 1] = b >> 4; // odd symbols in the high nibble
  }
  let entry = 0;
  for (let bits = 1; bits <= MAX_CODE_BITS; bits++) {
    const count = 1 << (MAX_CODE_BITS - bits);
    for (let sym = 0; sym < SYMBOLS; sym++) {
      if (lengths[sym] !== bits) continue;
      if (entry + count > TABLE_ENTRIES) throw new ParseError('decode', { what: 'Huffman code lengths (over-subscribed)', offset: at });
      decode.fill(sym, entry, entry + count);
      entry += count;
    }
  }
  if (entry !== TABLE_ENTRIES) throw new ParseError('decode', { what: 'Huffman code lengths (incomplete code)', offset: at });
}

/** Decompress `input` into exactly `outSize` bytes. Malformed input throws a located ParseError. */
export function decompressHuffman(input: Uint8Array, outSize: number, opts: DecompressOptions = {}): Uint8Array {
  const base = opts.base ?? 0;
  const max = opts.maxOutput ?? LZXPRESS_DEFAULT_MAX_OUTPUT;
  if (!Number.isSafeInteger(outSize) || outSize < 0) throw new ParseError('decode', { what: `declared output size ${outSize}`, offset: base });
  if (outSize > max) throw new ParseError('limit-exceeded', { what: 'LZXPRESS Huffman output size', offset: base, need: outSize, have: max });
  const out = new Uint8Array(outSize);
  const lengths = new Uint8Array(SYMBOLS);
  const decode = new Uint16Array(TABLE_ENTRIES);
  const inLen = input.length;
  let pos = 0; // CurrentPosition
  let outPos = 0;

  const read16 = (): number => {
    if (pos + 2 <= inLen) {
      const v = input[pos]! | (input[pos + 1]! << 8);
      pos += 2;
      return v;
    }
    if (pos + 2 > inLen + MAX_OVERRUN_BYTES) throw new ParseError('truncated', { what: 'LZXPRESS Huffman bit stream', offset: base + pos, need: 2, have: Math.max(0, inLen - pos) });
    const v = pos < inLen ? input[pos]! : 0;
    pos += 2;
    return v;
  };
  const readByte = (what: string): number => {
    if (pos >= inLen) throw new ParseError('truncated', { what, offset: base + pos, need: 1, have: 0 });
    return input[pos++]!;
  };

  while (outPos < outSize) {
    if (pos + TABLE_BYTES > inLen) {
      throw new ParseError('truncated', { what: 'LZXPRESS Huffman code-length table', offset: base + pos, need: TABLE_BYTES, have: Math.max(0, inLen - pos) });
    }
    buildDecodingTable(input.subarray(pos, pos + TABLE_BYTES), lengths, decode, base + pos);
    pos += TABLE_BYTES;
    let nextBits = ((read16() << 16) | read16()) >>> 0;
    let extra = 16;
    const blockEnd = outPos + BLOCK_OUTPUT;
    while (outPos < blockEnd && outPos < outSize) {
      const sym = decode[nextBits >>> (32 - MAX_CODE_BITS)]!;
      const len = lengths[sym]!;
      nextBits = (nextBits << len) >>> 0;
      extra -= len;
      if (extra < 0) {
        nextBits = (nextBits | (read16() << -extra)) >>> 0;
        extra += 16;
      }
      if (sym < 256) {
        out[outPos++] = sym;
        continue;
      }
      // Symbol 256 ends the stream only once everything is written; we stop at outSize before
      // reaching it, so here it is an ordinary match (length 3, offset 1).
      const m = sym - 256;
      let matchLen = m & 15;
      const offBits = m >> 4;
      if (matchLen === 15) {
        matchLen = readByte('LZXPRESS match length byte');
        if (matchLen === 255) {
          if (pos + 2 > inLen) throw new ParseError('truncated', { what: 'LZXPRESS match length u16', offset: base + pos, need: 2, have: inLen - pos });
          matchLen = input[pos]! | (input[pos + 1]! << 8);
          pos += 2;
          if (matchLen === 0) {
            // The encoder of section 2.1.4.3 writes u16 0 then the length in 32 bits.
            if (pos + 4 > inLen) throw new ParseError('truncated', { what: 'LZXPRESS match length u32', offset: base + pos, need: 4, have: inLen - pos });
            matchLen = (input[pos]! | (input[pos + 1]! << 8) | (input[pos + 2]! << 16) | (input[pos + 3]! << 24)) >>> 0;
            pos += 4;
          }
          if (matchLen < 15) throw new ParseError('decode', { what: `LZXPRESS extended match length ${matchLen}`, offset: base + pos });
          matchLen -= 15;
        }
        matchLen += 15;
      }
      matchLen += 3;
      let offset = offBits === 0 ? 0 : nextBits >>> (32 - offBits);
      offset += 1 << offBits;
      nextBits = (nextBits << offBits) >>> 0;
      extra -= offBits;
      if (extra < 0) {
        nextBits = (nextBits | (read16() << -extra)) >>> 0;
        extra += 16;
      }
      if (offset > outPos) throw new ParseError('decode', { what: `LZXPRESS match offset ${offset} before the start of output (at ${outPos})`, offset: base + pos });
      if (matchLen > outSize - outPos) throw new ParseError('decode', { what: `LZXPRESS match of ${matchLen} bytes past the declared size ${outSize}`, offset: base + pos });
      // Byte by byte: a match may overlap the bytes it produces (offset < length).
      for (let i = 0; i < matchLen; i++, outPos++) out[outPos] = out[outPos - offset]!;
    }
  }
  return out;
}

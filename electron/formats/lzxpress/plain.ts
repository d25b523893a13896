/**
 * Plain LZ77 Xpress (COMPRESSION_FORMAT_XPRESS = 3), decoded as [MS-XCA] section 2.4.4: 32-bit
 * flag words (MSB first), literal bytes, and 16-bit match words (13-bit offset, 3-bit length)
 * with nibble/byte/u16/u32 length extensions. Bounded by the declared output size.
 */
import { ParseError } from '../../common/issues.js';
import { LZXPRESS_DEFAULT_MAX_OUTPUT, type DecompressOptions } from './huffman.js';

export function decompressPlain(input: Uint8Array, outSize: number, opts: DecompressOptions = {}): Uint8Array {
  const base = opts.base ?? 0;
  const max = opts.maxOutput ?? LZXPRESS_DEFAULT_MAX_OUTPUT;
  if (!Number.isSafeInteger(outSize) || outSize < 0) throw new ParseError('decode', { what: `declared output size ${outSize}`, offset: base });
  if (outSize > max) throw new ParseError('limit-exceeded', { what: 'LZXPRESS output size', offset: base, need: outSize, have: max });
  const out = new Uint8Array(outSize);
  const n = input.length;
  let inPos = 0;
  let outPos = 0;
  let flags = 0;
  let flagCount = 0;
  let halfByte = -1; // position of a length byte whose high nibble is still unused
  const need = (k: number, what: string): void => {
    if (inPos + k > n) throw new ParseError('truncated', { what, offset: base + inPos, need: k, have: Math.max(0, n - inPos) });
  };
  const u16 = (): number => input[inPos]! | (input[inPos + 1]! << 8);

  while (outPos < outSize) {
    if (flagCount === 0) {
      need(4, 'LZ77 flag word');
      flags = (input[inPos]! | (input[inPos + 1]! << 8) | (input[inPos + 2]! << 16) | (input[inPos + 3]! << 24)) >>> 0;
      inPos += 4;
      flagCount = 32;
    }
    flagCount--;
    if (((flags >>> flagCount) & 1) === 0) {
      need(1, 'LZ77 literal');
      out[outPos++] = input[inPos++]!;
      continue;
    }
    if (inPos === n) break; // section 2.4.4: a match flag with no input left is the end
    need(2, 'LZ77 match word');
    const word = u16();
    inPos += 2;
    let len = word & 7;
    const offset = (word >>> 3) + 1;
    if (len === 7) {
      if (halfByte < 0) {
        need(1, 'LZ77 length nibble');
        len = input[inPos]! & 0x0f;
        halfByte = inPos++;
      } else {
        len = input[halfByte]! >> 4;
        halfByte = -1;
      }
      if (len === 15) {
        need(1, 'LZ77 length byte');
        len = input[inPos++]!;
        if (len === 255) {
          need(2, 'LZ77 length u16');
          len = u16();
          inPos += 2;
          if (len === 0) {
            need(4, 'LZ77 length u32');
            len = (input[inPos]! | (input[inPos + 1]! << 8) | (input[inPos + 2]! << 16) | (input[inPos + 3]! << 24)) >>> 0;
            inPos += 4;
          }
          if (len < 15 + 7) throw new ParseError('decode', { what: `LZ77 extended match length ${len}`, offset: base + inPos });
          len -= 15 + 7;
        }
        len += 15;
      }
      len += 7;
    }
    len += 3;
    if (offset > outPos) throw new ParseError('decode', { what: `LZ77 match offset ${offset} before the start of output (at ${outPos})`, offset: base + inPos });
    if (len > outSize - outPos) throw new ParseError('decode', { what: `LZ77 match of ${len} bytes past the declared size ${outSize}`, offset: base + inPos });
    for (let i = 0; i < len; i++, outPos++) out[outPos] = out[outPos - offset]!;
  }
  if (outPos !== outSize) throw new ParseError('truncated', { what: 'LZ77 stream ended before the declared size', offset: base + inPos, need: outSize, have: outPos });
  return out;
}

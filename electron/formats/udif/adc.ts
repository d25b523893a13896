/**
 * Apple Data Compression (ADC), the LZ77 variant of old UDIF images (chunk type 0x80000004).
 * Three op codes, told apart by the top bits of the first byte:
 *   1xxxxxxx             literal run of (x & 0x7f) + 1 bytes
 *   01xxxxxx  hi lo      copy (x & 0x3f) + 4 bytes from distance (hi << 8 | lo) + 1
 *   00xxxxyy  lo         copy ((x >> 2) & 0xf) + 3 bytes from distance (yy << 8 | lo) + 1
 * Output is capped at `maxOut` (the chunk's sector count × 512); a distance before the start of
 * the output or input that ends mid-op is a ParseError.
 */
import { ParseError } from '../../common/issues.js';

export function adcDecompress(input: Uint8Array, maxOut: number): Uint8Array {
  const out = new Uint8Array(maxOut);
  let o = 0;
  let i = 0;
  while (i < input.length && o < maxOut) {
    const b = input[i]!;
    if (b & 0x80) {
      const len = (b & 0x7f) + 1;
      if (i + 1 + len > input.length) throw new ParseError('truncated', { what: 'ADC literal run', offset: i, need: len, have: input.length - i - 1 });
      const take = Math.min(len, maxOut - o);
      out.set(input.subarray(i + 1, i + 1 + take), o);
      o += take;
      i += 1 + len;
      continue;
    }
    let len: number;
    let dist: number;
    if (b & 0x40) {
      if (i + 3 > input.length) throw new ParseError('truncated', { what: 'ADC three-byte copy', offset: i, need: 3, have: input.length - i });
      len = (b & 0x3f) + 4;
      dist = ((input[i + 1]! << 8) | input[i + 2]!) + 1;
      i += 3;
    } else {
      if (i + 2 > input.length) throw new ParseError('truncated', { what: 'ADC two-byte copy', offset: i, need: 2, have: input.length - i });
      len = ((b >> 2) & 0x0f) + 3;
      dist = (((b & 0x03) << 8) | input[i + 1]!) + 1;
      i += 2;
    }
    if (dist > o) throw new ParseError('decode', { what: 'ADC copy distance', offset: i }, `ADC copy reaches ${dist} bytes back with only ${o} decoded`);
    // Byte by byte: a copy may overlap its own output (distance < length repeats a pattern).
    for (let k = 0; k < len && o < maxOut; k++, o++) out[o] = out[o - dist]!;
  }
  return out.subarray(0, o);
}

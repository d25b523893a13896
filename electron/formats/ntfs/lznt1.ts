/**
 * LZNT1 decompression (MS-XCA 2.5): a compression unit is a series of chunks, each producing at
 * most 4096 bytes; a 2-byte header gives the stored length and whether the chunk is compressed.
 * Inside a compressed chunk, flag bytes announce eight tokens each: a literal byte or a 16-bit
 * back-reference whose offset/length split depends on how far into the chunk we are.
 */
import { ParseError } from '../../common/issues.js';

const CHUNK = 4096;

/**
 * Decompresses `src` into exactly `outSize` bytes (zero-filled past the last chunk, as NTFS does
 * for a unit whose tail is zeros). `base` locates errors.
 */
export function lznt1Decompress(src: Uint8Array, outSize: number, base = 0): Uint8Array {
  const out = new Uint8Array(outSize);
  let ip = 0;
  let op = 0;
  while (ip + 2 <= src.length && op < outSize) {
    const header = src[ip]! | (src[ip + 1]! << 8);
    if (header === 0) break;
    const stored = (header & 0x0fff) + 1;
    const compressed = (header & 0x8000) !== 0;
    const start = ip + 2;
    const end = start + stored;
    if (end > src.length) throw new ParseError('truncated', { what: 'LZNT1 chunk', offset: base + ip, need: stored, have: src.length - start });
    const chunkOut = op;
    const chunkEnd = Math.min(op + CHUNK, outSize);
    if (!compressed) {
      out.set(src.subarray(start, start + Math.min(stored, chunkEnd - op)), op);
    } else {
      let p = start;
      while (p < end && op < chunkEnd) {
        const flags = src[p++]!;
        for (let bit = 0; bit < 8 && p < end && op < chunkEnd; bit++) {
          if ((flags & (1 << bit)) === 0) {
            out[op++] = src[p++]!;
            continue;
          }
          if (p + 2 > end) throw new ParseError('truncated', { what: 'LZNT1 back-reference', offset: base + p, need: 2, have: end - p });
          const token = src[p]! | (src[p + 1]! << 8);
          p += 2;
          const pos = op - chunkOut;
          let lenBits = 12;
          for (let i = pos - 1; i >= 0x10; i >>= 1) lenBits--;
          const offset = (token >>> lenBits) + 1;
          const length = (token & ((1 << lenBits) - 1)) + 3;
          if (offset > pos) throw new ParseError('decode', { what: 'LZNT1 back-reference offset', offset: base + p - 2, need: offset, have: pos });
          const n = Math.min(length, chunkEnd - op);
          // Byte by byte: a reference may overlap the bytes it is producing (run-length style).
          for (let k = 0; k < n; k++, op++) out[op] = out[op - offset]!;
        }
      }
    }
    // Every chunk stands for a full 4 KiB of output: one that decodes short is zero-filled
    // (`out` starts zeroed), as ntfs-3g and Windows do.
    op = chunkEnd;
    ip = end;
  }
  return out;
}

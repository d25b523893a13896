/**
 * The Windows 8.1/10+ compressed wrapper around an SCCA file: `MAM` + a format byte (low nibble:
 * compression format; 0x80: a CRC-32 follows), the uncompressed size, the optional CRC, then the
 * compressed stream. See SPEC.md §2.
 */
import { crc32Update } from '../../io/crc32.js';
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { decompressHuffman, decompressPlain } from '../lzxpress/index.js';
import type { PrefetchCompression } from './types.js';

/** Largest decompressed prefetch accepted (real ones are well under 2 MiB). */
export const PREFETCH_MAX_DECOMPRESSED = 32 * 1024 * 1024;

export function isMam(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x4d && bytes[1] === 0x41 && bytes[2] === 0x4d;
}

export function decompressMam(bytes: Uint8Array): { data: Uint8Array; compression: PrefetchCompression } {
  const c = new ByteCursor(bytes);
  if (!isMam(bytes)) throw new ParseError('bad-signature', { what: 'MAM signature', offset: 0 });
  const flagByte = c.u8(3, 'MAM format byte');
  const format = flagByte & 0x0f;
  const hasCrc = (flagByte & 0x80) !== 0;
  const size = c.u32(4, 'MAM uncompressed size');
  if (size > PREFETCH_MAX_DECOMPRESSED) throw new ParseError('limit-exceeded', { what: 'MAM uncompressed size', offset: 4, need: size, have: PREFETCH_MAX_DECOMPRESSED });
  let start = 8;
  let crc: PrefetchCompression['crc'] = null;
  if (hasCrc) {
    const stored = c.u32(8, 'MAM CRC-32');
    start = 12;
    // The CRC covers the header with its CRC field zeroed, then the compressed data.
    let v = crc32Update(0xffffffff, bytes.subarray(0, 8));
    v = crc32Update(v, new Uint8Array(4));
    v = (crc32Update(v, bytes.subarray(12)) ^ 0xffffffff) >>> 0;
    crc = { stored: hex8(stored), computed: hex8(v), ok: stored === v };
  }
  const payload = bytes.subarray(start);
  const opts = { maxOutput: PREFETCH_MAX_DECOMPRESSED, base: start };
  let data: Uint8Array;
  if (format === 4) data = decompressHuffman(payload, size, opts);
  else if (format === 3) data = decompressPlain(payload, size, opts);
  else throw new ParseError('unsupported-version', { what: `MAM compression format ${format}`, offset: 3 });
  return { data, compression: { format, compressedSize: payload.length, crc } };
}

function hex8(v: number): string {
  return v.toString(16).toUpperCase().padStart(8, '0');
}

/** Standard reflected CRC-32 register update (io/crc32); pass 0xffffffff first, xor the end. */
export { crc32Update };

/**
 * Adler-32 of a large range computed by zlib: a stored (level 0) zlib stream ends with the
 * Adler-32 of its input (RFC 1950 §2.2), and zlib computes it natively. A table of 32,768 chunk
 * entries is checked when an image opens, before the JavaScript loop has been compiled: this
 * takes a fraction of the time. Small ranges use the JavaScript one.
 */
import { deflateSync } from 'node:zlib';
import { adler32 } from './checksums.js';

const NATIVE_MIN = 16 * 1024;

export function adler32Large(bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (end - start < NATIVE_MIN) return adler32(bytes, start, end);
  const z = deflateSync(bytes.subarray(start, end), { level: 0, chunkSize: end - start + 1024 });
  const n = z.length;
  return ((z[n - 4]! << 24) | (z[n - 3]! << 16) | (z[n - 2]! << 8) | z[n - 1]!) >>> 0;
}

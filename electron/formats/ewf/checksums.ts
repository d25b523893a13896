/** Adler-32 (RFC 1950), as EWF stores it after section descriptors, tables and stored chunks. */
export function adler32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let a = 1;
  let b = 0;
  // 5552 is the largest run that cannot overflow before the modulo (zlib's NMAX).
  for (let i = start; i < end; ) {
    const stop = Math.min(end, i + 5552);
    for (; i < stop; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

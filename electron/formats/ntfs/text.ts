/** Hot-path decoders for names and times (called for every attribute of every record listed). */

/** UTF-16LE code units → string, without a TextDecoder per call (unpaired surrogates kept as is). */
export function utf16At(b: Uint8Array, off: number, units: number): string {
  let s = '';
  for (let i = 0; i < units; i += 4096) {
    const n = Math.min(4096, units - i);
    const codes = new Array<number>(n);
    for (let k = 0; k < n; k++) {
      const p = off + (i + k) * 2;
      codes[k] = b[p]! | (b[p + 1]! << 8);
    }
    s += String.fromCharCode(...codes);
  }
  return s;
}

const EPOCH_DIFF_MS = 11644473600000;
const MAX_DATE_MS = 8640000000000000;

/**
 * FILETIME (100 ns ticks since 1601-01-01 UTC, little-endian u64 at `off`) → ISO 8601 with
 * millisecond precision, null for 0 or outside the Date range. Done in doubles: the 32-bit halves
 * keep millisecond precision far beyond any real date.
 */
export function filetimeAt(b: Uint8Array, off: number): string | null {
  const lo = (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16)) + b[off + 3]! * 0x1000000;
  const hi = (b[off + 4]! | (b[off + 5]! << 8) | (b[off + 6]! << 16)) + b[off + 7]! * 0x1000000;
  if (lo === 0 && hi === 0) return null;
  const ms = Math.floor(hi * 429496.7296 + lo / 10000) - EPOCH_DIFF_MS;
  if (ms < -MAX_DATE_MS || ms > MAX_DATE_MS) return null;
  return new Date(ms).toISOString();
}

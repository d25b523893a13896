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
 * FILETIME (100 ns ticks since 1601-01-01 UTC, little-endian u64 at `off`) → milliseconds since
 * 1970, or null for 0 or outside the Date range. Done in doubles: the 32-bit halves keep
 * millisecond precision far beyond any real date.
 */
export function filetimeMs(b: Uint8Array, off: number): number | null {
  const lo = (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16)) + b[off + 3]! * 0x1000000;
  const hi = (b[off + 4]! | (b[off + 5]! << 8) | (b[off + 6]! << 16)) + b[off + 7]! * 0x1000000;
  if (lo === 0 && hi === 0) return null;
  const ms = Math.floor(hi * 429496.7296 + lo / 10000) - EPOCH_DIFF_MS;
  return ms < -MAX_DATE_MS || ms > MAX_DATE_MS ? null : ms;
}

/** FILETIME → ISO 8601 with millisecond precision (as Date#toISOString), null for 0 or out of range. */
export function filetimeAt(b: Uint8Array, off: number): string | null {
  const ms = filetimeMs(b, off);
  return ms === null ? null : isoFromMs(ms);
}

const DAY_MS = 86400000;
/** 1601-01-01 and 10000-01-01: the years Date#toISOString writes with four digits and no sign. */
const FAST_MIN = -EPOCH_DIFF_MS;
const FAST_END = 253402300800000;
const PAD2: string[] = [];
const PAD3: string[] = [];
for (let i = 0; i < 1000; i++) {
  const s = String(i);
  if (i < 100) PAD2.push(i < 10 ? '0' + s : s);
  PAD3.push(i < 10 ? '00' + s : i < 100 ? '0' + s : s);
}
/** Day prefixes ("YYYY-MM-DDT") by day number; a listing's times fall on few days. */
const dayCache = new Map<number, string>();
const DAY_CACHE = 8192;

/**
 * Exactly `new Date(ms).toISOString()`, without a Date per call: a recursive listing formats four
 * times for every entry. Days come from the proleptic Gregorian civil-from-days conversion; years
 * outside 1601–9999 (signed six-digit form) go through Date.
 */
export function isoFromMs(ms: number): string {
  if (!(ms >= FAST_MIN && ms < FAST_END) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  let inDay = ms - days * DAY_MS;
  let prefix = dayCache.get(days);
  if (prefix === undefined) {
    prefix = civilPrefix(days);
    if (dayCache.size >= DAY_CACHE) dayCache.clear();
    dayCache.set(days, prefix);
  }
  const h = Math.floor(inDay / 3600000);
  inDay -= h * 3600000;
  const m = Math.floor(inDay / 60000);
  inDay -= m * 60000;
  const s = Math.floor(inDay / 1000);
  return `${prefix}${PAD2[h]}:${PAD2[m]}:${PAD2[s]}.${PAD3[inDay - s * 1000]}Z`;
}

/** "YYYY-MM-DDT" for a day number since 1970-01-01 (H. Hinnant's civil_from_days). */
function civilPrefix(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const mo = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (mo <= 2 ? 1 : 0);
  return `${y}-${PAD2[mo]}-${PAD2[d]}T`;
}

/** Display formatting. Times are shown in UTC; the local time goes in a hover title. */

/** `2023-03-21 08:30:00Z` from an ISO string; the raw text when it does not parse. */
export function utc(iso: string | null | undefined, withSeconds = true): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const s = new Date(t).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, withSeconds ? 19 : 16)}Z`;
}

export function utcDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : iso;
}

/** "local: Tue 21 Mar 2023, 09:30:00 GMT+1" for title attributes. */
export function localTitle(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return undefined;
  return `local: ${new Date(t).toLocaleString(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' })}`;
}

export function size(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function shortHash(h: string | null | undefined, n = 12): string {
  if (!h) return '—';
  return h.length > n * 2 ? `${h.slice(0, n)}…${h.slice(-4)}` : h;
}

/** A hex dump as text rows: offset, 16 bytes, and an ASCII column with dots for the rest. */
export function hexRows(hex: string, bytesPerRow = 16): { offset: string; hex: string; ascii: string }[] {
  const rows: { offset: string; hex: string; ascii: string }[] = [];
  const n = Math.floor(hex.length / 2);
  for (let off = 0; off < n; off += bytesPerRow) {
    const bytes: number[] = [];
    for (let i = off; i < Math.min(n, off + bytesPerRow); i++) bytes.push(parseInt(hex.slice(i * 2, i * 2 + 2), 16));
    rows.push({
      offset: off.toString(16).padStart(8, '0'),
      hex: bytes.map((b, i) => b.toString(16).padStart(2, '0') + (i === 7 ? '  ' : ' ')).join('').trimEnd(),
      ascii: bytes.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join(''),
    });
  }
  return rows;
}

/**
 * A hostile name made visible: control characters (a newline in a file name, an escape sequence)
 * are shown as \n, \t or \xNN instead of being laid out, so two names never look alike by accident.
 */
export function visible(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    // ASCII escapes: symbol glyphs (U+240A …) are missing from common UI fonts.
    if (code === 0x0a) return '\\n';
    if (code === 0x0d) return '\\r';
    if (code === 0x09) return '\\t';
    return `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

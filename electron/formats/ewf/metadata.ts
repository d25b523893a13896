import { inflateSync } from 'node:zlib';
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';

export interface EwfVolume {
  chunkCount: number;
  sectorsPerChunk: number;
  bytesPerSector: number;
  sectorCount: number;
  mediaType: number;
  compressionLevel: number | null;
  errorGranularity: number | null;
  setIdentifier: string | null;
}

/** Largest decoded chunk accepted (libewf's own writers stop at 32768 sectors of 512 bytes = 16 MiB). */
export const MAX_CHUNK_BYTES = 64 * 1024 * 1024;
/** Largest header/header2 section inflated (they are a few hundred bytes of text). */
const MAX_HEADER_TEXT = 1024 * 1024;

/**
 * volume / disk / data section. The EnCase layout is 1052 bytes with a 64-bit sector count; the
 * older SMART (S01) layout is 94 bytes with a 32-bit one. Both share the first 16 bytes.
 */
export function parseVolume(c: ByteCursor): EwfVolume {
  const chunkCount = c.u32(4, 'volume number of chunks');
  const sectorsPerChunk = c.u32(8, 'volume sectors per chunk');
  const bytesPerSector = c.u32(12, 'volume bytes per sector');
  const encase = c.length >= 1052;
  const sectorCount = encase ? c.u64(16, 'volume number of sectors') : c.u32(16, 'volume number of sectors');
  if (sectorsPerChunk === 0 || bytesPerSector === 0 || bytesPerSector > 65536 || sectorsPerChunk * bytesPerSector > MAX_CHUNK_BYTES) {
    throw new ParseError('out-of-bounds', { what: 'volume chunk geometry', offset: c.base + 8 },
      `EWF volume: unusable chunk geometry (${sectorsPerChunk} sectors of ${bytesPerSector} bytes)`);
  }
  if (!Number.isSafeInteger(sectorCount * bytesPerSector)) {
    throw new ParseError('out-of-bounds', { what: 'volume media size', offset: c.base + 16 });
  }
  return {
    chunkCount,
    sectorsPerChunk,
    bytesPerSector,
    sectorCount,
    mediaType: c.u8(0, 'volume media type'),
    compressionLevel: encase ? c.u8(52, 'volume compression level') : null,
    errorGranularity: encase ? c.u32(56, 'volume error granularity') : null,
    setIdentifier: encase ? guid(c.raw(64, 16, 'volume set identifier')) : null,
  };
}

export function guid(b: Uint8Array): string {
  const h = [...b].map((x) => x.toString(16).padStart(2, '0'));
  const le = (a: number, n: number) => h.slice(a, a + n).reverse().join('');
  return `${le(0, 4)}-${le(4, 2)}-${le(6, 2)}-${h.slice(8, 10).join('')}-${h.slice(10, 16).join('')}`;
}

const HEADER_KEYS: Record<string, string> = {
  c: 'case number', n: 'evidence number', a: 'description', e: 'examiner', t: 'notes',
  av: 'acquisition software version', ov: 'acquisition OS', m: 'acquisition date', u: 'system date',
  md: 'device model', sn: 'device serial number', r: 'compression',
};

/**
 * header / header2 section: zlib text (header2 in UTF-16LE with a BOM). Tab-separated: a row of
 * keys after the 'main' line, then a row of values. Returns the acquisition facts by name.
 */
export function parseHeaderText(compressed: Uint8Array, utf16: boolean): Record<string, string> {
  let text: string;
  try {
    const raw = inflateSync(compressed, { maxOutputLength: MAX_HEADER_TEXT });
    text = utf16 ? new TextDecoder('utf-16le').decode(raw) : new TextDecoder('latin1').decode(raw);
  } catch {
    throw new ParseError('decode', { what: 'header section text' }, 'EWF header section does not inflate');
  }
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/);
  const main = lines.findIndex((l) => l.trim() === 'main');
  const out: Record<string, string> = {};
  if (main < 0) return out;
  const keys = (lines[main + 1] ?? '').split('\t');
  const values = (lines[main + 2] ?? '').split('\t');
  keys.forEach((k, i) => {
    const name = HEADER_KEYS[k.trim()];
    const v = (values[i] ?? '').trim();
    if (name && v) out[name] = v.slice(0, 256);
  });
  for (const k of ['acquisition date', 'system date']) {
    const v = out[k];
    // "2018 4 9 12 35 1" (year month day h m s) in the header section; header2 stores epoch seconds.
    if (v && /^\d+$/.test(v)) out[k] = new Date(Number(v) * 1000).toISOString();
  }
  return out;
}

export const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
const allZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

/** hash section: MD5 of the media at offset 0. */
export function parseHash(c: ByteCursor): string | null {
  const md5 = c.raw(0, 16, 'hash section MD5');
  return allZero(md5) ? null : hex(md5);
}

/** digest section: MD5 at 0, SHA-1 at 16. */
export function parseDigest(c: ByteCursor): { md5: string | null; sha1: string | null } {
  const md5 = c.raw(0, 16, 'digest section MD5');
  const sha1 = c.raw(16, 20, 'digest section SHA-1');
  return { md5: allZero(md5) ? null : hex(md5), sha1: allZero(sha1) ? null : hex(sha1) };
}

/** error2 section: sectors the acquisition could not read (entry = first sector u32, count u32 at 520+). */
export function parseError2(c: ByteCursor, maxEntries: number): { first: number; count: number }[] {
  const n = c.u32(0, 'error2 number of entries');
  const fit = Math.max(0, Math.floor((c.length - 524) / 8));
  const out: { first: number; count: number }[] = [];
  for (let i = 0; i < Math.min(n, fit, maxEntries); i++) {
    out.push({ first: c.u32(520 + i * 8, 'error2 first sector'), count: c.u32(524 + i * 8, 'error2 sector count') });
  }
  return out;
}

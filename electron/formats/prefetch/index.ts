/**
 * Windows Prefetch (`*.pf`): SCCA versions 17, 23, 26, 30 and 31, bare or inside the Windows
 * 8.1/10+ `MAM` compressed wrapper. Layout and references: SPEC.md.
 */
import { ParseError } from '../../common/issues.js';
import { decompressMam, isMam } from './mam.js';
import { parseScca } from './scca.js';
import type { Prefetch } from './types.js';

export const PREFETCH_PARSER = { id: 'prefetch', version: '1' } as const;
export { PREFETCH_MAX_DECOMPRESSED, isMam, decompressMam, crc32Update } from './mam.js';
export { PREFETCH_MAX_FILES, SCCA_VERSIONS } from './scca.js';
export { filetimeToIso } from './filetime.js';
export { PREFETCH_MAX_VOLUMES, PREFETCH_MAX_DIRECTORIES } from './volumes.js';
export type { Prefetch, PrefetchVolume, PrefetchCompression, PrefetchIssue } from './types.js';

/** Largest prefetch file read whole (compressed or not). */
export const PREFETCH_MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Does this look like a prefetch file (MAM wrapper or SCCA signature at offset 4)? */
export function looksLikePrefetch(bytes: Uint8Array): boolean {
  if (isMam(bytes)) return true;
  return bytes.length >= 8 && bytes[4] === 0x53 && bytes[5] === 0x43 && bytes[6] === 0x43 && bytes[7] === 0x41;
}

/** Parse a whole prefetch file. Throws ParseError when it is not one or its header is unusable. */
export function parsePrefetch(bytes: Uint8Array): Prefetch {
  if (bytes.length > PREFETCH_MAX_FILE_BYTES) throw new ParseError('limit-exceeded', { what: 'prefetch file size', need: bytes.length, have: PREFETCH_MAX_FILE_BYTES });
  if (isMam(bytes)) {
    const { data, compression } = decompressMam(bytes);
    return { ...parseScca(data), compression };
  }
  return { ...parseScca(bytes), compression: null };
}

/** `dump prefetch`: the parse as plain JSON-able data (a ParseError becomes `{ error }`). */
export function dumpPrefetch(bytes: Uint8Array): Record<string, unknown> {
  try {
    const p = parsePrefetch(bytes);
    return { parser: `${PREFETCH_PARSER.id}@${PREFETCH_PARSER.version}`, ...p };
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return { parser: `${PREFETCH_PARSER.id}@${PREFETCH_PARSER.version}`, error: { code: e.code, message: e.message, offset: e.offset ?? null } };
  }
}

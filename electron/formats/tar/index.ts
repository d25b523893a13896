/**
 * tar and tar.gz reading for triage collections (SPEC.md): our own bounded header walk (ustar,
 * pax, GNU long names, v7) builds an index of member offsets; members are slices of the archive
 * (for tar.gz, of a private decompressed temp copy). Nothing is ever extracted.
 */
export { TarArchive, gunzipToTemp } from './archive.js';
export { indexTar } from './index-walk.js';
export { parseHeader, parsePax } from './header.js';
export { TAR_LIMITS } from './limits.js';
export type { TarEntry, TarEntryType, TarIssue, TarOpenOptions } from './types.js';

export const TAR_PARSER = { id: 'tar', version: '1' } as const;

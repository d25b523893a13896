/**
 * FAT12/16/32 volumes (exFAT is refused with a clear error). The only public surface of
 * formats/fat; see SPEC.md.
 */
export { parseFatBoot, looksLikeFat, looksLikeExfat, type FatBoot, type FatType } from './boot.js';
export { FatTable, type Chain } from './table.js';
export { parseDirectory, shortEntry, shortNameChecksum, ATTR, DELETED_MARK, type FatDirEntry } from './dir.js';
export { plausibleSlot } from './probe.js';
export { namedInodes, scanOrphans, ORPHAN_LIMITS, type OrphanLimits, type OrphanScan } from './orphans.js';
export { fatDateTime } from './time.js';
export { FatVolume, MAX_DIR_BYTES, ROOT_INODE } from './volume.js';

export const FAT_PARSER = { id: 'fat', version: '1' } as const;

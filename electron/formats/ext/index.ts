/**
 * ext2/3/4 volumes. The only public surface of formats/ext; see SPEC.md.
 */
export { parseSuperblock, looksLikeExt, SUPERBLOCK_OFFSET, INCOMPAT, COMPAT, type Superblock } from './superblock.js';
export { parseInode, inlineDataTail, fileType, INODE_FLAG, MODE, type Inode } from './inode.js';
export { blockMapExtents, extentTreeExtents, MAX_EXTENT_DEPTH, type BlockSource } from './blocks.js';
export { parseDirBlock, FT, type ExtDirEntry } from './dir.js';
export { ExtVolume, isFastSymlink, ROOT_INO, MAX_DIR_BYTES } from './volume.js';

export const EXT_PARSER = { id: 'ext', version: '1' } as const;

/** APFS (Apple File System), read-only: container, object maps, volumes, fs trees, decmpfs. See SPEC.md. */
export { ApfsContainer, Omap, type OmapValue } from './container.js';
export { ApfsVolume, parseVolumeSuperblock, type ApfsVolumeInfo, type ObjId } from './volume.js';
export { looksLikeApfsContainer, parseNxSuperblock, formatUuid, type NxSuperblock } from './superblock.js';
export { fletcher64, checksumOk } from './object.js';
export { parseNode, BTree, type BtNode, type BtEntry } from './btree.js';
export {
  nsToIso, parseInode, parseDirRecord, parseXattr,
  type Inode, type DirRecord, type FileExtent, type Xattr, type SiblingLink, type SnapshotInfo,
} from './records.js';
export { keyHeader, u64At, u64Parts, cmpObjKey, cmpU64At, OBJ_ID_MASK, type U64Parts } from './ids.js';
export { drecNameHash, foldName, crc32c } from './name-hash.js';
export { parseDecmpfs, decmpfsReader, decodeUnit, DECMPFS_XATTR, RESOURCE_FORK_XATTR, type DecmpfsHeader } from './decmpfs.js';
export { ExtentReader } from './data-reader.js';
export { APFS_LIMITS } from './limits.js';
export * as APFS from './constants.js';
export const APFS_PARSER = { id: 'apfs', version: '1' } as const;
export const APFS_PARTITION_TYPE = '7c3457ef-0000-11aa-aa11-00306543ecac';

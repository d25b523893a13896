/** Numbers from Apple's "Apple File System Reference" (2020-06-22), named as there. */

export const OBJ_TYPE_MASK = 0x0000ffff;
export const OBJ_STORAGE_MASK = 0xc0000000;
export const OBJ_PHYSICAL = 0x40000000;
export const OBJ_EPHEMERAL = 0x80000000;
export const OBJ_ENCRYPTED = 0x10000000;

export const OBJECT_TYPE = {
  NX_SUPERBLOCK: 0x01, BTREE: 0x02, BTREE_NODE: 0x03, OMAP: 0x0b, CHECKPOINT_MAP: 0x0c, FS: 0x0d,
  FSTREE: 0x0e, SNAPMETATREE: 0x10, OMAP_SNAPSHOT: 0x13, FEXT_TREE: 0x1f,
} as const;

export const NX_MAGIC = 0x4253584e; // 'NXSB' little-endian
export const APFS_MAGIC = 0x42535041; // 'APSB'
export const NX_MAX_FILE_SYSTEMS = 100;
export const NX_MINIMUM_BLOCK_SIZE = 4096;
export const NX_MAXIMUM_BLOCK_SIZE = 65536;

/** B-tree node flags (btn_flags) and tree flags (bt_flags). */
export const BTNODE_ROOT = 0x1;
export const BTNODE_LEAF = 0x2;
export const BTNODE_FIXED_KV_SIZE = 0x4;
export const BTREE_HASHED = 0x80;
export const BTREE_INFO_SIZE = 40;
export const BTNODE_HEADER_SIZE = 56;

export const OMAP_VAL_DELETED = 0x1;
export const OMAP_VAL_ENCRYPTED = 0x4;

/** j_key_t: object id in the low 60 bits, record type in the high 4. */
export const APFS_TYPE = {
  SNAP_METADATA: 1, EXTENT: 2, INODE: 3, XATTR: 4, SIBLING_LINK: 5, DSTREAM_ID: 6, CRYPTO_STATE: 7,
  FILE_EXTENT: 8, DIR_REC: 9, DIR_STATS: 10, SNAP_NAME: 11, SIBLING_MAP: 12, FILE_INFO: 13,
} as const;

export const ROOT_DIR_PARENT = 1;
export const ROOT_DIR_INO_NUM = 2;
export const PRIV_DIR_INO_NUM = 3;

/** apfs_fs_flags */
export const APFS_FS_UNENCRYPTED = 0x1;
/** apfs_incompatible_features */
export const APFS_INCOMPAT_CASE_INSENSITIVE = 0x1;
export const APFS_INCOMPAT_NORMALIZATION_INSENSITIVE = 0x8;
export const APFS_INCOMPAT_SEALED_VOLUME = 0x20;

/** Inode extended-field types (x_type) and the directory-record one. */
export const INO_EXT_TYPE = { SNAP_XID: 1, DELTA_TREE_OID: 2, DOCUMENT_ID: 3, NAME: 4, PREV_FSIZE: 5, FINDER_INFO: 7, DSTREAM: 8, DIR_STATS_KEY: 10, FS_UUID: 11, SPARSE_BYTES: 13, RDEV: 14, PURGEABLE_FLAGS: 15, ORIG_SYNC_ROOT_ID: 16 } as const;
export const DREC_EXT_TYPE_SIBLING_ID = 1;

export const XATTR_DATA_STREAM = 0x1;
export const XATTR_DATA_EMBEDDED = 0x2;

/** BSD flag marking a decmpfs-compressed file. */
export const UF_COMPRESSED = 0x20;

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;

export const J_DREC_LEN_MASK = 0x3ff;
export const J_FILE_EXTENT_LEN_MASK = 0x00ffffffffffffffn;

export function volumeRoleName(role: number): string {
  const old: [number, string][] = [[0x1, 'system'], [0x2, 'user'], [0x4, 'recovery'], [0x8, 'vm'], [0x10, 'preboot'], [0x20, 'installer']];
  const named = ['', 'data', 'baseband', 'update', 'xart', 'hardware', 'backup', 'reserved-7', 'reserved-8', 'enterprise', 'reserved-10', 'prelogin'];
  if (role === 0) return 'none';
  const parts = old.filter(([bit]) => (role & bit) !== 0).map(([, n]) => n);
  const hi = role >> 6;
  if (hi > 0) parts.push(named[hi] ?? `role-${hi}`);
  return parts.join('+') || `0x${role.toString(16)}`;
}

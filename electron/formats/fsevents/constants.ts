/** fseventsd Disk Log Stream constants: page signatures, record tails, flag bits, caps. See SPEC.md. */

/** Page signatures as the bytes appear on disk ("DLS1".."DLS3" read as a little-endian u32). */
export const DLS_SIGNATURES: Readonly<Record<string, 1 | 2 | 3>> = { '1SLD': 1, '2SLD': 2, '3SLD': 3 };
export const DLS_PAGE_HEADER_BYTES = 12;
/** Bytes after the path's NUL: event id u64 + flags u32, + node id u64 (v2+), + unknown u32 (v3). */
export const DLS_RECORD_TAIL: Readonly<Record<1 | 2 | 3, number>> = { 1: 12, 2: 20, 3: 24 };

/** Event flag bits as stored (little-endian); names follow the FSEventStreamEventFlags they mirror. */
export const FSEVENT_FLAGS = [
  [0x00000001, 'Created'],
  [0x00000002, 'Removed'],
  [0x00000004, 'InodeMetadataModified'],
  [0x00000008, 'Renamed'],
  [0x00000010, 'Modified'],
  [0x00000020, 'Exchange'],
  [0x00000040, 'FinderInfoModified'],
  [0x00000080, 'DirectoryCreated'],
  [0x00000100, 'PermissionChanged'],
  [0x00000200, 'ExtendedAttributeModified'],
  [0x00000400, 'ExtendedAttributeRemoved'],
  [0x00001000, 'DocumentRevision'],
  [0x00004000, 'ItemCloned'],
  [0x00080000, 'LastHardLinkRemoved'],
  [0x00100000, 'IsHardLink'],
  [0x00400000, 'IsSymbolicLink'],
  [0x00800000, 'IsFile'],
  [0x01000000, 'IsDirectory'],
  [0x02000000, 'Mount'],
  [0x04000000, 'Unmount'],
  [0x20000000, 'EndOfTransaction'],
] as const;

export type FseventFlagName = (typeof FSEVENT_FLAGS)[number][1];

export const FSEVENTS_LIMITS = {
  /** Decompressed bytes read from one file; real files hold a few MiB at most. */
  maxDecompressedBytes: 256 * 1024 * 1024,
  /** One page is buffered whole before its records are read. */
  maxPageBytes: 16 * 1024 * 1024,
  /** A path longer than this is not a path (macOS PATH_MAX is 1024; fseventsd may store longer). */
  maxPathBytes: 4096,
  /** Records read from one file. */
  maxRecords: 10_000_000,
  /** Compressed bytes read from the Reader at a time. */
  readChunkBytes: 256 * 1024,
} as const;

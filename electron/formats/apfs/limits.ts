/** Caps for values read from APFS metadata (the project-wide ones are in common/limits.ts). */
export const APFS_LIMITS = {
  /** Deepest B-tree walked (APFS trees are a handful of levels; 32 is far beyond any real one). */
  btreeMaxDepth: 32,
  /** Nodes read by one B-tree query before it is refused. */
  btreeMaxNodesPerQuery: 500_000,
  /** Records returned by one range query (a directory's entries, a file's extents). */
  maxRecordsPerQuery: 2_000_000,
  /** Checkpoint descriptor blocks scanned for the newest superblock. */
  maxCheckpointDescBlocks: 65_536,
  /** Blocks kept in the metadata cache (x block size bytes). */
  cacheBytes: 32 * 1024 * 1024,
  /** Largest inline (xattr) decmpfs payload inflated whole, and largest chunked file. */
  decmpfsMaxInline: 64 * 1024 * 1024,
  decmpfsMaxFile: 64 * 1024 * 1024 * 1024,
  /** Snapshots listed per volume. */
  maxSnapshots: 10_000,
} as const;

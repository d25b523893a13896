/** Named caps for the ZIP reader (defaults; ZipOpenOptions overrides per archive). */
export const ZIP_LIMITS = {
  /** EOCD (22 bytes) plus the largest comment (65535) is where the EOCD can hide. */
  eocdSearchBytes: 22 + 0xffff,
  /** Entries listed before the rest are reported as skipped. */
  maxEntries: 2_000_000,
  /** Window used to walk the central directory; one entry is at most 46 + 3 * 65535 bytes. */
  cdWindowBytes: 1024 * 1024,
  /** Compressed bytes fed to the inflater per read. */
  feedBytes: 256 * 1024,
  /** Members this small are inflated into memory on first read (PE headers, plists, hives...). */
  memoryMaxBytes: 16 * 1024 * 1024,
  /** Largest member spilled to a private temp file when a reader needs random access. */
  spillMaxBytes: 8 * 1024 * 1024 * 1024,
  /** No member is inflated beyond this, whatever its header claims. */
  inflateMaxBytes: 64 * 1024 * 1024 * 1024,
  /** Deflate tops out near 1032:1; real collections stay far below this above the floor. */
  maxRatio: 200,
  ratioFloorBytes: 64 * 1024 * 1024,
  /** How far ahead a sequential reader skips by inflating and discarding before spilling instead. */
  skipAheadBytes: 64 * 1024 * 1024,
  /** Local-header walk (recovery without a central directory): longest search for a data descriptor. */
  descriptorSearchBytes: 256 * 1024 * 1024,
} as const;

/**
 * Named caps for every length, count and depth read from evidence. A value from disk is compared
 * with the bytes that are really there and with one of these before anything is allocated.
 */
export const LIMITS = {
  /** Largest PE header region read (DOS + NT headers + section table). */
  peHeaderBytes: 64 * 1024,
  peMaxSections: 96,
  /** Largest resource section walked for a version resource. */
  peMaxResourceBytes: 16 * 1024 * 1024,
  peMaxResourceEntries: 4096,
  peMaxResourceDepth: 3,
  /** Largest Authenticode certificate table inspected. */
  peMaxCertTableBytes: 64 * 1024 * 1024,
  peMaxCertEntries: 64,
  /** Largest plist read whole (Info.plist is a few KiB; real ones stay far below). */
  plistMaxBytes: 16 * 1024 * 1024,
  plistMaxObjects: 1_000_000,
  plistMaxDepth: 512,
  machoMaxArchs: 32,
  /** Files read whole for small artefacts (`manifest`, `.main_storage`, config.json). */
  smallFileMaxBytes: 4 * 1024 * 1024,
  /** Directory entries listed in one folder before the rest is reported as skipped. */
  dirMaxEntries: 1_000_000,
  /** Depth of a recursive walk (the live-folder loader stops and records an issue below). */
  walkMaxDepth: 64,
  /** Read window used by streaming consumers (hashing). */
  streamChunkBytes: 1024 * 1024,
} as const;

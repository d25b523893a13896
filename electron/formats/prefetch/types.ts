/** What `formats/prefetch` returns: plain, JSON-able data (times as UTC ISO plus the raw FILETIME). */

export interface PrefetchVolume {
  devicePath: string;
  /** Volume serial number as 8 upper-case hex digits. */
  serial: string;
  created: string | null;
  /** FILETIME as a decimal string (100 ns ticks since 1601). */
  createdRaw: string;
  directories: string[];
  fileReferenceCount: number;
}

export interface PrefetchCompression {
  /** `MAM` low nibble: 4 = LZXPRESS Huffman, 3 = plain LZ77. */
  format: number;
  compressedSize: number;
  /** Present when the header's 0x80 flag says a CRC-32 follows it. */
  crc: { stored: string; computed: string; ok: boolean } | null;
}

export interface PrefetchIssue {
  message: string;
  offset?: number;
}

export interface Prefetch {
  /** SCCA format version: 17, 23, 26, 30 or 31. */
  version: number;
  /** 30/31 come in two layouts told apart by the metrics array offset (0x130 or 0x128). */
  variant: 1 | 2;
  executable: string;
  /** Prefetch hash as 8 upper-case hex digits, as in the file name. */
  hash: string;
  /** SCCA header's own file size field. */
  declaredSize: number;
  runCount: number;
  /** Non-zero last run times, most recent first (UTC ISO, millisecond precision). */
  lastRuns: string[];
  lastRunsRaw: string[];
  /** Where the run-time FILETIMEs and the run count sit in the SCCA data (decompressed for MAM). */
  fields: { lastRunOffset: number; lastRunLength: number; runCountOffset: number };
  /** Loaded-file list from the filename strings section, in order. */
  files: string[];
  metricsCount: number;
  volumes: PrefetchVolume[];
  compression: PrefetchCompression | null;
  issues: PrefetchIssue[];
}

/** What the ZIP reader knows about one member, whichever enumerator (ours or node-stream-zip) listed it. */

export type ZipEncryption = 'none' | 'zipcrypto' | 'aes' | 'strong';

/** Where a member's times came from: NTFS/extended-timestamp extras are UTC; DOS time is local wall-clock time with no zone. */
export type ZipTimeBasis = 'utc' | 'local-no-zone' | 'none';

export interface ZipTimes {
  modified: string | null;
  accessed: string | null;
  created: string | null;
  basis: ZipTimeBasis;
}

export interface ZipEntryInfo {
  /** Position in the central directory (or in the local-header walk when recovering). */
  readonly index: number;
  /** The stored name decoded (UTF-8 when flagged or valid, else CP437); separators untouched. */
  readonly name: string;
  readonly isDir: boolean;
  readonly versionMadeBy: number;
  readonly flags: number;
  /** Compression method (0 stored, 8 deflate, 99 AES wrapper). */
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
  readonly externalAttributes: number;
  /** The raw DOS time field (ZipCrypto's check byte uses it when a data descriptor follows). */
  readonly dosTime: number;
  readonly encryption: ZipEncryption;
  /** For AES members: the method the data uses after decryption. */
  readonly aesActualMethod?: number;
  readonly aesStrength?: number;
  /** 1 = AE-1 (CRC kept), 2 = AE-2 (CRC zero; the MAC authenticates). */
  readonly aesVendorVersion?: number;
  readonly times: ZipTimes;
}

/** A member located in the archive: its data starts at `dataOffset` (after the local header). */
export interface ZipMemberLocation {
  readonly entry: ZipEntryInfo;
  readonly dataOffset: number;
}

export interface ZipIssue {
  readonly severity: 'error' | 'warning' | 'info';
  readonly code: string;
  /** The member concerned, by stored name, or null for the archive as a whole. */
  readonly member: string | null;
  readonly message: string;
}

export interface ZipOpenOptions {
  /** Password for ZipCrypto and WinZip AES members. */
  password?: string;
  /** Directory for private spill files; defaults to os.tmpdir(). */
  tempDir?: string;
  /** Largest member spilled to a temp file for random access. */
  spillMaxBytes?: number;
  /** Members up to this size are inflated into memory on first read. */
  memoryMaxBytes?: number;
  /** Absolute cap on any member's uncompressed size. */
  inflateMaxBytes?: number;
  /** Compression ratio above which a member larger than `ratioFloorBytes` is treated as a bomb. */
  maxRatio?: number;
  ratioFloorBytes?: number;
  maxEntries?: number;
  /**
   * Skip locating every member's local header when the archive is opened (a quick look at which
   * collector wrote it): each member is located when first read. Member times then come from the
   * central directory only, and local-header issues appear only for members read.
   */
  deferLocate?: boolean;
}

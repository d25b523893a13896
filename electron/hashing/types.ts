/**
 * Plain-data shapes shared by the hash pool (engine side) and the hash worker. Everything here
 * crosses a worker boundary by structured clone, so it holds no handles, buffers or functions.
 */
import type { EvidenceRef } from '../common/evidence-ref.js';

export type HashAlgorithm = 'md5' | 'sha1' | 'sha256';

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['md5', 'sha1', 'sha256'];

/**
 * Amcache's `FileId` is SHA-1 over only the first 31,457,280 bytes (30 MiB) of a file, so a large
 * binary (the 3CX Electron exe) needs this prefix digest to be compared with Amcache at all.
 */
export const AMCACHE_PREFIX_BYTES = 31_457_280;

export interface HashJob {
  ref: EvidenceRef;
  algorithms: HashAlgorithm[];
  /**
   * Size from the listing, when the caller has it. Used only to batch small files together and to
   * give progress a byte total; the worker hashes whatever the file really holds.
   */
  size?: number;
  /**
   * The file system's id for the file from the same listing (NTFS: `entry-sequence`), when the
   * caller has it: a worker then opens the file by that id instead of walking its path again.
   * Checked before use (a stale id falls back to the path).
   */
  fileId?: string;
}

export interface HashResult {
  ref: EvidenceRef;
  /** Bytes hashed (the file's size when it was opened). */
  size: number;
  md5?: string;
  sha1?: string;
  sha256?: string;
  /** SHA-1 of the first 31,457,280 bytes (equal to `sha1` of the whole file when it is no larger). */
  prefix30MiBSha1?: string;
  /** Why no digest could be made (unreadable, vanished, changed size, worker crashed). */
  error?: string;
}

export interface HashProgress {
  jobsDone: number;
  jobsTotal: number;
  /** Bytes read so far (a file retried after a worker failure counts again). */
  bytesDone: number;
  /** Sum of the jobs' listed sizes, or null when any job came without one. */
  bytesTotal: number | null;
}

export interface HashOptions {
  signal?: AbortSignal;
  onProgress?: (p: HashProgress) => void;
  /** Also compute `prefix30MiBSha1` (for comparison with Amcache). */
  prefixSha1?: boolean;
}

/**
 * Grouping jobs into worker tasks. A message round-trip per file would cost more than hashing a
 * 4 KiB file, so small files travel in batches; a big file is a task of its own so that two big
 * files can be hashed on two cores at once.
 */
import type { HashJob } from './types.js';

export interface BatchLimits {
  /** A batch closes once its listed sizes reach this. */
  maxBatchBytes: number;
  /** ... or once it holds this many files. */
  maxBatchJobs: number;
  /** Files at least this large are tasks of their own. */
  soloBytes: number;
  /** Size assumed for batching a job that came without one. */
  unknownSizeGuess: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  maxBatchBytes: 4 * 1024 * 1024,
  maxBatchJobs: 256,
  soloBytes: 2 * 1024 * 1024,
  unknownSizeGuess: 128 * 1024,
};

export interface PlannedTask {
  /** Indices into the jobs array. */
  indices: number[];
  /** Listed (or guessed) bytes, for ordering. */
  bytes: number;
}

/**
 * Big files first, largest first (longest-processing-time order, so the run does not end waiting
 * on one 100 MiB file), then the batches of small files in listing order (directory locality).
 */
export function planTasks(jobs: readonly HashJob[], limits: BatchLimits = DEFAULT_BATCH_LIMITS): PlannedTask[] {
  const solo: PlannedTask[] = [];
  const batches: PlannedTask[] = [];
  let open: PlannedTask = { indices: [], bytes: 0 };
  jobs.forEach((job, i) => {
    const size = validSize(job.size) ?? limits.unknownSizeGuess;
    if (size >= limits.soloBytes) {
      solo.push({ indices: [i], bytes: size });
      return;
    }
    open.indices.push(i);
    open.bytes += size;
    if (open.bytes >= limits.maxBatchBytes || open.indices.length >= limits.maxBatchJobs) {
      batches.push(open);
      open = { indices: [], bytes: 0 };
    }
  });
  if (open.indices.length > 0) batches.push(open);
  solo.sort((a, b) => b.bytes - a.bytes || a.indices[0]! - b.indices[0]!);
  return [...solo, ...batches];
}

/** Sum of the listed sizes, or null when any job has none (progress then shows files only). */
export function totalBytes(jobs: readonly HashJob[]): number | null {
  let sum = 0;
  for (const j of jobs) {
    const s = validSize(j.size);
    if (s === undefined) return null;
    sum += s;
  }
  return sum;
}

function validSize(size: number | undefined): number | undefined {
  return size !== undefined && Number.isSafeInteger(size) && size >= 0 ? size : undefined;
}

/**
 * Hashing on the calling thread, for the small jobs of a targeted scan (a dozen 3CX files): a
 * worker thread first loads the evidence stack again (~175 modules) and re-opens the image, which
 * costs more than hashing a few megabytes here. The same open-and-digest path as the workers
 * (openRef + hashReader), so a digest does not depend on which thread made it.
 */
import { openRef } from '../evidence/resolve.js';
import { describeError, hashReader } from './digest.js';
import type { HashJob, HashOptions, HashResult } from './types.js';

export interface InlineLimits {
  /** At most this many files… */
  maxJobs: number;
  /** …whose listed sizes add up to at most this many bytes. */
  maxBytes: number;
}

/** True when every job has a listed size and the whole set is small enough to hash here. */
export function fitsInline(jobs: readonly HashJob[], limits: InlineLimits): boolean {
  if (jobs.length === 0 || jobs.length > limits.maxJobs) return false;
  let bytes = 0;
  for (const j of jobs) {
    if (j.size === undefined) return false;
    bytes += j.size;
  }
  return bytes <= limits.maxBytes;
}

export async function hashInline(jobs: readonly HashJob[], opts: HashOptions = {}): Promise<HashResult[]> {
  const { signal } = opts;
  const out: HashResult[] = [];
  const bytesTotal = jobs.reduce((n, j) => n + (j.size ?? 0), 0);
  let bytesDone = 0;
  for (const job of jobs) {
    signal?.throwIfAborted();
    out.push(await hashOne(job, opts, (n) => (bytesDone += n)));
    opts.onProgress?.({ jobsDone: out.length, jobsTotal: jobs.length, bytesDone, bytesTotal });
  }
  return out;
}

async function hashOne(job: HashJob, opts: HashOptions, onBytes: (n: number) => void): Promise<HashResult> {
  const { signal } = opts;
  let reader;
  try {
    reader = await openRef(job.ref);
  } catch (err) {
    signal?.throwIfAborted();
    return { ref: job.ref, size: 0, error: `cannot open: ${describeError(err)}` };
  }
  try {
    return { ref: job.ref, ...(await hashReader(reader, job.algorithms, { ...(signal ? { signal } : {}), prefixSha1: opts.prefixSha1 === true, onBytes })) };
  } finally {
    await reader.close().catch(() => undefined);
  }
}

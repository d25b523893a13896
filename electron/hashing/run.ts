/**
 * One hashAll() call: its jobs, the results as they arrive (kept in job order), progress
 * reporting and the promise to settle. The pool owns scheduling; this owns the bookkeeping.
 */
import { totalBytes } from './batch.js';
import type { Digests } from './digest.js';
import { REPORT_INTERVAL_MS } from './protocol.js';
import type { HashJob, HashProgress, HashResult } from './types.js';

export class HashRun {
  readonly results: (HashResult | undefined)[];
  readonly bytesTotal: number | null;
  jobsDone = 0;
  bytesDone = 0;
  settled = false;
  private lastEmit = 0;
  private detach: () => void = () => {};

  constructor(
    readonly jobs: readonly HashJob[],
    readonly prefixSha1: boolean,
    private readonly onProgress: ((p: HashProgress) => void) | undefined,
    private readonly resolve: (r: HashResult[]) => void,
    private readonly reject: (e: unknown) => void,
  ) {
    this.results = new Array<HashResult | undefined>(jobs.length).fill(undefined);
    this.bytesTotal = totalBytes(jobs);
  }

  /** Call `onAbort` when the signal fires, until the run settles. */
  watch(signal: AbortSignal | undefined, onAbort: () => void): void {
    if (!signal) return;
    signal.addEventListener('abort', onAbort, { once: true });
    this.detach = () => signal.removeEventListener('abort', onAbort);
  }

  /** The first result for a job wins (a retried job may report twice). */
  record(index: number, d: Digests): void {
    if (this.settled || this.results[index] !== undefined) return;
    this.results[index] = { ref: this.jobs[index]!.ref, ...d };
    this.jobsDone++;
  }

  has(index: number): boolean {
    return this.results[index] !== undefined;
  }

  /** After new results or bytes: resolve once every job has a result, else report (throttled). */
  advance(): void {
    if (this.settled) return;
    if (this.jobsDone === this.jobs.length) {
      this.emit(true);
      this.settle();
      this.resolve(this.results as HashResult[]);
    } else {
      this.emit(false);
    }
  }

  fail(err: unknown): void {
    if (this.settled) return;
    this.settle();
    this.reject(err);
  }

  emit(force: boolean): void {
    if (!this.onProgress) return;
    const now = performance.now();
    if (!force && now - this.lastEmit < REPORT_INTERVAL_MS) return;
    this.lastEmit = now;
    const p: HashProgress = { jobsDone: this.jobsDone, jobsTotal: this.jobs.length, bytesDone: this.bytesDone, bytesTotal: this.bytesTotal };
    try {
      this.onProgress(p);
    } catch {
      // A faulty progress display must not stop the hashing it reports on.
    }
  }

  private settle(): void {
    this.settled = true;
    this.detach();
  }
}

/**
 * Messages between the HashPool and its workers. A task names its files by EvidenceRef (plain
 * data); the worker re-opens each one itself, so no handle or evidence byte crosses threads.
 */
import type { EvidenceRef } from '../common/evidence-ref.js';
import type { ArchiveOptions } from '../evidence/archive-options.js';
import type { Digests } from './digest.js';
import type { HashAlgorithm } from './types.js';

export interface TaskJob {
  /** Position of the job in its hashAll() call, echoed back with the result. */
  index: number;
  ref: EvidenceRef;
  algorithms: HashAlgorithm[];
  /** HashJob.fileId, passed on. */
  fileId?: string;
}

export type ToWorker =
  /** `archive`: the engine's archive options (--password), which a worker thread would not otherwise see. */
  | { type: 'task'; taskId: number; jobs: TaskJob[]; prefixSha1: boolean; archive: ArchiveOptions }
  | { type: 'cancel'; taskId: number };

export type IndexedDigests = Digests & { index: number };

/**
 * `progress` carries what finished since the previous message (results and bytes read), so many
 * small files share one message; `done` closes the task (after a cancel, with what was finished).
 */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; taskId: number; bytes: number; results: IndexedDigests[] }
  | { type: 'done'; taskId: number; bytes: number; results: IndexedDigests[]; cancelled: boolean };

/** How often a busy worker reports, so the examiner sees movement at least every ~100 ms. */
export const REPORT_INTERVAL_MS = 50;

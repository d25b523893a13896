/**
 * The worker side of the pool: runs tasks that arrive on a port. Lives here rather than in
 * workers/hash.worker.ts so that file stays a bare entry point (and tests can wrap it).
 */
import type { MessagePort } from 'node:worker_threads';
import { setArchiveOptions } from '../evidence/archive-options.js';
import { breathe, describeError, hashReader, type Digests } from './digest.js';
import { hashEntryBatch } from './entry-batch.js';
import { openJob } from './image-jobs.js';
import { REPORT_INTERVAL_MS, type FromWorker, type IndexedDigests, type TaskJob, type ToWorker } from './protocol.js';

/**
 * Files hashed at once inside one worker. With an async opener (images, archives) the waits for
 * libuv's I/O threads overlap with hashing; the sync folder opener (folder-sync.ts) simply runs
 * them one after another.
 */
const LANES = 8;

export function serveHashTasks(port: MessagePort): void {
  const running = new Map<number, AbortController>();
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'cancel') {
      running.get(msg.taskId)?.abort();
      return;
    }
    // The main thread's archive options (a password given after this worker started) apply from this task on.
    setArchiveOptions({ password: msg.archive?.password, tempDir: msg.archive?.tempDir });
    const controller = new AbortController();
    running.set(msg.taskId, controller);
    void runTask(port, msg.taskId, msg.jobs, msg.prefixSha1, controller.signal).finally(() => running.delete(msg.taskId));
  });
  post(port, { type: 'ready' });
}

async function runTask(port: MessagePort, taskId: number, jobs: TaskJob[], prefixSha1: boolean, signal: AbortSignal): Promise<void> {
  let bytes = 0;
  let results: IndexedDigests[] = [];
  let lastReport = performance.now();
  const report = (): void => {
    const now = performance.now();
    if (now - lastReport < REPORT_INTERVAL_MS) return;
    lastReport = now;
    post(port, { type: 'progress', taskId, bytes, results });
    bytes = 0;
    results = [];
  };
  const onBytes = (n: number): void => {
    bytes += n;
    report();
  };

  // Small files of an image's NTFS volume a batch at a time; whatever that leaves, one by one.
  const left = await hashEntryBatch(jobs, prefixSha1, signal, (index, digests) => results.push({ index, ...digests }), onBytes).catch(() => []); // rejects only when cancelled
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < left.length && !signal.aborted) {
      const job = left[next++]!;
      try {
        const digests = await hashOne(job, prefixSha1, signal, onBytes);
        results.push({ index: job.index, ...digests });
      } catch (err) {
        if (signal.aborted) return;
        results.push({ index: job.index, size: 0, error: describeError(err) });
      }
      report();
      await breathe();
    }
  };
  await Promise.all(Array.from({ length: Math.min(LANES, left.length) }, lane));
  post(port, { type: 'done', taskId, bytes, results, cancelled: signal.aborted });
}

async function hashOne(job: TaskJob, prefixSha1: boolean, signal: AbortSignal, onBytes: (n: number) => void): Promise<Digests> {
  let reader;
  try {
    reader = await openJob(job.ref, job.fileId);
  } catch (err) {
    signal.throwIfAborted();
    return { size: 0, error: `cannot open: ${describeError(err)}` };
  }
  try {
    return await hashReader(reader, job.algorithms, { signal, onBytes, prefixSha1 });
  } finally {
    await reader.close().catch(() => undefined);
  }
}

function post(port: MessagePort, msg: FromWorker): void {
  port.postMessage(msg);
}

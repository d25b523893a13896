/**
 * A pool of hash worker threads.
 *
 * Plain worker_threads rather than piscina: we need (1) a stream of progress and partial results
 * from inside a running task, (2) cooperative cancellation of one task so the worker closes its
 * file handles and stays alive, and (3) a stall watchdog that fails only the stuck worker's jobs.
 * piscina gives none of these directly (its abort terminates the thread), and the queue it would
 * replace is a few lines here.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { archiveOptions } from '../evidence/archive-options.js';
import { DEFAULT_BATCH_LIMITS, planTasks, type BatchLimits } from './batch.js';
import { describeError } from './digest.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { HashRun } from './run.js';
import type { HashJob, HashOptions, HashResult } from './types.js';
import { fitsInline, hashInline, type InlineLimits } from './inline.js';

export interface HashPoolOptions {
  /** Worker threads; default max(1, availableParallelism() - 1). */
  workers?: number;
  /** Worker entry (tests wrap the real one); default ../workers/hash.worker.js next to this file. */
  workerUrl?: URL;
  /** A busy worker silent this long is declared hung, terminated and replaced. */
  stallMs?: number;
  batch?: Partial<BatchLimits>;
  /** Hash sets this small on the calling thread while no worker has been started (hashing/inline.ts). */
  inline?: InlineLimits;
}

const DEFAULT_WORKER_URL = new URL('../workers/hash.worker.js', import.meta.url);
/** Tasks sent ahead to one worker, so it never idles for a round-trip between batches. */
const PIPELINE = 2;
/** How long a cancelled task may take to wind down before its worker is terminated. */
const CANCEL_GRACE_MS = 2000;
/** Extra time a new worker gets to load (evidence loaders pull in sizeable modules). */
const STARTUP_GRACE_MS = 30_000;
/** How long close() waits for worker threads to end. */
const CLOSE_WAIT_MS = 5000;
/**
 * A worker's young generation. Hashing makes garbage fast (a reader object, a few small buffers per
 * file) but keeps almost none of it: V8's default (up to 32 MiB of semi-spaces per thread) only
 * holds more dead objects per worker, about 25 MB of resident memory each; scavenging 8 MB more
 * often costs no measurable CPU (3cx-bench images-4g: `hash` over 50,000 files).
 */
const WORKER_YOUNG_GENERATION_MB = 8;
/** Workers that die before saying `ready` this many times in a row: the entry itself is broken. */
const MAX_STARTUP_FAILURES = 3;

/** `attempts`: how often these jobs were already on a worker that died or hung. */
interface Task { id: number; run: HashRun; indices: number[]; attempts: number; bytes: number }

interface Slot { worker: Worker; tasks: Map<number, Task>; lastHeard: number; ready: boolean; exitReason: string | null; exited: Promise<void> }

export class HashPool {
  private readonly size: number;
  private readonly workerUrl: URL;
  private readonly stallMs: number;
  private readonly limits: BatchLimits;
  private readonly inline: InlineLimits | null;
  private readonly slots = new Set<Slot>();
  private readonly runs = new Set<HashRun>();
  private queue: Task[] = [];
  private nextTaskId = 1;
  private startupFailures = 0;
  private closed = false;
  private lastCheck = performance.now();
  private readonly watchdog: NodeJS.Timeout;

  constructor(opts: HashPoolOptions = {}) {
    const n = opts.workers ?? availableParallelism() - 1;
    this.size = Math.max(1, Number.isFinite(n) ? Math.floor(n) : 1);
    this.workerUrl = opts.workerUrl ?? DEFAULT_WORKER_URL;
    this.stallMs = opts.stallMs ?? 60_000;
    this.limits = { ...DEFAULT_BATCH_LIMITS, ...opts.batch };
    this.inline = opts.inline ?? null;
    const every = Math.max(10, Math.min(1000, this.stallMs / 4));
    this.watchdog = setInterval(() => this.checkStalls(every), every).unref();
  }

  get workerCount(): number {
    return this.size;
  }

  /**
   * Start all workers now rather than at the first hashAll(), so their module loading overlaps
   * with whatever the caller does meanwhile (listing the evidence). Idle workers never keep the
   * process alive.
   */
  warmUp(): void {
    while (!this.closed && this.slots.size < this.size) this.spawn();
  }

  hashAll(jobs: readonly HashJob[], opts: HashOptions = {}): Promise<HashResult[]> {
    if (this.closed) return Promise.reject(new Error('HashPool is closed'));
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.inline && this.slots.size === 0 && fitsInline(jobs, this.inline)) return hashInline(jobs, opts);
    return new Promise<HashResult[]>((resolve, reject) => {
      const done = (): boolean => this.runs.delete(run);
      const run: HashRun = new HashRun(jobs, opts.prefixSha1 === true, opts.onProgress, (r) => (done(), resolve(r)), (e) => (done(), reject(e)));
      run.watch(signal, () => this.cancelRun(run, abortError(signal!)));
      this.runs.add(run);
      for (const t of planTasks(jobs, this.limits)) this.enqueue({ id: this.nextTaskId++, run, indices: t.indices, attempts: 0, bytes: t.bytes });
      if (jobs.length === 0) return run.advance();
      run.emit(true);
      this.pump();
    });
  }

  /**
   * Queue a task. A big file goes ahead of every queued task smaller than it, whichever run queued
   * them: a walk that streams batches lists big files wherever they sit (`hash` of an image lists
   * /data/fill after 50,000 small files), and started last they left one worker hashing 3 GB alone
   * while the other idled — largest first across runs keeps both busy to the end.
   */
  private enqueue(task: Task): void {
    if (task.bytes < this.limits.soloBytes) {
      this.queue.push(task);
      return;
    }
    const at = this.queue.findIndex((q) => q.attempts === 0 && q.bytes < task.bytes);
    if (at < 0) this.queue.push(task);
    else this.queue.splice(at, 0, task);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    for (const run of [...this.runs]) run.fail(new Error('HashPool closed while hashing'));
    this.queue = [];
    const exits = [...this.slots].map((s) => s.exited);
    for (const s of this.slots) void s.worker.terminate();
    // A thread stuck in a system call cannot be stopped; do not wait for it forever. The timer is
    // not unref'd: the workers are (idle ones never hold the process), so without it the event loop
    // could run dry before a terminated worker's 'exit' arrives, and close() would never settle
    // (seen under CI load: the caller's await simply ended with the process).
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((r) => (timer = setTimeout(r, CLOSE_WAIT_MS)));
    await Promise.race([Promise.all(exits), giveUp]);
    clearTimeout(timer);
  }

  /**
   * Hand queued tasks to the least busy workers, starting workers up to the pool size. A retried
   * task (`attempts` > 0) runs alone on a worker, so that if the worker dies again the culprit is
   * known for certain.
   */
  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const head = this.queue[0]!;
      if (head.run.settled) {
        this.queue.shift();
        continue;
      }
      let slot: Slot | undefined;
      for (const s of this.slots) if (!isolating(s) && (!slot || s.tasks.size < slot.tasks.size)) slot = s;
      if ((!slot || slot.tasks.size > 0) && this.slots.size < this.size) slot = this.spawn();
      if (!slot || slot.tasks.size >= (head.attempts > 0 ? 1 : PIPELINE)) return;
      const task = this.queue.shift()!;
      const { run } = task;
      if (slot.tasks.size === 0) slot.lastHeard = performance.now();
      slot.tasks.set(task.id, task);
      slot.worker.ref();
      const jobs = task.indices.map((index) => {
        const j = run.jobs[index]!;
        return j.fileId === undefined ? { index, ref: j.ref, algorithms: j.algorithms } : { index, ref: j.ref, algorithms: j.algorithms, fileId: j.fileId };
      });
      try {
        post(slot.worker, { type: 'task', taskId: task.id, jobs, prefixSha1: run.prefixSha1, archive: archiveOptions() });
      } catch (err) {
        // An uncloneable ref (a caller bug): those jobs fail, the pool goes on.
        slot.tasks.delete(task.id);
        for (const i of task.indices) run.record(i, { size: 0, error: `cannot send job to worker: ${describeError(err)}` });
        run.advance();
      }
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, maxOldGenerationSizeMb: 48 } });
    let onExit: () => void = () => {};
    const slot: Slot = { worker, tasks: new Map(), lastHeard: performance.now(), ready: false, exitReason: null, exited: new Promise((r) => (onExit = r)) };
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (err) => (slot.exitReason ??= `hash worker crashed: ${describeError(err)}`));
    worker.on('messageerror', (err) => (slot.exitReason ??= `hash worker sent an unreadable message: ${describeError(err)}`));
    worker.on('exit', (code) => {
      this.onExit(slot, code);
      onExit();
    });
    worker.unref();
    this.slots.add(slot);
    return slot;
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    slot.lastHeard = performance.now();
    if (m.type === 'ready') {
      slot.ready = true;
      this.startupFailures = 0;
      return;
    }
    const task = slot.tasks.get(m.taskId);
    if (!task) return;
    const { run } = task;
    if (!run.settled) {
      for (const { index, ...d } of m.results) if (task.indices.includes(index)) run.record(index, d);
      run.bytesDone += m.bytes;
    }
    if (m.type === 'done') {
      slot.tasks.delete(task.id);
      if (slot.tasks.size === 0) slot.worker.unref();
      if (!m.cancelled) for (const i of task.indices) run.record(i, { size: 0, error: 'hash worker returned no result' });
    }
    run.advance();
    this.pump();
  }

  private onExit(slot: Slot, code: number): void {
    if (!this.slots.has(slot) || this.closed) return; // already retired (hung, cancelled) or closing
    if (!slot.ready) this.startupFailures++;
    this.retire(slot, slot.exitReason ?? `hash worker exited unexpectedly (code ${code})`);
    if (this.startupFailures >= MAX_STARTUP_FAILURES) {
      const queued = this.queue;
      this.queue = [];
      for (const t of queued) this.failTask({ ...t, attempts: Infinity }, `hash workers fail to start: ${slot.exitReason ?? `exit code ${code}`}`, false);
    }
    this.pump();
  }

  /**
   * Take a worker out of service now and fail (or requeue) its tasks. Its tasks do not wait for
   * 'exit': a thread stuck in a system call (a dead network mount) may never exit.
   */
  private retire(slot: Slot, reason: string): void {
    this.slots.delete(slot);
    slot.exitReason ??= reason;
    const tasks = [...slot.tasks.values()];
    slot.tasks.clear();
    slot.worker.unref(); // a thread stuck in a system call must not keep the process alive
    void slot.worker.terminate();
    for (const t of tasks) this.failTask(t, reason, tasks.length > 1);
  }

  /**
   * A worker died or hung under this task. If it shared the worker with other files (a batch, or
   * other tasks), each of its unfinished files is retried alone, since probably only one of them
   * caused it; a file that was alone on the worker, or already retried, gets the error.
   */
  private failTask(task: Task, reason: string, shared: boolean): void {
    const { run } = task;
    if (run.settled) return;
    const left = task.indices.filter((i) => !run.has(i));
    if (task.attempts === 0 && (left.length > 1 || shared)) {
      const retries = left.map((i) => ({ id: this.nextTaskId++, run, indices: [i], attempts: 1, bytes: 0 }));
      this.queue.unshift(...retries);
      return;
    }
    for (const i of left) run.record(i, { size: 0, error: `${reason} (while hashing this file)` });
    run.advance();
  }

  private checkStalls(every: number): void {
    const now = performance.now();
    // If this thread itself was blocked, workers' messages may still be queued: judge next round.
    const late = now - this.lastCheck > 2 * every + 50;
    this.lastCheck = now;
    if (late) return;
    for (const s of this.slots) {
      // A worker still loading its modules has not had the chance to report yet.
      const limit = s.ready ? this.stallMs : this.stallMs + STARTUP_GRACE_MS;
      if (s.tasks.size > 0 && now - s.lastHeard > limit) {
        this.retire(s, `hash worker stopped responding for ${Math.round(this.stallMs / 1000)} s`);
      }
    }
    this.pump();
  }

  private cancelRun(run: HashRun, err: Error): void {
    if (run.settled) return;
    run.fail(err);
    this.queue = this.queue.filter((t) => t.run !== run);
    for (const slot of this.slots) {
      const mine = [...slot.tasks.values()].filter((t) => t.run === run);
      for (const t of mine) {
        post(slot.worker, { type: 'cancel', taskId: t.id });
      }
      if (mine.length === 0) continue;
      setTimeout(() => {
        if (mine.some((t) => slot.tasks.has(t.id)) && this.slots.has(slot)) {
          this.retire(slot, 'hash worker did not stop after a cancel');
          this.pump();
        }
      }, CANCEL_GRACE_MS).unref();
    }
  }
}

/** Whether a worker is running a retried task, which must have it to itself. */
function isolating(slot: Slot): boolean {
  for (const t of slot.tasks.values()) if (t.attempts > 0) return true;
  return false;
}

function post(worker: Worker, msg: ToWorker): void {
  worker.postMessage(msg);
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('hashing was aborted', { name: 'AbortError', cause: reason });
}

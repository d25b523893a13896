/**
 * Run a list of tasks a few at a time, but let the caller see them one after another: results
 * are delivered in list order, and each task's events reach the caller only while it is the
 * front task (the lowest one not yet delivered); a task running ahead has its events held back
 * and released, in order, when it becomes the front. So a fleet of small evidence items keeps
 * both cores and the I/O queue busy, while progress, ids and results read exactly as in a serial
 * scan (the CLI's lines, the desktop's "current item" and the result order all stay as they were).
 *
 * Bounds: at most `limit` weight units run at once (a task may claim more than one: a large disk
 * image takes the whole limit, so images never compete for one disk), and no task starts more than
 * `window` places ahead of the front, so finished-but-undelivered results stay few.
 * Errors: a task's error surfaces when it becomes the front; nothing new starts after that, and
 * every running task is waited for before the error is thrown (none is left touching evidence).
 */

export interface OrderedOptions<E> {
  /** Weight units that may run at once (>= 1). */
  limit: number;
  /** How far ahead of the front a task may start (>= 1). */
  window: number;
  /** A task's share of the limit (default 1); capped at `limit`. */
  weight?: (index: number) => number | Promise<number>;
  /** For held-back events: true when `next` supersedes `prev` (throttled progress ticks). */
  supersedes?: (prev: E, next: E) => boolean;
}

export interface OrderedSink<T, E> {
  event(e: E): void;
  result(index: number, value: T): void | Promise<void>;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function runOrdered<T, E>(
  count: number,
  opts: OrderedOptions<E>,
  run: (index: number, emit: (e: E) => void) => Promise<T>,
  sink: OrderedSink<T, E>,
): Promise<void> {
  const limit = Math.max(1, Math.floor(opts.limit));
  const window = Math.max(1, Math.floor(opts.window));
  const settled: Promise<Settled<T>>[] = [];
  const resolvers: ((s: Settled<T>) => void)[] = [];
  for (let i = 0; i < count; i++) settled.push(new Promise((r) => resolvers.push(r)));
  const held: E[][] = Array.from({ length: count }, () => []);
  const weights = new Map<number, number>();
  let front = 0;
  let next = 0;
  let running = 0;
  let stopped = false;
  let pumping = false;

  const emitFor = (i: number) => (e: E): void => {
    if (i === front) return sink.event(e);
    const q = held[i]!;
    const last = q[q.length - 1];
    if (last !== undefined && opts.supersedes?.(last, e)) q[q.length - 1] = e;
    else q.push(e);
  };

  const start = (i: number, w: number): void => {
    running += w;
    let p: Promise<T>;
    try {
      p = run(i, emitFor(i));
    } catch (error) {
      p = Promise.reject(error);
    }
    p.then(
      (value) => resolvers[i]!({ ok: true, value }),
      (error: unknown) => resolvers[i]!({ ok: false, error }),
    ).finally(() => {
      running -= w;
      void pump();
    });
  };

  // Tasks start strictly in order; a heavy task waits until the running ones are done.
  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    try {
      while (!stopped && next < count && next < front + window) {
        let w = weights.get(next);
        if (w === undefined) {
          const at = next;
          const asked = await (async () => opts.weight?.(at) ?? 1)().catch(() => 1); // an unknown weight counts as one
          w = Math.min(limit, Math.max(1, Math.floor(asked) || 1));
          weights.set(next, w);
          if (stopped) break;
        }
        if (running > 0 && running + w > limit) break;
        start(next++, w);
      }
    } finally {
      pumping = false;
    }
  };

  const drain = async (): Promise<void> => {
    stopped = true;
    await Promise.all(settled.slice(0, next));
  };

  for (front = 0; front < count; front++) {
    const q = held[front]!;
    held[front] = [];
    for (const e of q) sink.event(e);
    void pump();
    const s = await settled[front]!;
    if (!s.ok) {
      await drain();
      throw s.error;
    }
    try {
      await sink.result(front, s.value);
    } catch (err) {
      await drain();
      throw err;
    }
  }
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOrdered } from '../../../electron/engine/ordered-runner.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Tasks whose durations run against their order, so a concurrent runner finishes them out of order. */
async function trace(count: number, limit: number, window: number, durations: (i: number) => number, weight?: (i: number) => number) {
  const events: string[] = [];
  const results: number[] = [];
  let running = 0;
  let maxRunning = 0;
  let maxAhead = 0;
  let front = 0;
  await runOrdered<number, string>(
    count,
    { limit, window, ...(weight ? { weight } : {}), supersedes: (a, b) => a.endsWith(':tick') && b.endsWith(':tick') },
    async (i, emit) => {
      const w = weight?.(i) ?? 1;
      running += w;
      maxRunning = Math.max(maxRunning, running);
      maxAhead = Math.max(maxAhead, i - front);
      emit(`${i}:start`);
      for (let k = 0; k < 3; k++) {
        await sleep(durations(i) / 3);
        emit(`${i}:tick`);
      }
      emit(`${i}:end`);
      running -= w;
      return i * 10;
    },
    {
      event: (e) => events.push(e),
      result: (i, v) => {
        results.push(v);
        assert.equal(i, front, 'results come in order');
        front++;
      },
    },
  );
  return { events, results, maxRunning, maxAhead };
}

test('results and events come out in task order, as if the tasks had run one after another', async () => {
  const { events, results, maxRunning } = await trace(8, 3, 6, (i) => 40 - i * 5);
  assert.deepEqual(results, [0, 10, 20, 30, 40, 50, 60, 70]);
  assert.equal(maxRunning, 3, 'three ran at once');
  // Each task's events are contiguous and in task order; the front task's ticks are never merged.
  const order = events.map((e) => Number(e.split(':')[0]));
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
  assert.deepEqual(events.filter((e) => e.startsWith('0:')), ['0:start', '0:tick', '0:tick', '0:tick', '0:end']);
  for (let i = 0; i < 8; i++) {
    const mine = events.filter((e) => e.startsWith(`${i}:`));
    assert.equal(mine[0], `${i}:start`);
    assert.equal(mine.at(-1), `${i}:end`);
  }
  // A task that ran ahead had its held-back ticks merged into the latest one.
  assert.ok(events.filter((e) => e === '7:tick').length < 3, 'ticks of a task held back were coalesced');
});

test('limit 1 is strictly serial; the window bounds how far ahead a task may start', async () => {
  const serial = await trace(5, 1, 10, () => 5);
  assert.equal(serial.maxRunning, 1);
  assert.equal(serial.events.length, 5 * 5, 'nothing held back, nothing merged');
  const windowed = await trace(10, 4, 2, (i) => (i % 3 === 0 ? 40 : 2));
  assert.ok(windowed.maxAhead <= 1, `started ${windowed.maxAhead} ahead of the front with window 2`);
});

test('a heavy task runs alone: nothing starts beside it', async () => {
  const heavy = new Set([2, 5]);
  let alone = true;
  let running = 0;
  let heavyRunning = false;
  await runOrdered<void, never>(
    8,
    { limit: 2, window: 8, weight: (i) => (heavy.has(i) ? 99 : 1) },
    async (i) => {
      running++;
      if (heavy.has(i)) heavyRunning = true;
      if (running > 1 && heavyRunning) alone = false;
      await sleep(heavy.has(i) ? 20 : 5);
      if (heavy.has(i)) heavyRunning = false;
      running--;
    },
    { event: () => undefined, result: () => undefined },
  );
  assert.ok(alone, 'a task with the whole limit shared the runner with another');
});

test('an error surfaces at its turn, after every started task has settled, and nothing new starts', async () => {
  const started: number[] = [];
  const settled: number[] = [];
  const delivered: number[] = [];
  await assert.rejects(
    runOrdered<number, never>(
      20,
      { limit: 3, window: 3 },
      async (i) => {
        started.push(i);
        try {
          await sleep(i === 4 ? 30 : 5);
          if (i === 3) throw new Error('task 3 failed');
          return i;
        } finally {
          settled.push(i);
        }
      },
      { event: () => undefined, result: (_i, v) => void delivered.push(v) },
    ),
    /task 3 failed/,
  );
  assert.deepEqual(delivered, [0, 1, 2]);
  assert.deepEqual([...settled].sort((a, b) => a - b), [...started].sort((a, b) => a - b), 'no task left running');
  assert.ok(Math.max(...started) <= 5, `tasks kept starting after the failure: ${started.join(',')}`);
});

test('a synchronous throw and a failing weight are handled like any task error / a weight of one', async () => {
  await assert.rejects(
    runOrdered<number, never>(2, { limit: 2, window: 2 }, (i) => {
      if (i === 1) throw new Error('sync');
      return Promise.resolve(i);
    }, { event: () => undefined, result: () => undefined }),
    /sync/,
  );
  const out: number[] = [];
  await runOrdered<number, never>(3, { limit: 2, window: 3, weight: () => Promise.reject(new Error('stat failed')) }, async (i) => i, { event: () => undefined, result: (_i, v) => void out.push(v) });
  assert.deepEqual(out, [0, 1, 2]);
  await runOrdered<number, never>(0, { limit: 2, window: 2 }, async () => assert.fail('no tasks'), { event: () => undefined, result: () => assert.fail('no results') });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planTasks, totalBytes, DEFAULT_BATCH_LIMITS } from '../../../electron/hashing/batch.js';
import type { HashJob } from '../../../electron/hashing/index.js';

const job = (size?: number): HashJob => ({
  ref: { evidenceId: 'E1', path: `/f${size}`, chain: [{ kind: 'folder', locator: '/r' }] },
  algorithms: ['sha256'],
  ...(size === undefined ? {} : { size }),
});

test('big files are solo tasks, largest first; small files share batches in listing order', () => {
  const MiB = 1024 * 1024;
  const jobs = [job(10), job(50 * MiB), job(20), job(100 * MiB), job(30), job(3 * MiB)];
  const tasks = planTasks(jobs);
  assert.deepEqual(tasks.map((t) => t.indices), [[3], [1], [5], [0, 2, 4]]);
});

test('batches close at the byte and the file-count limits, and every job lands in exactly one task', () => {
  const limits = { ...DEFAULT_BATCH_LIMITS, maxBatchBytes: 100, maxBatchJobs: 4, soloBytes: 1000 };
  const sizes = [60, 60, 10, 10, 10, 10, 10, 999, 1000, 5];
  const tasks = planTasks(sizes.map((s) => job(s)), limits);
  assert.deepEqual(tasks.map((t) => t.indices), [[8], [0, 1], [2, 3, 4, 5], [6, 7], [9]]);
  const all = tasks.flatMap((t) => t.indices).sort((a, b) => a - b);
  assert.deepEqual(all, sizes.map((_, i) => i));
});

test('unknown or nonsensical sizes are batched with a guess and make the byte total unknown', () => {
  const limits = { ...DEFAULT_BATCH_LIMITS, unknownSizeGuess: 40, maxBatchBytes: 100 };
  const tasks = planTasks([job(), job(), job(-5), job(Number.NaN)], limits);
  assert.deepEqual(tasks.map((t) => t.indices), [[0, 1, 2], [3]]);
  assert.equal(totalBytes([job(1), job()]), null);
  assert.equal(totalBytes([job(1), job(2)]), 3);
  assert.equal(totalBytes([]), 0);
});

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { HashPool, type HashJob, type HashProgress } from '../../../electron/hashing/index.js';
import { folderRef, MiB, tempRoot, writeFile } from './files.js';
import '../../../electron/evidence/loaders/index.js';

const root = tempRoot('inline');
after(() => rmSync(root, { recursive: true, force: true }));
const names: [string, number][] = [['a.dll', 1], ['b.exe', MiB + 3], ['manifest', 10], ['gone', 0]];
names.forEach(([n, size], i) => { if (n !== 'gone') writeFile(root, n, size, i + 7); });
const jobs = (withSize: boolean): HashJob[] => names.map(([n, size]) => ({ ref: folderRef(root, `/${n}`), algorithms: ['md5', 'sha1', 'sha256'], ...(withSize ? { size } : {}) }));

test('a small set is hashed on the calling thread, with the same digests and errors as the workers give', async () => {
  const inline = new HashPool({ workers: 1, inline: { maxJobs: 8, maxBytes: 4 * MiB } });
  const workers = new HashPool({ workers: 1 });
  try {
    const seen: HashProgress[] = [];
    const a = await inline.hashAll(jobs(true), { prefixSha1: true, onProgress: (p) => seen.push(p) });
    assert.equal((inline as unknown as { slots: Set<unknown> }).slots.size, 0, 'no worker was started');
    const b = await workers.hashAll(jobs(true), { prefixSha1: true });
    // Error texts differ by opener (workers open folders synchronously): compare the digests, and that both failed.
    const digests = (rs: typeof a) => rs.map(({ ref: _r, error, ...d }) => ({ ...d, failed: error !== undefined }));
    assert.deepEqual(digests(a), digests(b));
    assert.match(a[3]!.error ?? '', /cannot open: ENOENT/);
    assert.deepEqual(seen.map((p) => p.jobsDone), [1, 2, 3, 4]);
  } finally {
    await inline.close();
    await workers.close();
  }
});

test('sets too large, or without listed sizes, still go to the workers', async () => {
  const pool = new HashPool({ workers: 1, inline: { maxJobs: 2, maxBytes: 4 * MiB } });
  try {
    await pool.hashAll(jobs(true));
    assert.equal((pool as unknown as { slots: Set<unknown> }).slots.size, 1, 'four jobs exceed maxJobs 2');
  } finally {
    await pool.close();
  }
  const unsized = new HashPool({ workers: 1, inline: { maxJobs: 8, maxBytes: 4 * MiB } });
  try {
    await unsized.hashAll(jobs(false));
    assert.equal((unsized as unknown as { slots: Set<unknown> }).slots.size, 1);
  } finally {
    await unsized.close();
  }
});

test('an aborted inline run rejects', async () => {
  const pool = new HashPool({ workers: 1, inline: { maxJobs: 8, maxBytes: 4 * MiB } });
  try {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(pool.hashAll(jobs(true), { signal: ac.signal }));
  } finally {
    await pool.close();
  }
});

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { HashPool, AMCACHE_PREFIX_BYTES, type HashJob, type HashProgress } from '../../../electron/hashing/index.js';
import { coreutils, folderRef, headSha1, MiB, tempRoot, writeFile } from './files.js';

const root = tempRoot('pool');
const pool = new HashPool({ workers: 2 });
after(async () => {
  await pool.close();
  rmSync(root, { recursive: true, force: true });
});

const sized: [string, number][] = [
  ['empty', 0],
  ['one byte', 1],
  ['exactly 1MiB.bin', MiB],
  ['1MiB+1.bin', MiB + 1],
  ['prefix+1.bin', AMCACHE_PREFIX_BYTES + 1],
  ['new\nline', 777],
  ['-leading-dash', 4096],
  ['ünïcødé — 名前 ✓.dll', 65537],
  ['  spaces  around  ', 10],
];
sized.forEach(([name, size], i) => writeFile(root, name, size, i + 1));

const job = (path: string, size?: number): HashJob => ({
  ref: folderRef(root, path),
  algorithms: ['md5', 'sha1', 'sha256'],
  ...(size === undefined ? {} : { size }),
});

test('digests equal md5sum/sha1sum/sha256sum for edge sizes and hostile names; prefix SHA-1 equals head -c | sha1sum', async () => {
  const jobs = sized.map(([name, size]) => job(`/${name}`, size));
  const results = await pool.hashAll(jobs, { prefixSha1: true });
  assert.equal(results.length, sized.length);
  results.forEach((r, i) => {
    const [name, size] = sized[i]!;
    const file = join(root, name);
    assert.equal(r.error, undefined, `${JSON.stringify(name)}: ${r.error}`);
    assert.equal(r.ref, jobs[i]!.ref, 'each result carries its own job ref');
    assert.equal(r.size, size);
    assert.equal(r.md5, coreutils('md5sum', file), `md5 of ${JSON.stringify(name)}`);
    assert.equal(r.sha1, coreutils('sha1sum', file), `sha1 of ${JSON.stringify(name)}`);
    assert.equal(r.sha256, coreutils('sha256sum', file), `sha256 of ${JSON.stringify(name)}`);
    const expectPrefix = size > AMCACHE_PREFIX_BYTES ? headSha1(file, AMCACHE_PREFIX_BYTES) : r.sha1;
    assert.equal(r.prefix30MiBSha1, expectPrefix, `prefix sha1 of ${JSON.stringify(name)}`);
  });
  const big = results[4]!;
  assert.notEqual(big.prefix30MiBSha1, big.sha1, 'a file over 30 MiB has a prefix digest different from its SHA-1');
});

test('files that cannot be read give error results among good ones; nothing rejects', async () => {
  mkdirSync(join(root, 'dir'));
  mkdirSync(join(root, 'real'));
  writeFile(root, 'real/target.bin', 100);
  symlinkSync(join(root, 'real', 'target.bin'), join(root, 'link.bin'));
  symlinkSync(join(root, 'real'), join(root, 'linkdir'));
  execFileSync('mkfifo', [join(root, 'fifo')]);
  const paths = ['/one byte', '/missing', '/dir', '/link.bin', '/linkdir/target.bin', '/fifo', '/real/../one byte', '/real/target.bin'];
  const results = await pool.hashAll(paths.map((p) => job(p)));
  const errs = results.map((r) => r.error ?? null);
  assert.equal(errs[0], null);
  assert.match(errs[1] ?? '', /ENOENT/);
  assert.match(errs[2] ?? '', /not a regular file/);
  assert.match(errs[3] ?? '', /symbolic link/);
  assert.match(errs[4] ?? '', /symbolic link/);
  assert.match(errs[5] ?? '', /not a regular file/, 'a FIFO is refused, not waited on');
  assert.match(errs[6] ?? '', /refusing path component "\.\."/);
  assert.equal(errs[7], null);
  for (const r of results.filter((x) => x.error)) assert.equal(r.sha256, undefined);
  assert.equal(results[7]!.sha256, coreutils('sha256sum', join(root, 'real', 'target.bin')));
});

test('results come back in job order whatever the batching; progress is monotonic and complete', async () => {
  mkdirSync(join(root, 'many'));
  const jobs: HashJob[] = [];
  for (let i = 0; i < 400; i++) {
    const size = (i * 7919) % 70_000;
    jobs.push(job(writeFile(root, `many/f${i}`, size, i + 100), size));
    if (i % 100 === 50) jobs.push(job(writeFile(root, `many/big${i}`, 5 * MiB + i, i), 5 * MiB + i));
  }
  const events: HashProgress[] = [];
  const results = await pool.hashAll(jobs, { onProgress: (p) => events.push(p) });
  results.forEach((r, i) => {
    assert.equal(r.ref.path, jobs[i]!.ref.path);
    assert.equal(r.size, jobs[i]!.size);
  });
  assert.equal(results[7]!.sha256, coreutils('sha256sum', join(root, 'many', 'f7')));
  const total = jobs.reduce((a, j) => a + j.size!, 0);
  assert.ok(events.length >= 2);
  for (let i = 1; i < events.length; i++) {
    assert.ok(events[i]!.jobsDone >= events[i - 1]!.jobsDone, 'jobsDone never goes back');
    assert.ok(events[i]!.bytesDone >= events[i - 1]!.bytesDone, 'bytesDone never goes back');
  }
  assert.deepEqual(events.at(-1), { jobsDone: jobs.length, jobsTotal: jobs.length, bytesDone: total, bytesTotal: total });
  assert.equal(events[0]!.jobsDone, 0);
});

test('progress arrives while one large file is hashed, not only when it ends', async () => {
  const p = writeFile(root, 'large.bin', 96 * MiB, 5);
  const stamps: number[] = [];
  const t0 = performance.now();
  await pool.hashAll([job(p, 96 * MiB)], { onProgress: () => stamps.push(performance.now()) });
  const elapsed = performance.now() - t0;
  const gaps = stamps.slice(1).map((s, i) => s - stamps[i]!);
  // Reports are sent every 50 ms of work; allow a loaded CI machine some slack.
  if (elapsed > 300) assert.ok(stamps.length >= 3, `${stamps.length} events in ${elapsed.toFixed(0)} ms`);
  assert.ok(Math.max(...gaps) < 1000, `largest gap ${Math.max(...gaps).toFixed(0)} ms`);
});

test('hashing leaves the evidence files\' access and modification times unchanged', async (t) => {
  const names = ['exactly 1MiB.bin', 'ünïcødé — Name ✓.bin', 'control.bin'];
  for (const n of names) writeFile(root, n, 200_000);
  const old = new Date('2001-02-03T04:05:06Z');
  const mtime = new Date('2020-01-01T00:00:00Z');
  for (const n of names) utimesSync(join(root, n), old, mtime); // atime < mtime: relatime would update it
  const before = names.map((n) => lstatSync(join(root, n), { bigint: true }));
  const results = await pool.hashAll(names.slice(0, 2).map((n) => job(`/${n}`)));
  assert.ok(results.every((r) => r.sha256 && !r.error));
  names.slice(0, 2).forEach((n, i) => {
    const now = lstatSync(join(root, n), { bigint: true });
    assert.equal(now.atimeNs, before[i]!.atimeNs, `atime of ${n}`);
    assert.equal(now.mtimeNs, before[i]!.mtimeNs, `mtime of ${n}`);
  });
  // Control: an ordinary read on this mount does move the access time, so the check above means something.
  readFileSync(join(root, 'control.bin'));
  const ctl = lstatSync(join(root, 'control.bin'), { bigint: true });
  if (ctl.atimeNs === before[2]!.atimeNs) t.diagnostic('this mount does not update atime (noatime): the check above is weaker here');
});

test('an abort rejects with AbortError promptly, stops the workers, and the pool stays usable', async () => {
  // `endless` files (crashy.worker.ts) never finish. With one worker, the next run gets that same
  // (already loaded) worker at once only if the cancel really stopped it; otherwise it waits for
  // the cancel grace period (2 s), the kill and a fresh worker.
  const p = new HashPool({ workers: 1, workerUrl: new URL('./crashy.worker.js', import.meta.url) });
  try {
    const endless = (i: number): HashJob => ({ ref: { evidenceId: 'E1', path: `/e${i}`, chain: [{ kind: 'endless', locator: root }] }, algorithms: ['sha256'] });
    const ac = new AbortController();
    let abortedAt = 0;
    let events = 0;
    const run = p.hashAll([0, 1, 2, 3].map(endless), {
      signal: ac.signal,
      onProgress: (e) => {
        events++;
        if (e.bytesDone > 0 && !ac.signal.aborted) {
          abortedAt = performance.now();
          ac.abort();
        }
      },
    });
    await assert.rejects(run, { name: 'AbortError' });
    assert.ok(performance.now() - abortedAt < 100, 'rejects at once');
    const seen = events;
    const t0 = performance.now();
    const again = await p.hashAll([job('/one byte', 1)]);
    assert.equal(again[0]!.sha256, coreutils('sha256sum', join(root, 'one byte')));
    assert.ok(performance.now() - t0 < 1000, `next run waited ${(performance.now() - t0).toFixed(0)} ms for a worker`);
    assert.equal(events, seen, 'no progress is reported for an aborted run');
    await assert.rejects(p.hashAll([job('/one byte')], { signal: AbortSignal.abort() }), { name: 'AbortError' });
  } finally {
    await p.close();
  }
});

test('a crashed or hung worker fails only its own file; the pool replaces it and goes on', async () => {
  const crashy = new HashPool({ workers: 2, stallMs: 400, workerUrl: new URL('./crashy.worker.js', import.meta.url) });
  try {
    const odd = (kind: string, path: string): HashJob => ({ ref: { evidenceId: 'E1', path, chain: [{ kind, locator: root }] }, algorithms: ['sha256'] });
    const jobs = [job('/one byte'), odd('crash', '/boom'), job('/-leading-dash'), odd('hang', '/stuck'), job('/empty')];
    const results = await crashy.hashAll(jobs);
    assert.equal(results[0]!.sha256, coreutils('sha256sum', join(root, 'one byte')));
    assert.match(results[1]!.error ?? '', /exited unexpectedly \(code 7\)/);
    assert.equal(results[2]!.sha256, coreutils('sha256sum', join(root, '-leading-dash')));
    assert.match(results[3]!.error ?? '', /stopped responding/);
    assert.equal(results[4]!.sha256, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const again = await crashy.hashAll([job('/one byte')]);
    assert.equal(again[0]!.error, undefined);
  } finally {
    await crashy.close();
  }
});

test('a worker entry that cannot start fails the jobs with an error instead of respawning forever', async () => {
  const broken = new HashPool({ workers: 2, workerUrl: new URL('./no-such.worker.js', import.meta.url) });
  try {
    const results = await broken.hashAll(sized.map(([name]) => job(`/${name}`)));
    assert.equal(results.length, sized.length);
    for (const r of results) assert.match(r.error ?? '', /hash worker/);
  } finally {
    await broken.close();
  }
});

test('worker count defaults to CPUs - 1 (at least 1); a closed pool refuses work and fails what was running', async () => {
  assert.equal(new HashPool().workerCount, Math.max(1, availableParallelism() - 1));
  const p = new HashPool({ workers: 0 });
  assert.equal(p.workerCount, 1);
  p.warmUp();
  p.warmUp(); // idempotent: never more workers than the pool size
  const running = assert.rejects(p.hashAll([job('/prefix+1.bin')]), /closed/);
  await p.close();
  await running;
  await assert.rejects(p.hashAll([]), /closed/);
  assert.deepEqual(await pool.hashAll([]), []);
});

test('a big file queued after batches of small ones (a streamed walk) is hashed before them', async () => {
  const one = new HashPool({ workers: 1 });
  try {
    const dir = 'queue-order';
    mkdirSync(join(root, dir));
    const small: string[] = [];
    for (let i = 0; i < 2000; i++) small.push(`/${dir}/s${i}`);
    for (const [i, p] of small.entries()) writeFile(root, p.slice(1), 64, i);
    writeFile(root, `${dir}/big.bin`, 4 * MiB, 9);
    const order: string[] = [];
    // 2,000 small files make 8 batches; two are in flight at once, the big file's task is queued last.
    const smallRun = one.hashAll(small.map((p) => job(p, 64))).then(() => order.push('small'));
    const bigRun = one.hashAll([job(`/${dir}/big.bin`, 4 * MiB)]).then(() => order.push('big'));
    await Promise.all([smallRun, bigRun]);
    assert.deepEqual(order, ['big', 'small']);
  } finally {
    await one.close();
  }
});

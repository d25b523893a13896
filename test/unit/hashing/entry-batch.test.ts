/**
 * The batch path for small NTFS files on images (hashing/entry-batch.ts) against the per-file
 * path it stands in for, on the generated NTFS disks (make-ntfs.sh: resident, empty, sparse,
 * compressed, fragmented, hard-linked and ADS-bearing files), raw and as an E01.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync, statSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvidenceView } from '../../../electron/engine/evidence-view.js';
import { walk } from '../../../electron/engine/utilities.js';
import '../../../electron/evidence/loaders/index.js';
import { hashReader } from '../../../electron/hashing/digest.js';
import { BATCH_FILE_MAX_BYTES, hashEntryBatch } from '../../../electron/hashing/entry-batch.js';
import { openJob, parseFileId } from '../../../electron/hashing/image-jobs.js';
import type { TaskJob } from '../../../electron/hashing/protocol.js';
import type { Digests } from '../../../electron/hashing/digest.js';
import { generatedImages, generatedSkipReason } from '../formats/ntfs/generated.js';

const skip = generatedSkipReason() ?? false;
const hasEwf = spawnSync('sh', ['-c', 'command -v ewfacquire']).status === 0;
let dir = '';
let images: string | null = null;

before(() => {
  if (skip) return;
  images = generatedImages();
  dir = mkdtempSync(join(tmpdir(), '3cx-entrybatch-'));
  if (hasEwf && images) {
    const r = spawnSync('ewfacquire', ['-u', '-t', join(dir, 'gpt'), '-f', 'encase6', '-c', 'deflate:fast', '-S', '1GiB', '-C', 'c', '-D', 'd', '-E', 'e', '-e', 'x', '-N', 'n', join(images, 'gpt.raw')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ewfacquire: ${r.stderr}`);
  }
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every live file of the image as a worker task job, with its listing size. */
async function jobsOf(image: string): Promise<{ jobs: TaskJob[]; sizes: number[] }> {
  const view = await EvidenceView.open(image);
  try {
    const jobs: TaskJob[] = [];
    const sizes: number[] = [];
    for await (const e of walk(view, '/', true)) {
      if (e.type !== 'file' || e.id === undefined) continue;
      const at = view.locate(e.path)!;
      jobs.push({ index: jobs.length, ref: { evidenceId: 'E1', path: at.inner, chain: at.fs.layersFor(at.inner) }, algorithms: ['md5', 'sha1', 'sha256'], fileId: e.id });
      sizes.push(e.size);
    }
    return { jobs, sizes };
  } finally {
    await view.close();
  }
}

async function perFile(job: TaskJob, prefixSha1: boolean): Promise<Digests> {
  const r = await openJob(job.ref, job.fileId);
  try {
    return await hashReader(r, job.algorithms, { prefixSha1 });
  } finally {
    await r.close();
  }
}

async function batch(jobs: TaskJob[], prefixSha1: boolean, signal = new AbortController().signal): Promise<{ got: Map<number, Digests>; rest: TaskJob[]; bytes: number }> {
  const got = new Map<number, Digests>();
  let bytes = 0;
  const rest = await hashEntryBatch(jobs, prefixSha1, signal, (i, d) => {
    assert.ok(!got.has(i), `job ${i} answered twice`);
    got.set(i, d);
  }, (n) => (bytes += n));
  return { got, rest, bytes };
}

const kinds = (): [string, string][] => [['raw', join(images!, 'gpt.raw')], ...(hasEwf ? [['E01', join(dir, 'gpt.E01')] as [string, string]] : [])];

test('batch digests equal the per-file path for every file of the generated disks (raw and E01)', { skip }, async () => {
  for (const [kind, image] of kinds()) {
    const { jobs, sizes } = await jobsOf(image);
    assert.ok(jobs.length > 400, `${kind}: ${jobs.length} files listed`);
    for (const prefixSha1 of [false, true]) {
      const { got, rest, bytes } = await batch(jobs, prefixSha1);
      // Every job is answered exactly once: by the batch or handed back.
      assert.equal(got.size + rest.length, jobs.length, kind);
      for (const j of rest) assert.ok(!got.has(j.index), `${kind}: ${j.ref.path} both answered and handed back`);
      // The batch takes most of them (the disk is mostly small plain files).
      assert.ok(got.size > jobs.length * 0.8, `${kind}: batch answered ${got.size} of ${jobs.length}`);
      let want = 0;
      for (const [i, d] of got) {
        assert.deepEqual(d, await perFile(jobs[i]!, prefixSha1), `${kind}: ${jobs[i]!.ref.path}`);
        assert.ok(d.size < BATCH_FILE_MAX_BYTES && d.size === sizes[i], `${kind}: ${jobs[i]!.ref.path} size ${d.size}`);
        want += d.size;
      }
      assert.equal(bytes, want, `${kind}: bytes reported`);
      // What went back is what the batch must not read: big, compressed or otherwise unusual.
      const back = rest.map((j) => j.ref.path);
      assert.ok(back.some((p) => /compressed/i.test(p)), `${kind}: compressed files handed back (${back.join(', ')})`);
      for (const j of rest) {
        const why = sizes[j.index]! >= BATCH_FILE_MAX_BYTES || j.ref.path.startsWith('/Compressed/') || sizes[j.index] === 0; // big, LZNT1, or no unnamed $DATA
        assert.ok(why, `${kind}: ${j.ref.path} (${sizes[j.index]} bytes) handed back without a reason`);
      }
      // Order of the hand-back is the task's.
      assert.deepEqual(rest.map((j) => j.index), [...rest.map((j) => j.index)].sort((a, b) => a - b));
    }
  }
});

test('stale, foreign and missing ids are handed back untouched', { skip }, async () => {
  const [, image] = kinds()[0]!;
  const { jobs } = await jobsOf(image);
  const small = jobs.slice(0, 40);
  const edited: TaskJob[] = small.map((j, k) => {
    const id = parseFileId(j.fileId!)!;
    if (k % 4 === 0) return { ...j, fileId: `${id.entry}-${id.sequence + 1}` }; // reused record
    if (k % 4 === 1) return { index: j.index, ref: j.ref, algorithms: j.algorithms }; // no id
    if (k % 4 === 2) return { ...j, ref: { ...j.ref, chain: [...j.ref.chain, { kind: 'vss', locator: '1' }] } }; // a snapshot
    return j;
  });
  const { got, rest } = await batch(edited, false);
  for (const [k, j] of edited.entries()) {
    if (k % 4 === 3) continue;
    assert.ok(!got.has(j.index) && rest.includes(j), `job ${k} (${j.fileId}) must take the per-file path`);
  }
});

test('a span the image no longer holds sends its files to the per-file path, which reports the failure', { skip }, async () => {
  const src = join(images!, 'gpt.raw');
  const { jobs } = await jobsOf(src);
  // The same disk cut short: the second volume (ntfs.raw) loses its tail.
  const cut = join(dir, 'cut.raw');
  copyFileSync(src, cut);
  const size = statSync(src).size;
  const fd = openSync(cut, 'r+');
  ftruncateSync(fd, size - 24 * 1024 * 1024);
  closeSync(fd);
  const moved: TaskJob[] = jobs.map((j) => ({ ...j, ref: { ...j.ref, chain: [{ ...j.ref.chain[0]!, locator: cut }, ...j.ref.chain.slice(1)] } }));
  const { got, rest } = await batch(moved, false);
  assert.ok(rest.length > 0, 'some files lie past the cut');
  for (const [i, d] of got) assert.deepEqual(d, await perFile(jobs[i]!, false), jobs[i]!.ref.path); // what was read is the full disk's bytes
  let failed = 0;
  for (const j of rest) if ((await perFile(j, false).catch((e: Error) => ({ size: 0, error: e.message }))).error) failed++;
  assert.ok(failed > 0, 'the per-file path reports the files it cannot read');
});

test('a cancelled batch rejects with the abort', { skip }, async () => {
  const [, image] = kinds()[0]!;
  const { jobs } = await jobsOf(image);
  const ac = new AbortController();
  ac.abort(new Error('stop'));
  await assert.rejects(batch(jobs, false, ac.signal), /stop/);
});

/**
 * E01 verification through the ring (evidence/containers/verify-ring.ts + workers/ewf-verify.worker):
 * segment files on disk, read and inflated by verify workers, hashed on this thread. Equal to
 * ewfverify on generated images with one and two workers; damaged, unlocatable and missing chunks
 * fail with located issues; a stored chunk's bad Adler-32 is noted once; dead or refusing workers
 * leave the rest to this thread with the same digest; abort and progress.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEwf, type EwfImage } from '../../../../electron/formats/ewf/index.js';
import { verifyEwf } from '../../../../electron/evidence/containers/verify.js';
import { digestEwfRing } from '../../../../electron/evidence/containers/verify-ring.js';
import { FileReader } from '../../../../electron/io/file-reader.js';
import { FIXTURE_SKIP, generatedContainers } from '../../formats/ewf/fixtures.js';
import { CORPUS, CORPUS_E01, HAVE_CORPUS } from '../../../helpers/corpus.js';
import { onDisk } from '../../formats/ewf/on-disk.js';
import { assertChunk130Unreadable } from '../../formats/ewf/damaged-chunk.js';
import { segmentFileName } from '../../../../electron/formats/ewf/index.js';
import { existsSync } from 'node:fs';

const HAVE_EWFVERIFY = spawnSync('which', ['ewfverify']).status === 0;
const skip = FIXTURE_SKIP || (HAVE_EWFVERIFY ? false : 'ewfverify not installed');

function ewfverify(path: string): { ok: boolean; computed: string | null } {
  const r = spawnSync('ewfverify', ['-q', path], { encoding: 'utf8' });
  return { ok: /ewfverify: SUCCESS/.test(r.stdout), computed: /MD5 hash calculated over data:\s*([0-9a-f]{32})/.exec(r.stdout)?.[1] ?? null };
}

/** Opens segment files (paths in order) from disk, as openContainer does. */
async function openFiles(paths: string[]): Promise<{ img: EwfImage; paths: string[]; close: () => Promise<void> }> {
  const readers = await Promise.all(paths.map((p) => FileReader.open(p)));
  const img = await openEwf(readers.map((r, i) => ({ name: paths[i]!.split('/').at(-1)!, reader: r })));
  return { img, paths, close: async () => void (await Promise.all(readers.map((r) => r.close()))) };
}

const segmentPaths = (dir: string): string[] => readdirSync(dir).sort().map((n) => join(dir, n));


function chunkAt(img: EwfImage, i: number): { start: number; compressed: boolean } {
  const g = img.chunks.groups.find((x) => i >= x.firstChunk && i < x.firstChunk + x.entries.length)!;
  const e = g.entries[i - g.firstChunk]!;
  return { start: g.base + (e & 0x7fffffff), compressed: (e & 0x80000000) !== 0 };
}

for (const variant of ['e01', 'e01-multi', 'e01-none', 'e01-ftk', 'e01-linen']) {
  test(`ring, generated ${variant}: equal to ewfverify with 1 and 2 verify workers`, { skip }, async () => {
    const dir = generatedContainers();
    const ref = ewfverify(join(dir, variant, 'disk.E01'));
    assert.equal(ref.ok, true);
    const rawMd5 = createHash('md5').update(readFileSync(join(dir, 'disk.raw'))).digest('hex');
    const rawSha1 = createHash('sha1').update(readFileSync(join(dir, 'disk.raw'))).digest('hex');
    for (const workers of [1, 2]) {
      const { img, close } = await openFiles(segmentPaths(join(dir, variant)));
      try {
        const v = await verifyEwf(img, { workers });
        assert.deepEqual(v, { algorithm: 'md5', expected: ref.computed, actual: ref.computed, ok: true }, `${variant} workers=${workers}`);
        assert.equal(img.info['computed MD5'], rawMd5);
        if (img.storedSha1) assert.equal(img.info['computed SHA-1'], rawSha1);
        assert.deepEqual(img.issues, []);
        // Every slot decoded by the workers (none by this thread while they start).
        const d = await digestEwfRing(img.chunks, { paths: segmentPaths(join(dir, variant)), threads: workers, sha1: true, help: false });
        assert.deepEqual([d.md5, d.sha1, d.bytes, d.unreadableChunks], [rawMd5, rawSha1, img.mediaSize, 0]);
      } finally {
        await close();
      }
    }
  });
}

test('ring: inflateSync per chunk (the fallback of the reused zlib stream) gives the same digest', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const { img, paths, close } = await openFiles(segmentPaths(join(dir, 'e01-multi')));
  try {
    const d = await digestEwfRing(img.chunks, { paths, threads: 1, sha1: true, reuseStream: false });
    assert.equal(d.md5, img.storedMd5);
    assert.equal(d.sha1, createHash('sha1').update(readFileSync(join(dir, 'disk.raw'))).digest('hex'));
    assert.equal(d.bytes, img.mediaSize);
  } finally {
    await close();
  }
});

test('ring: a damaged compressed chunk that held zeros is "could not read", located, never a match', { skip }, async () => {
  const dir = generatedContainers();
  const seed = new Uint8Array(readFileSync(join(dir, 'e01', 'disk.E01')));
  const probe = await openFiles([join(dir, 'e01', 'disk.E01')]);
  const c = chunkAt(probe.img, 130); // region 2 of the disk (4-8 MiB) is zeros
  await probe.close();
  assert.ok(c.compressed);
  const bad = seed.slice();
  bad.fill(0xff, c.start + 2, c.start + 12);
  await onDisk(bad, async (p) => {
    assert.equal(ewfverify(p).ok, false, 'ewfverify fails it too');
    for (const workers of [1, 2]) {
      const { img, close } = await openFiles([p]);
      try {
        assertChunk130Unreadable(img, await verifyEwf(img, { workers }), c.start);
        const d = await digestEwfRing(img.chunks, { paths: [p], threads: workers, sha1: false, help: false });
        assert.deepEqual(d.unreadable.map((r) => [r.firstChunk, r.count, r.file]), [[130, 1, 'disk.E01']]);
        assert.match(d.unreadable[0]!.reason, new RegExp(`^chunk 130 in disk\\.E01 at ${c.start}: zlib stream does not inflate`));
      } finally {
        await close();
      }
    }
  });
});

test('ring: chunk offsets outside the file (table and table2) are located; missing segments make one tail run', { skip }, async () => {
  const dir = generatedContainers();
  const bytes = new Uint8Array(readFileSync(join(dir, 'e01', 'disk.E01')));
  const buf = Buffer.from(bytes.buffer);
  for (const name of ['table\0', 'table2\0']) new DataView(bytes.buffer).setUint32(buf.indexOf(name) + 76 + 24 + 300 * 4, 0xfffffff0, true);
  await onDisk(bytes, async (p) => {
    const { img, close } = await openFiles([p]);
    try {
      const v = await verifyEwf(img, { workers: 1 });
      assert.equal(v.ok, false);
      assert.match(v.actual, /^could not read \d+ of 1024 chunks/);
      assert.ok(img.issues.some((i) => i.offset === 300 * 32768 && /verification: chunk 300 .*could not be read/.test(i.message)), JSON.stringify(img.issues));
    } finally {
      await close();
    }
  });
  const { img, close } = await openFiles(segmentPaths(join(dir, 'e01-multi')).slice(0, 3));
  try {
    const v = await verifyEwf(img, { workers: 2 });
    assert.equal(v.ok, false);
    const runs = img.issues.filter((i) => i.message.startsWith('verification:'));
    assert.equal(runs.length, 1, JSON.stringify(runs));
    assert.match(runs[0]!.message, /^verification: chunks \d+-1023 could not be read: chunk \d+ is in no table section/);
    assert.equal(img.info['computed MD5 (unreadable chunks as zeros)'], undefined, 'the media was not hashed whole');
  } finally {
    await close();
  }
});

test('ring: a stored chunk with a wrong Adler-32 is hashed as stored (as ewfverify) and noted once', { skip }, async () => {
  const dir = generatedContainers();
  const bytes = new Uint8Array(readFileSync(join(dir, 'e01-none', 'disk.E01')));
  const probe = await openFiles([join(dir, 'e01-none', 'disk.E01')]);
  const c = chunkAt(probe.img, 5);
  await probe.close();
  assert.equal(c.compressed, false);
  bytes[c.start + 100]! ^= 0x01;
  await onDisk(bytes, async (p) => {
    const ref = ewfverify(p);
    const { img, close } = await openFiles([p]);
    try {
      const v = await verifyEwf(img, { workers: 1 });
      assert.deepEqual(v, { algorithm: 'md5', expected: img.storedMd5, actual: ref.computed, ok: false });
      await img.reader.read(5 * 32768, 32768); // the read path decodes chunk 5 again
      assert.deepEqual(img.issues.map((i) => [i.offset, i.message]), [[5 * 32768, `chunk 5 in disk.E01 at ${c.start}: Adler-32 mismatch (data returned as stored)`]]);
      const d = await digestEwfRing(img.chunks, { paths: [p], threads: 1, sha1: false, help: false });
      assert.deepEqual([d.md5, d.checksumMismatches, d.unreadableChunks], [ref.computed, 1, 0]);
      assert.equal(img.issues.length, 1, 'noted once');
    } finally {
      await close();
    }
  });
});

test('ring: workers that die at once, or cannot open the files, leave the work to this thread (same digest)', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const tmp = mkdtempSync(join(tmpdir(), 'ewf-ring-dead-'));
  const { img, paths, close } = await openFiles(segmentPaths(join(dir, 'e01-multi')));
  try {
    const dead = join(tmp, 'dead.worker.mjs');
    writeFileSync(dead, 'process.exit(3);\n');
    const d = await digestEwfRing(img.chunks, { paths, threads: 2, sha1: false, workerUrl: new URL(`file://${dead}`) });
    assert.equal(d.md5, img.storedMd5);
    assert.equal(d.unreadableChunks, 0);
    // Another file of another size in place of a segment: the worker refuses to start.
    const other = join(tmp, 'other.bin');
    writeFileSync(other, new Uint8Array(1000));
    const d2 = await digestEwfRing(img.chunks, { paths: [other, ...paths.slice(1)], threads: 1, sha1: false });
    assert.equal(d2.md5, img.storedMd5);
  } finally {
    await close();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('ring: progress climbs to the media size; an abort rejects and the workers are gone', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const { img, close } = await openFiles([join(dir, 'e01', 'disk.E01')]);
  try {
    const seen: number[] = [];
    await verifyEwf(img, { workers: 1, onProgress: (done, total) => { assert.equal(total, img.mediaSize); seen.push(done); } });
    assert.ok(seen.length >= 4, `${seen.length} progress calls`);
    assert.ok(seen.every((x, i) => i === 0 || x > seen[i - 1]!));
    assert.equal(seen.at(-1), img.mediaSize);
    const ac = new AbortController();
    await assert.rejects(verifyEwf(img, { workers: 2, signal: ac.signal, onProgress: () => ac.abort() }), (e: Error) => e.name === 'AbortError');
  } finally {
    await close();
  }
});

test('ring: a crafted media size far beyond the tables stops at the last listed chunk', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const bytes = new Uint8Array(readFileSync(join(dir, 'e01', 'disk.E01')));
  const vol = Buffer.from(bytes.buffer).indexOf('volume\0') + 76;
  new DataView(bytes.buffer).setBigUint64(vol + 16, 1n << 40n, true); // 512 TiB
  await onDisk(bytes, async (p) => {
    const { img, close } = await openFiles([p]);
    try {
      const total = 2 ** 49 / 32768;
      const t = Date.now();
      const v = await verifyEwf(img, { workers: 2 });
      assert.ok(Date.now() - t < 20_000);
      assert.equal(v.actual, `could not read ${total - 1024} of ${total} chunks (first: chunk 1024 at media offset ${1024 * 32768})`);
      assert.ok(img.issues.some((i) => i.message === `verification: chunks 1024-${total - 1} could not be read: chunk 1024 is in no table section (missing or damaged segment)`), JSON.stringify(img.issues));
    } finally {
      await close();
    }
  });
});


test('ring on every corpus E01 (forced: they are small): the digest ewfverify computed', { skip: HAVE_CORPUS ? false : `corpus not found at ${CORPUS}` }, async () => {
  for (const f of CORPUS_E01) {
    const t = readFileSync(join(CORPUS, 'oracles', `${f}.ewfverify.txt`), 'utf8');
    const computed = /MD5 hash calculated over data:\s*([0-9a-f]{32})/.exec(t)![1]!;
    const paths: string[] = [];
    for (let n = 1; n < 1000; n++) {
      const p = n === 1 ? join(CORPUS, f) : segmentFileName(join(CORPUS, f), n);
      if (!p || !existsSync(p)) break;
      paths.push(p);
    }
    const { img, close } = await openFiles(paths);
    try {
      const d = await digestEwfRing(img.chunks, { paths, threads: 2, sha1: false });
      assert.equal(d.md5, computed, f);
      assert.equal(d.unreadableChunks, 0, f);
      assert.equal(d.bytes, img.mediaSize, f);
    } finally {
      await close();
    }
  }
});

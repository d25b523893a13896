/**
 * E01 verification (evidence/containers/verify.ts over formats/ewf/verify.ts): equal to ewfverify on
 * generated images whatever the number of inflate threads; damaged chunks make it "could not read"
 * (never a match) with located issues; checksum mismatches are noted once; abort and progress.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestEwfMedia, inThreadDecoder, openEwf, type EwfImage } from '../../../../electron/formats/ewf/index.js';
import { verifyEwf } from '../../../../electron/evidence/containers/verify.js';
import { InflatePool } from '../../../../electron/evidence/containers/inflate-pool.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { FIXTURE_SKIP, generatedContainers } from './fixtures.js';
import { onDisk } from './on-disk.js';
import { assertChunk130Unreadable } from './damaged-chunk.js';

const HAVE_EWFVERIFY = spawnSync('which', ['ewfverify']).status === 0;
const skip = FIXTURE_SKIP || (HAVE_EWFVERIFY ? false : 'ewfverify not installed');

/** ewfverify's verdict and computed MD5 for a file on disk. */
function ewfverify(path: string): { ok: boolean; computed: string | null } {
  const r = spawnSync('ewfverify', ['-q', path], { encoding: 'utf8' });
  return { ok: /ewfverify: SUCCESS/.test(r.stdout), computed: /MD5 hash calculated over data:\s*([0-9a-f]{32})/.exec(r.stdout)?.[1] ?? null };
}

async function open(files: { name: string; bytes: Uint8Array }[]): Promise<EwfImage> {
  return openEwf(files.map((f) => ({ name: f.name, reader: new BufferReader(f.bytes) })));
}

function segments(dir: string): { name: string; bytes: Uint8Array }[] {
  return readdirSync(dir).sort().map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
}

/** File offset of chunk `i` of a single-segment image (EnCase 6: base + entry). */
function chunkAt(img: EwfImage, i: number): { start: number; compressed: boolean } {
  const g = img.chunks.groups.find((x) => i >= x.firstChunk && i < x.firstChunk + x.entries.length)!;
  const e = g.entries[i - g.firstChunk]!;
  return { start: g.base + (e & 0x7fffffff), compressed: (e & 0x80000000) !== 0 };
}


for (const variant of ['e01', 'e01-multi', 'e01-none', 'e01-ftk', 'e01-linen']) {
  test(`generated ${variant}: verification equals ewfverify with 0, 1 and 3 inflate threads`, { skip }, async () => {
    const dir = generatedContainers();
    const ref = ewfverify(join(dir, variant, 'disk.E01'));
    assert.equal(ref.ok, true);
    const rawMd5 = createHash('md5').update(readFileSync(join(dir, 'disk.raw'))).digest('hex');
    assert.equal(ref.computed, rawMd5);
    for (const workers of [0, 1, 3]) {
      const img = await open(segments(join(dir, variant)));
      const v = await verifyEwf(img, { workers });
      assert.deepEqual(v, { algorithm: 'md5', expected: ref.computed, actual: ref.computed, ok: true }, `${variant} workers=${workers}`);
      assert.equal(img.info['computed MD5'], rawMd5);
      if (img.storedSha1) assert.equal(img.info['SHA-1 verification'], 'ok');
      assert.deepEqual(img.issues, []);
    }
  });
}

test('a damaged compressed chunk that held zeros: "could not read", not a match, located issue', { skip }, async () => {
  const dir = generatedContainers();
  const seed = new Uint8Array(readFileSync(join(dir, 'e01', 'disk.E01')));
  const img0 = await open([{ name: 'disk.E01', bytes: seed }]);
  // Region 2 of the disk (4-8 MiB) is zeros: chunk 130 is all zero bytes, stored compressed.
  const c = chunkAt(img0, 130);
  assert.ok(c.compressed);
  const bad = seed.slice();
  bad.fill(0xff, c.start + 2, c.start + 12); // zlib header intact, deflate data broken
  for (const workers of [0, 1]) {
    const img = await open([{ name: 'disk.E01', bytes: bad }]);
    assertChunk130Unreadable(img, await verifyEwf(img, { workers }), c.start);
  }
  await onDisk(bad, async (p) => assert.equal(ewfverify(p).ok, false, 'ewfverify fails it too'));
});

test('chunk offsets outside the file in table and table2: could not read, with the reason', { skip }, async () => {
  const dir = generatedContainers();
  const bytes = new Uint8Array(readFileSync(join(dir, 'e01', 'disk.E01')));
  const buf = Buffer.from(bytes.buffer);
  const dv = new DataView(bytes.buffer);
  for (const name of ['table\0', 'table2\0']) dv.setUint32(buf.indexOf(name) + 76 + 24 + 300 * 4, 0xfffffff0, true);
  const img = await open([{ name: 'disk.E01', bytes }]);
  const v = await verifyEwf(img, { workers: 1 });
  assert.equal(v.ok, false);
  assert.match(v.actual, /^could not read \d+ of 1024 chunks/);
  assert.ok(img.issues.some((i) => i.offset === 300 * 32768 && /verification: chunk 300 .*could not be read/.test(i.message)), JSON.stringify(img.issues));
  await onDisk(bytes, async (p) => assert.equal(ewfverify(p).ok, false));
});

test('truncated segment files: the missing chunks make one located run, verification could not read', { skip }, async () => {
  const dir = generatedContainers();
  // e01-multi without its last segment files: the tables list fewer chunks than the media has.
  const segs = segments(join(dir, 'e01-multi'));
  const img = await open(segs.slice(0, 3));
  const v = await verifyEwf(img, { workers: 1 });
  assert.equal(v.ok, false);
  const runs = img.issues.filter((i) => i.message.startsWith('verification:'));
  assert.equal(runs.length, 1, JSON.stringify(runs));
  assert.match(runs[0]!.message, /^verification: chunks \d+-1023 could not be read: chunk \d+ is in no table section/);
  // One file cut inside its chunk data: everything from the cut on is unreadable.
  const whole = segments(join(dir, 'e01'))[0]!.bytes;
  const cut = await open([{ name: 'disk.E01', bytes: whole.slice(0, Math.floor(whole.length / 2)) }]);
  const v2 = await verifyEwf(cut, { workers: 0 });
  assert.equal(v2.ok, false);
  assert.match(v2.actual, /^could not read 1024 of 1024 chunks \(first: chunk 0 at media offset 0\)$/);
});

test('a stored chunk with a wrong Adler-32: hashed as stored (as ewfverify), noted once even when read again', { skip }, async () => {
  const dir = generatedContainers();
  const bytes = new Uint8Array(readFileSync(join(dir, 'e01-none', 'disk.E01')));
  const img0 = await open([{ name: 'disk.E01', bytes }]);
  const c = chunkAt(img0, 5);
  assert.equal(c.compressed, false);
  bytes[c.start + 100]! ^= 0x01;
  const ref = await onDisk(bytes, async (p) => ewfverify(p));
  const img = await open([{ name: 'disk.E01', bytes }]);
  const v = await verifyEwf(img, { workers: 1 });
  assert.deepEqual(v, { algorithm: 'md5', expected: img.storedMd5, actual: ref.computed, ok: ref.ok });
  assert.equal(v.ok, false);
  await img.reader.read(5 * 32768, 32768); // the read path decodes chunk 5 again
  assert.deepEqual(img.issues.map((i) => [i.offset, i.message]), [[5 * 32768, `chunk 5 in disk.E01 at ${c.start}: Adler-32 mismatch (data returned as stored)`]]);
});

test('progress climbs to the media size; an abort stops verification and frees the threads', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const files = segments(join(dir, 'e01'));
  const seen: number[] = [];
  const img = await open(files);
  await verifyEwf(img, { workers: 1, onProgress: (done, total) => { assert.equal(total, img.mediaSize); seen.push(done); } });
  assert.ok(seen.length >= 4, `${seen.length} progress calls`);
  assert.ok(seen.every((x, i) => i === 0 || x > seen[i - 1]!));
  assert.equal(seen.at(-1), img.mediaSize);
  const ac = new AbortController();
  const img2 = await open(files);
  await assert.rejects(verifyEwf(img2, { workers: 2, signal: ac.signal, onProgress: () => ac.abort() }), (e: Error) => e.name === 'AbortError');
});

test('a dead inflate thread: its batches are decoded on this thread, the digest is unchanged', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const files = segments(join(dir, 'e01'));
  const tmp = mkdtempSync(join(tmpdir(), 'ewf-dead-worker-'));
  try {
    const dead = join(tmp, 'dead.worker.mjs');
    writeFileSync(dead, "import { parentPort } from 'node:worker_threads';\nparentPort.once('message', () => process.exit(3));\n");
    const img = await open(files);
    const d = await digestEwfMedia(img.chunks, { decoder: new InflatePool(1, new URL(`file://${dead}`)), depth: 3 });
    assert.equal(d.md5, img.storedMd5);
    assert.equal(d.unreadableChunks, 0);
    const img2 = await open(files);
    assert.equal((await digestEwfMedia(img2.chunks, { decoder: inThreadDecoder() })).md5, img.storedMd5);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('a crafted media size far beyond the tables: the unlisted tail is one run, not petabytes of zeros hashed', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const bytes = new Uint8Array(readFileSync(join(dir, 'e01', 'disk.E01')));
  const vol = Buffer.from(bytes.buffer).indexOf('volume\0') + 76;
  new DataView(bytes.buffer).setBigUint64(vol + 16, 1n << 40n, true); // 2^40 sectors = 512 TiB
  const img = await open([{ name: 'disk.E01', bytes }]);
  assert.equal(img.mediaSize, 2 ** 49);
  const total = 2 ** 49 / 32768;
  const t = Date.now();
  const v = await verifyEwf(img, { workers: 0 });
  assert.ok(Date.now() - t < 20_000, 'finishes after the listed chunks');
  assert.equal(v.ok, false);
  assert.equal(v.actual, `could not read ${total - 1024} of ${total} chunks (first: chunk 1024 at media offset ${1024 * 32768})`);
  assert.equal(img.info['computed MD5 (unreadable chunks as zeros)'], undefined, 'no digest of a media not hashed whole');
  assert.ok(img.issues.some((i) => i.message === `verification: chunks 1024-${total - 1} could not be read: chunk 1024 is in no table section (missing or damaged segment)`), JSON.stringify(img.issues));
});

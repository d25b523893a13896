/**
 * Archive members hashed on worker threads: the archive password reaches the workers (ZipCrypto and
 * WinZip AES, incl. a Velociraptor protected container), the workers' direct readers (pread for
 * stored members, one-shot inflate for small deflated ones) give the bytes the general readers give,
 * and a lying member is still stopped there.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { EvidenceRef } from '../../../electron/common/evidence-ref.js';
import { setArchiveOptions } from '../../../electron/evidence/archive-options.js';
import { detectEvidence } from '../../../electron/evidence/detect.js';
import { openArchiveEvidence, type CollectionEvidence } from '../../../electron/evidence/loaders/archive.js';
import { walkFiles } from '../../../electron/evidence/loaders/collection.js';
import { Engine } from '../../../electron/engine/engine.js';
import { HashPool } from '../../../electron/hashing/index.js';
import { readAll } from '../../../electron/io/reader.js';
import { collections, repoRoot } from '../evidence/collections/fixture.js';

const haveCrypto = spawnSync('python3', ['-c', 'import cryptography'], { encoding: 'utf8' }).status === 0;
let dir = '';
const pool = new HashPool({ workers: 2 });
before(() => {
  dir = collections();
  if (haveCrypto) {
    const r = spawnSync('python3', [join(repoRoot(), 'test/fixtures/collections/make-aes-zip.py'), '--velociraptor', join(dir, 'vr-win-aes.zip'), 'hello-vr', join(dir, 'vr-win.zip')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  }
});
after(async () => {
  setArchiveOptions({ password: undefined });
  await pool.close();
});

async function open(name: string): Promise<CollectionEvidence> {
  const p = join(dir, name);
  return openArchiveEvidence(p, 'E1', await detectEvidence(p));
}

/** Every file of every host: its ref and the SHA-256 of the bytes this thread reads. */
async function mainThreadDigests(ev: CollectionEvidence): Promise<{ ref: EvidenceRef; sha256: string }[]> {
  const out = [];
  for (const h of ev.hosts) {
    for await (const e of walkFiles(h.fs)) {
      const r = await h.fs.open(e.path);
      out.push({ ref: { evidenceId: 'E1', path: e.path, chain: h.fs.layersFor(e.path) }, sha256: createHash('sha256').update(await readAll(r, 1 << 26)).digest('hex') });
      await r.close();
    }
  }
  return out;
}

async function sameInWorkers(files: { ref: EvidenceRef; sha256: string }[]): Promise<void> {
  const res = await pool.hashAll(files.map((f) => ({ ref: f.ref, algorithms: ['sha256'] })));
  res.forEach((r, i) => {
    assert.equal(r.error, undefined, `${files[i]!.ref.path}: ${r.error}`);
    assert.equal(r.sha256, files[i]!.sha256, files[i]!.ref.path);
  });
}

test('plain stored and deflated members: the workers\' direct readers hash what the general readers read', async () => {
  for (const name of ['plain-win.zip', 'fleet.zip', 'uac-mac.tar.gz']) {
    const ev = await open(name);
    const files = await mainThreadDigests(ev);
    assert.ok(files.length > 5, `${name}: ${files.length} files`);
    await sameInWorkers(files);
    await ev.close();
  }
});

test('a member that inflates past its declared size is an error in the worker too; its neighbour hashes', async () => {
  const ev = await open('lying-size.zip');
  const refs = ['/liar.bin', '/ok.txt'].map((p) => ({ ref: { evidenceId: 'E1', path: p, chain: ev.hosts[0]!.fs.layersFor(p) }, algorithms: ['sha256' as const] }));
  const [liar, ok] = await pool.hashAll(refs);
  assert.match(liar!.error ?? '', /liar\.bin inflates beyond its declared 1000 bytes/);
  assert.equal(ok!.error, undefined);
  await ev.close();
});

test('ZipCrypto: --password reaches the hash workers; without it every member is a named error', async () => {
  setArchiveOptions({ password: 'infected' });
  const ev = await open('vr-win-password.zip');
  const files = await mainThreadDigests(ev);
  assert.ok(files.length > 10);
  await sameInWorkers(files);
  setArchiveOptions({ password: undefined });
  const res = await pool.hashAll(files.slice(0, 3).map((f) => ({ ref: f.ref, algorithms: ['sha256'] })));
  for (const r of res) assert.match(r.error ?? '', /password-protected \(ZipCrypto\).*--password/);
  await ev.close();
});

test('Velociraptor protected container (AES-256 data.zip): opens, hashes in workers; a wrong password is a named error and the scan goes on', { skip: !haveCrypto && 'python3 cryptography module not installed' }, async () => {
  setArchiveOptions({ password: 'hello-vr' });
  try {
    const ev = await open('vr-win-aes.zip');
    assert.equal(ev.item.layout, 'velociraptor');
    assert.deepEqual(ev.hosts.map((h) => h.label), ['WIN-3CX-01']);
    const files = await mainThreadDigests(ev);
    const unprotected = await open('vr-win.zip');
    const plain = await mainThreadDigests(unprotected);
    await unprotected.close();
    assert.deepEqual(files.map((f) => f.sha256).sort(), plain.map((f) => f.sha256).sort());
    await sameInWorkers(files);
    await ev.close();
  } finally {
    setArchiveOptions({ password: undefined });
  }
  const res = await new Engine({ workers: 1, archivePassword: 'wrong' }).scan([join(dir, 'vr-win-aes.zip'), join(dir, 'vr-mac.zip')]);
  setArchiveOptions({ password: undefined });
  assert.ok(res.evidence[0]!.errors.some((e) => e.path.includes('data.zip') && /wrong password for AES-encrypted member data\.zip/.test(e.message)), JSON.stringify(res.evidence[0]!.errors));
  const mac = res.hosts.find((h) => h.evidence[0] === 'E2');
  assert.equal(mac?.os, 'macos');
  assert.equal(mac?.verdict, 'compromised');
});

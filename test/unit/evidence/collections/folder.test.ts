/**
 * A folder of collection archives dropped as one evidence item: one host per collection, named
 * from each collector's metadata, each with its own verdict; descriptors bounded by a HandlePool.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectionArchives } from '../../../../electron/evidence/loaders/collection-folder.js';
import { HandlePool } from '../../../../electron/evidence/loaders/handle-pool.js';
import { openEvidence } from '../../../../electron/evidence/open.js';
import '../../../../electron/evidence/loaders/index.js';
import { Engine } from '../../../../electron/engine/engine.js';
import { readAll, type Reader } from '../../../../electron/io/reader.js';
import { collections, repoRoot } from './fixture.js';

let folder = '';
before(() => {
  const dir = collections();
  folder = mkdtempSync(join(tmpdir(), '3cx-fleet-folder-'));
  // Four collectors' layouts, three host names, a clean host zipped as a plain tree, and the
  // collector's sidecar log (which must not make the folder look like a live folder).
  for (const n of ['vr-win.zip', 'vr-mac.zip', 'kape-win.zip', 'uac-mac.tar.gz']) copyFileSync(join(dir, n), join(folder, n));
  writeFileSync(join(folder, 'vr-win.log'), 'Container hash 0000\n');
  const hosts = mkdtempSync(join(tmpdir(), '3cx-clean-'));
  const r = spawnSync('bash', [join(repoRoot(), 'test/fixtures/make-hosts.sh'), hosts, 'win-clean'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const z = spawnSync('zip', ['-q', '-r', '-X', join(folder, 'WS-CLEAN.zip'), 'win-clean'], { cwd: hosts, encoding: 'utf8' });
  if (z.status !== 0) throw new Error(z.stderr);
});

test('detection: a folder mostly of archives is a collection folder; a live tree with a stray ZIP is not', async () => {
  const found = await collectionArchives(folder);
  assert.deepEqual(found?.map((a) => [a.name, a.kind]), [['WS-CLEAN.zip', 'zip'], ['kape-win.zip', 'zip'], ['uac-mac.tar.gz', 'tgz'], ['vr-mac.zip', 'zip'], ['vr-win.zip', 'zip']]);
  const live = mkdtempSync(join(tmpdir(), '3cx-live-'));
  for (const d of ['Windows', 'Users', 'ProgramData']) mkdirSync(join(live, d));
  copyFileSync(join(folder, 'vr-win.zip'), join(live, 'stray.zip'));
  assert.equal(await collectionArchives(live), null);
  const ev = await openEvidence(live, 'E1');
  assert.equal(ev.item.layout, 'plain');
  assert.equal(ev.hosts.length, 1);
  await ev.close();
});

test('each collection is a host named from its own metadata; member bytes read back', async () => {
  const ev = await openEvidence(folder, 'E1');
  try {
    assert.equal(ev.item.kind, 'folder');
    assert.equal(ev.item.layout, 'mixed');
    const labels = ev.hosts.map((h) => h.label).sort();
    assert.deepEqual(labels, ['MAC-3CX-01', 'WIN-3CX-01', 'kape-win', 'mac-3cx-01', 'win-clean']);
    const vr = ev.hosts.find((h) => h.label === 'WIN-3CX-01')!;
    assert.ok(vr.notes?.includes('collection archive vr-win.zip'));
    const dll = '/Users/alice/AppData/Local/Programs/3CXDesktopApp/app/ffmpeg.dll';
    const r = await vr.fs.open(dll);
    assert.equal((await readAll(r, 1 << 24)).length, r.size);
    assert.deepEqual(vr.fs.layersFor(dll)[0], { kind: 'archive', locator: join(folder, 'vr-win.zip') });
  } finally {
    await ev.close();
  }
});

test('the scan lists every collected host with its own verdict', async () => {
  const res = await new Engine({ workers: 1 }).scan([folder]);
  const byName = Object.fromEntries(res.hosts.map((h) => [h.name, h.verdict]));
  assert.equal(res.hosts.length, 5, JSON.stringify(byName));
  assert.equal(byName['win-clean'], 'clean');
  assert.equal(byName['WIN-3CX-01'], 'compromised');
  assert.equal(byName['kape-win'], 'compromised');
  assert.ok(res.hosts.every((h) => h.evidence[0] === 'E1'));
});

test('HandlePool keeps at most maxOpen descriptors while many files are read, re-opening as needed', async () => {
  const dir = mkdtempSync(join(tmpdir(), '3cx-pool-'));
  const pool = new HandlePool(2);
  const readers: Reader[] = [];
  for (let i = 0; i < 6; i++) {
    writeFileSync(join(dir, `f${i}`), Buffer.alloc(1000, i));
    readers.push(await pool.reader(join(dir, `f${i}`)));
  }
  let peak = 0;
  await Promise.all([0, 1, 2].flatMap(() => readers.map(async (r, i) => {
    const b = await r.read(10, 20);
    peak = Math.max(peak, pool.openCount);
    assert.ok(b.every((x) => x === i));
  })));
  assert.ok(peak <= 2, `peak ${peak}`);
  writeFileSync(join(dir, 'f0'), Buffer.alloc(10));
  for (const r of readers.slice(1)) await r.read(0, 1); // push f0 out of the pool
  await assert.rejects(readers[0]!.read(0, 1), /changed since it was opened/);
  await pool.close();
});

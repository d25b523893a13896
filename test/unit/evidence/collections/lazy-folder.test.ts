/**
 * A fleet response as one evidence item (issue #6): a folder of 30 KAPE collection ZIPs
 * (test/fixtures/fleet/make-kape-fleet.py). Every archive must come out as one host with its
 * scenario's verdict, in name order, while at most as many archives are read in full as hosts are
 * scanned at once; ls/cat through the folder view read hosts on demand and keep only a few open.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../../../electron/engine/engine.js';
import { EvidenceView } from '../../../../electron/engine/evidence-view.js';
import { archiveSessionStats } from '../../../../electron/evidence/loaders/archive-sessions.js';
import { openEvidence } from '../../../../electron/evidence/open.js';
import '../../../../electron/evidence/loaders/index.js';
import { readAll } from '../../../../electron/io/reader.js';
import { repoRoot } from './fixture.js';

const N = 30;
const FILES = 300;
const APP_DIR = 'AppData/Local/Programs/3CXDesktopApp/app';
interface Row { name: string; scenario: string; verdict: string }

const hasMingw = existsSync('/usr/bin/x86_64-w64-mingw32-gcc');

describe('a folder of 30 KAPE collection ZIPs', { skip: hasMingw ? false : 'mingw-w64 not installed: cannot build PE fixtures' }, () => {
  let dir = '';
  let folder = '';
  let rows: Row[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), '3cx-kape-fleet-'));
    const r = spawnSync('python3', [join(repoRoot(), 'test/fixtures/fleet/make-kape-fleet.py'), dir, '--zips', String(N), '--files', String(FILES)], { encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) throw new Error(`make-kape-fleet.py failed: ${r.stderr}`);
    rows = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { zips: Row[] }).zips;
    folder = join(dir, 'zips');
  });

  test('the first look lists one lazy host per archive, named, without holding any archive open', async () => {
    const before = archiveSessionStats.open;
    const ev = await openEvidence(folder, 'E1');
    try {
      assert.equal(ev.item.layout, 'kape');
      assert.deepEqual(ev.hosts.map((h) => h.label), rows.map((r) => r.name));
      assert.ok(ev.hosts.every((h) => typeof h.open === 'function' && typeof h.release === 'function'));
      assert.equal(archiveSessionStats.open, before, 'no archive is read in full until a host is used');
      // open() gives the full host; release() lets it go at once.
      const h = ev.hosts[0]!;
      const full = await h.open!();
      assert.equal(archiveSessionStats.open, before + 1);
      assert.equal(full.osHint, 'windows');
      assert.ok(full.coverage?.some((c) => c.startsWith('holds: 3CX app folder')), JSON.stringify(full.coverage));
      assert.equal(full.extraViews?.length, 1, 'VSS1 is an earlier state of the host');
      assert.ok((full.collectorHashes?.() ?? []).length > FILES, 'copy-log hashes come with the full read');
      assert.deepEqual(full.errors, []);
      await h.release!();
      assert.equal(archiveSessionStats.open, before);
    } finally {
      await ev.close();
    }
  });

  test('the scan: one host per archive with its verdict, in order, at most two archives read at once', { timeout: 300_000 }, async () => {
    archiveSessionStats.peak = archiveSessionStats.open;
    const res = await new Engine({ workers: 1 }).scan([folder]);
    assert.deepEqual(res.errors, []);
    assert.equal(res.hosts.length, N);
    res.hosts.forEach((h, i) => {
      assert.equal(h.name, rows[i]!.name, `host ${i + 1}`);
      assert.equal(h.verdict, rows[i]!.verdict, `${h.name} (${rows[i]!.scenario}): ${h.verdictReason}`);
      assert.equal(h.os, 'windows');
      assert.deepEqual(h.evidence, ['E1']);
    });
    assert.ok(archiveSessionStats.peak <= 2, `${archiveSessionStats.peak} archives read in full at once (2 hosts scanned at once)`);
    assert.equal(archiveSessionStats.open, 0, 'every archive is closed after the scan');
  });

  test('ls and cat through the folder view open hosts on demand and keep only a few open', async () => {
    const view = await EvidenceView.open(folder);
    try {
      const top = await view.list('/');
      assert.deepEqual(top.map((e) => e.path), rows.map((r) => `/${r.name}`));
      let peak = 0;
      for (const r of rows) {
        // Where the scenario keeps its 3CX ffmpeg.dll (a user's app folder), if it has one.
        const base = join(dir, '.base', r.scenario);
        const rel = (readdirSync(base, { recursive: true }) as string[]).find((p) => p.endsWith(`${APP_DIR}/ffmpeg.dll`));
        if (!rel) {
          await assert.rejects(view.list(`/${r.name}/Users/alice/${APP_DIR}`), /no such folder/, `${r.name}: no 3CX app`);
          continue;
        }
        const app = await view.list(`/${r.name}/${rel.slice(0, -'/ffmpeg.dll'.length)}`);
        peak = Math.max(peak, archiveSessionStats.open);
        const dll = `/${r.name}/${rel}`;
        assert.ok(app.some((e) => e.path === dll), `${r.name}: ${app.map((e) => e.path).join(', ')}`);
        // cat: the member's bytes are the host file's bytes.
        const at = view.locate(dll)!;
        const src = await at.fs.open(at.inner);
        const got = await readAll(src, 1 << 24);
        await src.close();
        assert.deepEqual(Buffer.from(got), readFileSync(join(base, rel)), r.name);
        // hash: a member's citation names its archive (read while the host is open).
        assert.deepEqual(at.fs.layersFor(at.inner)[0], { kind: 'archive', locator: join(folder, `${r.name}.zip`) });
      }
      assert.ok(peak <= 3, `${peak} archives open at once while listing 30 hosts`);
      const st = await view.stat(`/${rows[5]!.name}/Windows/servicing/Packages/d000/pkg-00007.mum`);
      assert.equal(st?.size, '<pkg 7/>'.length);
    } finally {
      await view.close();
    }
    assert.equal(archiveSessionStats.open, 0, 'closing the view closes every archive');
  });

  test('an archive that cannot be read is reported and the others still scan', { timeout: 300_000 }, async () => {
    const broken = mkdtempSync(join(tmpdir(), '3cx-kape-fleet-broken-'));
    for (const r of rows.slice(0, 3)) copyFileSync(join(folder, `${r.name}.zip`), join(broken, `${r.name}.zip`));
    // A ZIP whose central directory is cut off and a file that only claims to be a ZIP.
    const whole = readFileSync(join(folder, `${rows[3]!.name}.zip`));
    writeFileSync(join(broken, 'cut.zip'), whole.subarray(0, whole.length - 2000));
    writeFileSync(join(broken, 'fake.zip'), Buffer.from('PK\x03\x04 this is not a zip archive'));
    appendFileSync(join(broken, 'fake.zip'), Buffer.alloc(100));
    const res = await new Engine({ workers: 1 }).scan([broken]);
    const names = res.hosts.map((h) => h.name);
    for (const r of rows.slice(0, 3)) assert.ok(names.includes(r.name), names.join(', '));
    assert.ok(res.errors.some((e) => e.path.startsWith('/fake.zip')), JSON.stringify(res.errors));
    assert.equal(archiveSessionStats.open, 0);
  });
});

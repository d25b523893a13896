// The prefetch plugin over a temp Windows tree: the synthetic 3CX fixtures (make-pf.py, checked
// with sccainfo) plus real corpus prefetch files copied in at test time (never into the repo).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderFilesystem } from '../../../../electron/evidence/filesystems/folder.js';
import { FsTarget } from '../../../../electron/evidence/target.js';
import { runPlugins } from '../../../../electron/artefacts/runner.js';
import { windowsPrefetch, loadedRole } from '../../../../electron/artefacts/windows/prefetch.js';
import type { PrefetchCoverageRecord, PrefetchRecord } from '../../../../electron/artefacts/windows/prefetch-records.js';
import { fixture, FIXTURE_NAMES } from '../../formats/prefetch/fixtures.js';
import { CORPUS, HAVE_CORPUS } from '../../../helpers/corpus.js';

const REAL = 'Prefetch/Prefetch.Test/TestFiles/Win10';

async function scan(setup: (pfDir: string) => void) {
  const root = mkdtempSync(join(tmpdir(), 'pf-plugin-'));
  try {
    mkdirSync(join(root, 'Windows', 'System32'), { recursive: true });
    mkdirSync(join(root, 'Users', 'Alice'), { recursive: true });
    const pfDir = join(root, 'Windows', 'Prefetch');
    mkdirSync(pfDir);
    setup(pfDir);
    const target = await FsTarget.create('E1', await FolderFilesystem.open(root));
    const out = await runPlugins(target, [windowsPrefetch]);
    const records = out.records as unknown as (PrefetchRecord | PrefetchCoverageRecord)[];
    return {
      out,
      prefetch: records.filter((r): r is PrefetchRecord => r.type === 'prefetch'),
      coverage: records.filter((r): r is PrefetchCoverageRecord => r.type === 'prefetch-coverage'),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('3CXDesktopApp.exe prefetch proves execution and the ffmpeg.dll / d3dcompiler_47.dll loads', async () => {
  const { out, prefetch, coverage } = await scan((d) => {
    for (const n of FIXTURE_NAMES) writeFileSync(join(d, n), fixture(n));
  });
  assert.deepEqual(out.failed, []);
  assert.deepEqual(out.issues, []);
  assert.equal(prefetch.length, 3);
  const app = prefetch.find((r) => r.subject === '3cx-app')!;
  assert.equal(app.executable, '3CXDESKTOPAPP.EXE');
  assert.equal(app.prefetchHash, '981FA834');
  assert.equal(app.runCount, 7);
  assert.equal(app.lastRuns[0], '2023-03-25T06:40:00.000Z');
  assert.equal(app.lastRuns.length, 4);
  assert.equal(app.loadsFfmpeg, true);
  assert.equal(app.loadsD3dcompiler, true);
  assert.equal(app.user, 'Alice');
  assert.equal(app.compressed, true);
  const vol = '\\VOLUME{01d756a1b2c3d4e5-9c1f3a5b}\\USERS\\ALICE\\APPDATA\\LOCAL\\PROGRAMS\\3CXDESKTOPAPP\\APP';
  assert.deepEqual(app.loaded.map((l) => [l.role, l.path]), [
    ['app-exe', `${vol}\\3CXDESKTOPAPP.EXE`],
    ['ffmpeg', `${vol}\\FFMPEG.DLL`],
    ['d3dcompiler', `${vol}\\D3DCOMPILER_47.DLL`],
    ['other-3cx', `${vol}\\RESOURCES\\APP.ASAR`],
  ]);
  assert.equal(app.executablePath, `${vol}\\3CXDESKTOPAPP.EXE`);
  assert.deepEqual(app.volumes, [{ devicePath: '\\VOLUME{01d756a1b2c3d4e5-9c1f3a5b}', serial: '9C1F3A5B', created: '2021-05-29T22:13:20.000Z' }]);
  assert.equal(app.ref.path, '/Windows/Prefetch/3CXDESKTOPAPP.EXE-981FA834.pf');
  assert.deepEqual(app.ref.parser, { id: 'windows.prefetch', version: '1' });
  assert.equal(app.ref.within?.offset, 128);
  assert.equal(app.ref.within?.length, 64);
  assert.match(app.ref.within?.key ?? '', /decompressed/);
  assert.deepEqual(app.notes, []);

  const upd = prefetch.find((r) => r.subject === '3cx-updater')!;
  assert.equal(upd.loadsFfmpeg, false);
  assert.equal(upd.compressed, false);
  assert.equal(upd.ref.within?.key, 'last run times');
  assert.ok(upd.loaded.some((l) => l.role === 'update-nupkg'));
  const msi = prefetch.find((r) => r.subject === '3cx-msi-install')!;
  assert.equal(msi.formatVersion, 26);
  assert.deepEqual(msi.loaded.map((l) => l.role), ['installer-msi']);
  assert.equal(msi.user, 'Alice');
  assert.deepEqual(coverage, [{ type: 'prefetch-coverage', platform: 'windows', state: 'examined', seen: 3, parsed: 3, failed: 0, detail: '3 prefetch file(s) in /Windows/Prefetch; 3 candidate(s) parsed' }]);
});

test('real corpus prefetch files: unrelated ones are skipped, impostors and damage are reported', { skip: HAVE_CORPUS ? false : `corpus not found at ${CORPUS}` }, async () => {
  const { out, prefetch, coverage } = await scan((d) => {
    for (const n of ['CALC.EXE-3FBEF7FD.pf', 'CHROME.EXE-B3BA7868.pf', 'CMD.EXE-D269B812.pf']) copyFileSync(join(CORPUS, REAL, n), join(d, n));
    // a real Windows 10 (MAM) file under a 3CX name: parsed, flagged, no DLL claims
    copyFileSync(join(CORPUS, REAL, 'CMD.EXE-D269B812.pf'), join(d, '3CXDESKTOPAPP.EXE-D269B812.pf'));
    // a real UPDATE.EXE-named file whose list never touches 3CX: not a 3CX record
    copyFileSync(join(CORPUS, REAL, 'CALC.EXE-3FBEF7FD.pf'), join(d, 'UPDATE.EXE-3FBEF7FD.pf'));
    // MSIEXEC without a 3CX MSI: not a record
    copyFileSync(join(CORPUS, 'plaso/test_data/winprefetch/NOTEPAD.EXE-D8414F97.pf'), join(d, 'MSIEXEC.EXE-D8414F97.pf'));
    // damaged: the corpus' negative sample
    copyFileSync(join(CORPUS, 'Prefetch/Prefetch.Test/TestFiles/Bad/notAPrefetch.pf'), join(d, '3CXDESKTOPAPP.EXE-00000000.pf'));
    writeFileSync(join(d, 'Layout.ini'), 'x');
  });
  assert.deepEqual(out.failed, []);
  assert.equal(prefetch.length, 1);
  const r = prefetch[0]!;
  assert.equal(r.subject, '3cx-app');
  assert.equal(r.executable, 'CMD.EXE');
  assert.equal(r.runCount, 55);
  assert.equal(r.lastRuns.length, 8);
  assert.equal(r.loadsFfmpeg, false);
  assert.equal(r.loadsD3dcompiler, false);
  assert.deepEqual(r.notes, ['file name says 3CXDESKTOPAPP.EXE, header says CMD.EXE']);
  assert.equal(out.issues.length, 1);
  assert.equal(out.issues[0]!.code, 'bad-signature');
  assert.equal(out.issues[0]!.evidence.path, '/Windows/Prefetch/3CXDESKTOPAPP.EXE-00000000.pf');
  assert.equal(coverage[0]!.seen, 7);
  assert.equal(coverage[0]!.parsed, 3);
  assert.equal(coverage[0]!.failed, 1);
  assert.ok(existsSync(join(CORPUS, REAL)), 'corpus files were read in place and copied only to a temp dir');
});

test('no Prefetch folder is coverage, not failure', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pf-plugin-'));
  try {
    mkdirSync(join(root, 'Windows', 'System32'), { recursive: true });
    const target = await FsTarget.create('E1', await FolderFilesystem.open(root));
    const out = await runPlugins(target, [windowsPrefetch]);
    assert.deepEqual(out.ran, ['windows.prefetch']);
    assert.equal((out.records[0] as unknown as PrefetchCoverageRecord).state, 'absent');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('loaded-file roles: only the app folder counts for ffmpeg.dll', () => {
  assert.equal(loadedRole('\\VOLUME{x}\\USERS\\A\\APPDATA\\LOCAL\\PROGRAMS\\3CXDESKTOPAPP\\APP-18.12.416\\FFMPEG.DLL')?.role, 'ffmpeg');
  assert.equal(loadedRole('\\VOLUME{x}\\PROGRAM FILES\\VLC\\FFMPEG.DLL'), null);
  assert.deepEqual(loadedRole('\\VOLUME{x}\\WINDOWS\\SYSTEM32\\D3DCOMPILER_47.DLL'), { path: '\\VOLUME{x}\\WINDOWS\\SYSTEM32\\D3DCOMPILER_47.DLL', role: 'd3dcompiler', inAppFolder: false });
  assert.equal(loadedRole('\\VOLUME{x}\\USERS\\A\\DOWNLOADS\\3CXDesktopApp-18.12.416.msi')?.role, 'installer-msi');
  assert.equal(loadedRole('\\VOLUME{x}\\WINDOWS\\SYSTEM32\\NTDLL.DLL'), null);
});

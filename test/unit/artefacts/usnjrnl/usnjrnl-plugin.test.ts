// The USN journal plugin over a temp Windows tree holding the synthetic journal (make-usn.py) at
// /$Extend/$UsnJrnl:$J. The folder file system's ids are inode numbers, so a thin wrapper gives the
// profile folders the NTFS `entry-sequence` ids the journal names (as an NTFS volume would).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileEntry, Filesystem } from '../../../../electron/common/vfs.js';
import { FolderFilesystem } from '../../../../electron/evidence/filesystems/folder.js';
import { FsTarget } from '../../../../electron/evidence/target.js';
import { runPlugins } from '../../../../electron/artefacts/runner.js';
import { classifyUsnName, usnAction, windowsUsnJournal } from '../../../../electron/artefacts/windows/usnjrnl.js';
import type { UsnCoverageRecord, UsnJournalRecord } from '../../../../electron/artefacts/windows/usnjrnl-records.js';
import { usnFixtures } from '../../formats/usnjrnl/fixtures.js';

const IDS: Record<string, string> = {
  '/Users/alice/AppData/Local/Programs': '304-1',
  '/Users/alice/Downloads': '305-1',
  '/Windows/System32': '400-1',
};

function withIds(fs: Filesystem): Filesystem {
  const fix = (e: FileEntry): FileEntry => (IDS[e.path] ? { ...e, id: IDS[e.path] } : e);
  return new Proxy(fs, {
    get(target, prop, recv) {
      if (prop === 'stat') return async (p: string) => { const e = await target.stat(p); return e && fix(e); };
      if (prop === 'readdir') return async (p: string) => (await target.readdir(p)).map(fix);
      const v = Reflect.get(target, prop, recv) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

async function scan(withJournal: boolean): Promise<{ usn: UsnJournalRecord[]; cov: UsnCoverageRecord[]; issues: number }> {
  const root = mkdtempSync(join(tmpdir(), 'usn-host-'));
  try {
    for (const d of ['Windows/System32', 'Users/alice/AppData/Local/Programs', 'Users/alice/Downloads', '$Extend']) mkdirSync(join(root, d), { recursive: true });
    if (withJournal) copyFileSync(join(usnFixtures(), 'synthetic.usn'), join(root, '$Extend', '$UsnJrnl:$J'));
    const target = await FsTarget.create('E1', withIds(await FolderFilesystem.open(root)));
    const out = await runPlugins(target, [windowsUsnJournal]);
    assert.deepEqual(out.failed, []);
    const recs = out.records as unknown as { type: string }[];
    return {
      usn: recs.filter((r) => r.type === 'usn') as unknown as UsnJournalRecord[],
      cov: recs.filter((r) => r.type === 'usn-coverage') as unknown as UsnCoverageRecord[],
      issues: out.issues.length,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('3CX story from the journal: delivery, install, loader run, removal, follow-on, with full paths', async () => {
  const { usn, cov, issues } = await scan(true);
  const APP = '/Users/alice/AppData/Local/Programs/3CXDesktopApp/app';
  const line = (r: UsnJournalRecord) => `${r.time} ${r.action} ${r.subject} ${r.path}`;
  assert.deepEqual(usn.map(line), [
    '2023-03-22T10:00:00.000Z created installer-msi /Users/alice/Downloads/3CXDesktopApp-18.12.416.msi',
    '2023-03-22T10:00:05.000Z created installer-msi /Users/alice/Downloads/3CXDesktopApp-18.12.416.msi',
    '2023-03-22T10:01:00.000Z created app-folder /Users/alice/AppData/Local/Programs/3CXDesktopApp',
    `2023-03-22T10:01:01.000Z created app-folder ${APP}`,
    `2023-03-22T10:01:02.000Z created ffmpeg ${APP}/ffmpeg.dll`,
    `2023-03-22T10:01:03.000Z created d3dcompiler ${APP}/d3dcompiler_47.dll`,
    `2023-03-22T10:01:04.000Z created app-exe ${APP}/3CXDesktopApp.exe`,
    '2023-03-22T10:01:05.000Z created updater /Users/alice/AppData/Local/Programs/3CXDesktopApp/Update.exe',
    `2023-03-22T10:05:00.000Z created timer-manifest ${APP}/manifest`,
    `2023-03-22T10:05:00.000Z created timer-manifest ${APP}/manifest`,
    '2023-04-01T03:00:00.000Z created second-stage /Windows/System32/wlbsctrl.dll',
    // The folder was still called `app` when ffmpeg.dll was deleted (renamed a minute later).
    `2023-03-31T12:00:00.000Z deleted ffmpeg ${APP}/ffmpeg.dll`,
    `2023-03-31T12:01:00.000Z renamed-from app-folder ${APP}`,
    '2023-03-31T12:01:00.000Z renamed-to app-folder /Users/alice/AppData/Local/Programs/3CXDesktopApp/app-18.12.416',
    '2023-04-02T03:00:00.000Z created second-stage /Windows/System32/guard64.dll',
  ]);
  assert.ok(usn.every((r) => r.pathResolved));
  const ff = usn[4]!;
  assert.equal(ff.user, 'alice');
  assert.equal(ff.in3cxFolder, true);
  assert.equal(ff.fileRef, '1002-2');
  assert.equal(ff.parentRef, '1001-3');
  assert.deepEqual(ff.ref.within, { offset: 400, length: 80 });
  assert.equal(ff.ref.path, '/$Extend/$UsnJrnl:$J');
  assert.equal(usn.find((r) => r.name === 'manifest')!.majorVersion, 3);
  assert.match(usn.find((r) => r.name === 'guard64.dll')!.rule!, /weak/);
  assert.equal(cov.length, 1);
  assert.equal(cov[0]!.state, 'examined');
  assert.equal(cov[0]!.records, 19);
  assert.equal(cov[0]!.matched, 15);
  assert.equal(cov[0]!.firstTime, '2023-03-22T10:00:00.000Z');
  assert.equal(cov[0]!.lastTime, '2023-04-02T03:00:00.000Z');
  assert.equal(issues, 3, 'straddler, its tail and the planted garbage');
});

test('no journal: coverage says absent, nothing else', async () => {
  const { usn, cov } = await scan(false);
  assert.equal(usn.length, 0);
  assert.deepEqual(cov.map((c) => c.state), ['absent']);
});

test('common Electron names count only inside a 3CX folder; unresolved System32 names still count', () => {
  assert.equal(classifyUsnName('ffmpeg.dll', '/Users/a/AppData/Local/Discord/app-1.0/ffmpeg.dll', true), null);
  assert.equal(classifyUsnName('Update.exe', '/Users/a/AppData/Local/Discord/Update.exe', true), null);
  assert.equal(classifyUsnName('manifest', '?77-1/manifest', false), null);
  assert.deepEqual(classifyUsnName('ffmpeg.dll', '?99-1/3CXDesktopApp/app/ffmpeg.dll', false), { subject: 'ffmpeg' });
  assert.equal(classifyUsnName('wlbsctrl.dll', '/Users/a/wlbsctrl.dll', true), null);
  assert.equal(classifyUsnName('wlbsctrl.dll', '?400-1/wlbsctrl.dll', false)!.subject, 'second-stage');
  assert.deepEqual(classifyUsnName('3CXDesktopApp', '/Users/a/AppData/Roaming/3CXDesktopApp', true), { subject: 'app-data-folder' });
  assert.equal(usnAction(0x80000102), 'created');
  assert.equal(usnAction(0x80000200), 'deleted');
  assert.equal(usnAction(0x80000001), 'modified');
});

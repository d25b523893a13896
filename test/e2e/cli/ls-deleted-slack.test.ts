// `ls --deleted` on a volume whose indexes keep deleted names in their slack (make-ntfs-slack.sh):
// ffmpeg.dll of an uninstalled 3CX app, whose MFT record is gone, is listed as a deleted name with
// its $FILE_NAME times and inode 0 as fls shows it; plain `ls` hides it; the whole recursive
// deleted listing holds every name fls marks deleted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { runCli } from '../../helpers/cli.js';
import { generatedSkipReason, generatedSlackImage } from '../../unit/formats/ntfs/generated.js';
import { flsDeleted } from '../../unit/formats/ntfs/tsk.js';

const skip = generatedSkipReason() ?? (spawnSync('fls', ['-V']).status === 0 ? false : 'sleuthkit not installed');
const APP = '/vol1/Users/alice/AppData/Local/Programs/3CXDesktopApp/app';

interface Row { path: string; type: string; size: number; id: string | null; created: string | null; deleted: boolean }
const rows = (out: string): Row[] => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);

test('ls --deleted lists names recovered from index slack; ls alone hides them', { skip }, () => {
  const img = generatedSlackImage()!;
  const one = runCli(['ls', img, APP, '--deleted', '--json']);
  assert.equal(one.status, 0, one.stderr);
  const ffmpeg = rows(one.stdout).find((r) => r.path === `${APP}/ffmpeg.dll`);
  assert.deepEqual(ffmpeg && { ...ffmpeg, changed: undefined, modified: undefined, accessed: undefined }, {
    path: `${APP}/ffmpeg.dll`, type: 'file', size: 0, id: '0-0', created: '2019-04-17T18:40:01.000Z', deleted: true, changed: undefined, modified: undefined, accessed: undefined,
  });
  assert.deepEqual(rows(runCli(['ls', img, APP, '--json']).stdout).map((r) => r.path), [`${APP}/3CXDesktopApp.exe`]);
  const text = runCli(['ls', img, APP, '--deleted']).stdout;
  assert.match(text, /\t0-0\t\/vol1\/Users\/alice\/AppData\/Local\/Programs\/3CXDesktopApp\/app\/ffmpeg\.dll \(deleted\)\n/);

  const all = runCli(['ls', img, '/', '--recursive', '--deleted', '--json']);
  assert.equal(all.status, 0, all.stderr);
  const ours = new Set(rows(all.stdout).filter((r) => r.deleted).map((r) => `${r.path.slice('/vol1/'.length)}\t${(r.id ?? '').split('-')[0]}`));
  const { deleted, nameOnly } = flsDeleted(img, 0);
  for (const l of [...deleted, ...nameOnly]) assert.ok(ours.has(l), `${l} listed`);
  // Ours alone: the slack names of app2023, whose 2023 times TSK 4.11 rejects.
  const extra = [...ours].filter((l) => !deleted.has(l) && !nameOnly.has(l));
  assert.equal(extra.length, 4);
  assert.ok(extra.every((l) => l.includes('/app2023/late-')));
});

/**
 * Index slack on a volume built by ntfs-3g (test/fixtures/images/make-ntfs-slack.sh): the deleted
 * names `fls -r -p` prints (path and inode) equal ours, and the planted cases — an uninstalled
 * 3CX app whose ffmpeg.dll survives only in slack, slack names whose MFT record now holds another
 * file, names past TSK's 2019 time cap — come out as they should.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NtfsFilesystem } from '../../../../electron/evidence/filesystems/ntfs.js';
import { FileReader } from '../../../../electron/io/file-reader.js';
import { generatedSkipReason, generatedSlackImage } from './generated.js';
import { flsDeleted, haveTsk, ourDeleted } from './tsk.js';

const skip = generatedSkipReason() ?? (generatedSlackImage() ? false : 'make-ntfs-slack.sh not found');
const image = (): string => generatedSlackImage()!;

const APP = '/Users/alice/AppData/Local/Programs/3CXDesktopApp/app';

test('generated slack volume: deleted names (path, inode) equal fls -r -p; names past TSK\'s time cap pinned', { skip: skip || (!haveTsk() && 'needs The Sleuth Kit') }, async () => {
  const img = image();
  const f = await FileReader.open(img);
  try {
    const fs = await NtfsFilesystem.open(f);
    const pastTsk: string[] = [];
    const ours = await ourDeleted(fs, pastTsk);
    const { deleted: theirs, nameOnly } = flsDeleted(img, 0);
    // nameOnly: entries of an INDX block the tree no longer reaches, which TSK prints as allocated
    // names (`r/- 84:`); the block is free, so they are deleted names here (tsk.ts flsDeleted).
    assert.deepEqual([...ours].sort(), [...theirs, ...nameOnly].sort());
    assert.equal(nameOnly.size, 2);
    assert.ok(theirs.size > 100);
    // TSK's own slack names (inode-less or pointing at reused records): all ours too.
    assert.ok([...theirs].filter((l) => l.includes('/app/') && l.endsWith('\t0')).length >= 20);
    // app2023's slack names carry 2023 times: TSK 4.11 rejects them, we list them.
    assert.equal(pastTsk.length, 4);
    assert.ok(pastTsk.every((l) => l.includes('/app2023/late-')));
    assert.deepEqual(fs.issues, []);
  } finally {
    await f.close();
  }
});

test('generated slack volume: ffmpeg.dll of the uninstalled 3CX app is listed from slack; reused records are not followed', { skip }, async () => {
  const f = await FileReader.open(image());
  try {
    const fs = await NtfsFilesystem.open(f);
    // Plain listings are unchanged: only the survivor.
    assert.deepEqual((await fs.readdir(APP)).map((e) => e.name), ['3CXDesktopApp.exe']);
    const names = await fs.deletedNames(APP);
    const ffmpeg = names.find((n) => n.name === 'ffmpeg.dll');
    assert.ok(ffmpeg, 'ffmpeg.dll recovered');
    assert.equal(ffmpeg.source, 'slack');
    assert.equal(ffmpeg.refOverwritten, true);
    assert.equal(ffmpeg.recordMatches, false);
    assert.equal(ffmpeg.fileName?.created, '2019-04-17T18:40:01.000Z'); // planted: T2019 + 1 s
    assert.ok(ffmpeg.slackOffset !== null && ffmpeg.slackOffset > 0);
    const entry = (await fs.readdir(APP, { deleted: true })).find((e) => e.name === 'ffmpeg.dll');
    // (ntfs-3g stamps the MFT-changed time itself when the times are set: not pinned.)
    assert.deepEqual({ ...entry, changed: null }, {
      path: `${APP}/ffmpeg.dll`, name: 'ffmpeg.dll', type: 'file', size: 0, id: '0-0', deleted: true,
      created: '2019-04-17T18:40:01.000Z', modified: '2019-04-17T18:40:01.000Z', accessed: '2019-04-17T18:40:01.000Z', changed: null,
    });
    await assert.rejects(fs.open(`${APP}/ffmpeg.dll`), /index slack/);
    assert.deepEqual(await fs.streams(`${APP}/ffmpeg.dll`), []);
    // A slack name whose reference survived but whose record now holds a file of /Other.
    const reused = names.find((n) => n.source === 'slack' && n.ref.entry !== 0 && !n.recordMatches);
    assert.ok(reused, 'a slack name pointing at a reused record');
    const now = await fs.volume.file(reused.ref.entry);
    assert.notEqual(now.sequence, reused.ref.sequence);
    assert.ok(now.names.some((n) => n.name.startsWith('new-')), 'the record holds a new file');
    const e = (await fs.readdir(APP, { deleted: true })).find((x) => x.name === reused.name && x.id === `${reused.ref.entry}-${reused.ref.sequence}`);
    assert.ok(e && e.deleted && e.size === 0);
    // The uninstalled OldApp folder: a deleted directory still listing its children.
    const local = await fs.deletedNames('/Users/alice/AppData/Local');
    assert.ok(local.some((n) => n.name === 'OldApp' && n.isDir));
    const kids = await fs.readdir('/Users/alice/AppData/Local/OldApp', { deleted: true });
    assert.ok(kids.length >= 10 && kids.every((k) => k.deleted));
  } finally {
    await f.close();
  }
});

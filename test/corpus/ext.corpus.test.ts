/**
 * ext2/3/4 on the real-file corpus against The Sleuth Kit 4.11 run here (`fls -r -p -l`, `icat`):
 * every volume is opened the way the app opens it (container → volumes → file system, via
 * openDisk), then its whole tree, deleted names included, is compared with fls: types, deleted
 * flags, paths, sizes, the four times, and the bytes of every regular file (live and deleted) with
 * icat. Where TSK cannot open a container (QCOW), it reads `qemu-img convert`'s raw copy of it
 * (or, for the split raw set, the E01 of the same volume).
 * Pinned difference: TSK's $OrphanFiles (unallocated inodes no name points to) is not listed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectEvidence } from '../../electron/evidence/detect.js';
import { ExtFilesystem } from '../../electron/evidence/filesystems/ext.js';
import { openDisk } from '../../electron/evidence/loaders/image.js';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';
import { agreeWithTsk, haveTsk } from '../helpers/tsk-fs.js';

const skip = !HAVE_CORPUS ? `corpus not found at ${CORPUS}` : !haveTsk() ? 'The Sleuth Kit (fls, icat) not installed' : false;
const haveQemu = spawnSync('qemu-img', ['--version']).status === 0;
const tmp = mkdtempSync(join(tmpdir(), '3cx-ext-corpus-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

/** What TSK reads: the evidence itself, a twin, or (`qemu`) a raw conversion of a QCOW image. */
function tskImage(rel: string, twin: string | null): string {
  if (twin !== 'qemu') return join(CORPUS, twin ?? rel);
  const out = join(tmp, rel.replace(/\W+/g, '_') + '.raw');
  execFileSync('qemu-img', ['convert', '-O', 'raw', join(CORPUS, rel), out]);
  return out;
}

// evidence, what TSK reads (null: the evidence itself), volume sector, entries fls lists (no virtual), of them deleted, orphans TSK lists
const IMAGES: [string, string | null, number, number, number, number][] = [
  ['go-ext4/tests/images/hierarchy_32.ext4', null, 0, 16, 0, 0],
  ['go-ext4/tests/images/hierarchy_64.ext4', null, 0, 21, 5, 0],
  ['go-ext4/tests/images/tiny.ext4', null, 0, 2, 0, 0],
  ['dfvfs/test_data/ext2.E01', null, 0, 6, 0, 0],
  ['dfvfs/test_data/ext2.split.E01', null, 0, 6, 0, 0],
  ['dfvfs/test_data/ext2.vhd', null, 0, 6, 0, 0],
  ['dfvfs/test_data/ext2.vmdk', null, 0, 6, 0, 0],
  ['dfvfs/test_data/ext2.qcow2', 'qemu', 0, 6, 0, 0],
  ['dfvfs/test_data/ext2.splitraw.000', 'dfvfs/test_data/ext2.E01', 0, 6, 0, 0],
  ['dfvfs/test_data/image.vhd', null, 0, 8, 3, 1],
  ['sleuthkit/test/data/image.dd', null, 0, 8, 2, 0],
  ['sleuthkit/test/data/image.E01', null, 0, 8, 2, 0],
  ['sleuthkit/test/data/image.vhd', null, 0, 8, 2, 0],
  ['sleuthkit/test/data/image.qcow', 'qemu', 0, 8, 2, 0],
  ['plaso/test_data/syslog_image.dd', null, 0, 6, 3, 3],
  ['plaso/test_data/image.E01', null, 0, 8, 3, 1],
  ['plaso/test_data/image.qcow2', 'qemu', 0, 8, 3, 1],
  ['plaso/test_data/image.vhd', null, 0, 8, 3, 1],
  ['plaso/test_data/image.vmdk', null, 0, 8, 2, 0],
  ['plaso/test_data/tsk_volume_system.raw', null, 352, 1, 0, 0],
  ['plaso/test_data/image-split.E01', null, 352, 1, 0, 0],
];

const totals = { volumes: 0, entries: 0, deleted: 0, files: 0, deletedFiles: 0 };

for (const [rel, twin, sector, entries, deleted, orphans] of IMAGES) {
  const why = skip || (twin === 'qemu' && !haveQemu ? 'qemu-img not installed' : false);
  test(`ext ${rel}${sector ? ` @ sector ${sector}` : ''}: ls equals fls -r -p (deleted too), sizes/times equal fls -l, cat equals icat`, { skip: why }, async () => {
    const path = join(CORPUS, rel);
    const disk = await openDisk(path, false, (await detectEvidence(path)).kind);
    try {
      const vol = disk.filesystems.find((f) => f.volume.offset === sector * 512);
      assert.ok(vol, `${rel}: a file system at sector ${sector} (${disk.errors.map((e) => e.message).join('; ')})`);
      assert.ok(vol.fs instanceof ExtFilesystem, `${rel}: read as ext, not ${vol.fs.kind}`);
      const a = await agreeWithTsk(vol.fs, tskImage(rel, twin), sector);
      assert.deepEqual(a.missing, [], 'entries fls lists that we do not');
      assert.deepEqual(a.extra, [], 'entries we list that fls does not');
      assert.equal(a.tskEntries, entries);
      assert.equal(a.virtualSkipped, 1 + orphans, '$OrphanFiles and the orphans under it');
      assert.deepEqual(a.sizeMismatches, []);
      assert.deepEqual(a.timeMismatches, []);
      assert.deepEqual(a.catMismatches, []);
      assert.deepEqual(a.deletedCatMismatches, []);
      assert.ok(a.catChecked > 0 || entries <= 2, 'file bytes compared');
      const listedDeleted = (await import('../helpers/tsk-fs.js')).ourList(vol.fs).then((l) => l.filter((o) => o.entry.deleted).length);
      assert.equal(await listedDeleted, deleted);
      totals.volumes++;
      totals.entries += a.listed;
      totals.deleted += deleted;
      totals.files += a.catChecked;
      totals.deletedFiles += a.deletedCatChecked;
    } finally {
      await disk.container.close();
    }
  });
}

test('ext corpus totals (for the report)', { skip }, () => {
  console.log(`ext agreement with TSK: ${totals.volumes} volumes, ${totals.entries} entries (${totals.deleted} deleted) listed identically, ${totals.files} live + ${totals.deletedFiles} deleted files byte-identical to icat`);
  assert.equal(totals.volumes, haveQemu ? IMAGES.length : IMAGES.filter((i) => i[1] !== 'qemu').length);
});

test('ext: a symlink is a link, never followed; its bytes are the stored target', { skip }, async () => {
  const path = join(CORPUS, 'dfvfs/test_data/ext2.E01');
  const disk = await openDisk(path, false, 'e01');
  try {
    const fs = disk.filesystems[0]!.fs;
    const e = await fs.stat('/a_link');
    assert.equal(e?.type, 'link');
    const r = await fs.open('/a_link');
    const target = Buffer.from(await r.read(0, r.size)).toString('utf8');
    assert.equal(target.length, e?.size);
    assert.match(target, /a_directory/);
  } finally {
    await disk.container.close();
  }
});

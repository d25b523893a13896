/**
 * FAT12/16/32 on the real-file corpus against The Sleuth Kit 4.11 run here (`fls -r -p -l`,
 * `icat`): every listed entry (deleted ones included, and TSK's virtual /$OrphanFiles with the
 * orphan entries found in free clusters), file sizes, times and the bytes of every regular file,
 * live, deleted and orphan, each by its address. Pinned differences, each asserted exactly:
 * - TSK's virtual files $MBR, $FAT1, $FAT2 (views of the boot sector and the FATs) are not listed
 *   (formats/fat/SPEC.md § TSK's virtual entries); the test asserts their names and addresses.
 * - fat_lfn_test.raw holds a long name whose checksum does not match its 8.3 entry: TSK shows the
 *   long name, we (like Windows and Linux) the 8.3 name SHORT.TXT.
 * - A creation time whose tenths byte is exactly 100 is one second later than TSK's (TSK adds the
 *   odd second only above 100; formats/fat/SPEC.md § Times).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FatFilesystem } from '../../electron/evidence/filesystems/fat.js';
import { detectEvidence } from '../../electron/evidence/detect.js';
import { openDisk } from '../../electron/evidence/loaders/image.js';
import { FileReader } from '../../electron/io/file-reader.js';
import { SliceReader } from '../../electron/io/slice-reader.js';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';
import { haveTsk } from '../helpers/tsk-fs.js';
import { agreeWithTskFat, type FatAgreement } from '../unit/formats/fat/tsk-fat.js';

const skip = !HAVE_CORPUS ? `corpus not found at ${CORPUS}` : !haveTsk() ? 'The Sleuth Kit (fls, icat) not installed' : false;
const tmp = mkdtempSync(join(tmpdir(), '3cx-fat-corpus-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function local(rel: string): string {
  if (!rel.endsWith('.gz')) return join(CORPUS, rel);
  const out = join(tmp, rel.replace(/\W+/g, '_'));
  if (!existsSync(out)) writeFileSync(out, gunzipSync(readFileSync(join(CORPUS, rel))));
  return out;
}

/** Times that differ only by the tenths == 100 second (creation time one second later than TSK's). */
function onlyTenthsEdge(m: string): boolean {
  const r = /ours (\{.*\}) tsk (\{.*\})$/.exec(m);
  if (!r) return false;
  const [a, b] = [JSON.parse(r[1]!), JSON.parse(r[2]!)];
  return a.m === b.m && a.a === b.a && a.c === b.c && a.cr === b.cr + 1;
}

// image, sector offset, entries TSK lists (its $OrphanFiles and orphans included, $MBR/$FAT1/$FAT2
// left out), orphans among them, deleted files compared with icat by address, tenths==100 entries
const IMAGES: [string, number, number, number, number, number][] = [
  ['go-fat/testcases/fat12.dd', 0, 400, 0, 0, 2],
  ['velociraptor/artifacts/testdata/files/fat_very_small.dd', 0, 4, 0, 0, 0],
  ['dfir_ntfs/test_data/fat12.raw.gz', 0, 1026, 0, 0, 412],
  ['dfir_ntfs/test_data/fat16.raw.gz', 0, 1026, 0, 0, 612],
  ['dfir_ntfs/test_data/fat32_loop.raw.gz', 0, 94, 0, 0, 3],
  ['dfir_ntfs/test_data/fat_deleted_dir.raw.gz', 0, 505, 486, 502, 128],
  ['dfir_ntfs/test_data/fat_lfn_test.raw.gz', 0, 18, 0, 0, 0],
  ['dfir_ntfs/test_data/fat_unusual_cluster.raw.gz', 0, 2, 0, 0, 0],
  ['dfir_ntfs/test_data/fat_unusual_label.raw.gz', 0, 2, 0, 0, 0],
  ['node-vhd/test/data/fixed.vhd.gz', 128, 5, 0, 0, 0],
];

const totals = { entries: 0, orphans: 0, files: 0, deletedFiles: 0 };

for (const [rel, sector, entries, orphans, deletedCat, tenthsEdge] of IMAGES) {
  test(`FAT ${rel}: ls --deleted equals fls -r -p ($OrphanFiles included), sizes and times equal fls -l, cat equals icat`, { skip }, async () => {
    const img = local(rel);
    const disk = await FileReader.open(img);
    try {
      const fs = await FatFilesystem.open(sector ? new SliceReader(disk, sector * 512, disk.size - sector * 512) : disk);
      const a: FatAgreement = await agreeWithTskFat(fs, img, sector);
      if (rel.endsWith('fat_lfn_test.raw.gz')) {
        assert.deepEqual([a.missing, a.extra], [['r long_name_test.txt'], ['r SHORT.TXT']]);
      } else {
        assert.deepEqual(a.missing, [], 'entries fls lists that we do not');
        assert.deepEqual(a.extra, [], 'entries we list that fls does not');
      }
      assert.equal(a.tskEntries, entries);
      assert.equal(a.orphansListed, orphans);
      // The virtual files we leave out, exactly: $MBR, $FAT1, $FAT2 numbered after the last slot.
      const v = fs.volume.virtualInodes;
      assert.deepEqual(a.virtualFiles, [`$MBR ${v.mbr}`, `$FAT1 ${v.fat1}`, `$FAT2 ${v.fat2}`]);
      assert.equal((await fs.stat('/$OrphanFiles'))?.id, String(v.orphans));
      assert.deepEqual(a.sizeMismatches, []);
      assert.equal(a.timeMismatches.filter((m) => !onlyTenthsEdge(m)).length, 0, a.timeMismatches.join('\n'));
      assert.equal(a.timeMismatches.length, tenthsEdge);
      assert.deepEqual(a.catMismatches, []);
      assert.deepEqual(a.deletedCatMismatches, []);
      assert.equal(a.deletedCatChecked, deletedCat);
      assert.ok(a.catChecked + a.deletedCatChecked > 0 || entries <= 2 || rel.includes('lfn'), 'some file bytes compared');
      assert.equal((await fs.orphans()).complete, true);
      totals.entries += a.listed;
      totals.orphans += a.orphansListed;
      totals.files += a.catChecked;
      totals.deletedFiles += a.deletedCatChecked;
    } finally {
      await disk.close();
    }
  });
}

test('FAT corpus totals (for the report)', { skip }, () => {
  console.log(`FAT agreement with TSK: ${totals.entries} entries listed identically (${totals.orphans} orphans), ${totals.files} live + ${totals.deletedFiles} deleted files byte-identical to icat`);
  assert.ok(totals.entries > 3000);
  assert.ok(totals.orphans >= 486);
});

test('FAT volumes open through the image loader: bare, in an MBR partition, inside a DMG', { skip }, async () => {
  for (const [rel, want] of [['go-fat/testcases/fat12.dd', 1], ['node-udif/test/data/compression-zlib.dmg', 2], ['node-vhd/test/data/fixed.vhd.gz', 1]] as const) {
    const path = local(rel);
    const d = await detectEvidence(path);
    const disk = await openDisk(path, false, d.kind);
    try {
      assert.equal(disk.filesystems.filter((f) => f.fs.kind === 'fat').length, want, `${rel}: ${disk.errors.map((e) => e.message).join('; ')}`);
    } finally {
      await disk.container.close();
    }
  }
});

test('exFAT is refused with a clear message, not misread as FAT', { skip }, async () => {
  const path = local('dfir_ntfs/test_data/exfat_win.raw.gz');
  const disk = await openDisk(path, false, 'raw');
  try {
    assert.equal(disk.filesystems.length, 0);
    assert.match(disk.errors.map((e) => e.message).join('\n'), /exFAT file system; this version does not read exFAT/);
  } finally {
    await disk.container.close();
  }
});

test('fat-differential.vhd without its parent: the missing parent is named, nothing is invented', { skip }, async () => {
  const path = join(CORPUS, 'dfvfs/test_data/fat-differential.vhd');
  const disk = await openDisk(path, false, 'vhd');
  try {
    assert.equal(disk.filesystems.length, 0);
    assert.match(disk.container.issues.map((i) => i.message).join('\n'), /parent/i);
  } finally {
    await disk.container.close();
  }
});

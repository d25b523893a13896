/**
 * A FAT12 volume built byte by byte (test/helpers/fat-builder.ts): a Unicode long name over a
 * fragmented chain, 8.3 case flags, a deleted entry with its deleted long name, a long name whose
 * checksum is wrong, a directory that contains itself, a chain that loops, and an entry hidden
 * past the end-of-directory mark. Checked against what was written and against TSK.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FatFilesystem } from '../../../../electron/evidence/filesystems/fat.js';
import { fatDateTime, parseFatBoot } from '../../../../electron/formats/fat/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { buildFat12, dirCluster, lfnSlots, shortSlot } from '../../../helpers/fat-builder.js';
import { haveTsk } from '../../../helpers/tsk-fs.js';
import { agreeWithTskFat } from './tsk-fat.js';

const fill = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const LONG = 'Résumé – 日本語 report.txt';
const frag = fill(1300, 1); // clusters 2 → 5 → 3

function image(): Uint8Array {
  const clusters = new Map<number, Uint8Array>([
    [2, frag.subarray(0, 512)], [5, frag.subarray(512, 1024)], [3, frag.subarray(1024)],
    [10, fill(700, 2).subarray(0, 512)], [11, fill(700, 2).subarray(512)],
    [20, dirCluster(20, 0, [shortSlot('A       TXT', { cluster: 21, size: 5 }), shortSlot('LOOP       ', { attr: 0x10, cluster: 20 })])],
    [21, new TextEncoder().encode('hello')],
    [30, fill(512, 3)], [31, fill(512, 4)],
    [40, fill(512, 5)], [41, fill(512, 6)], [42, fill(512, 7)], [43, fill(512, 8)],
  ]);
  // 41 is in use (KEEP.BIN): the deleted SKIP.BIN (40, 1100 bytes) is recovered from 40, 42, 43.
  const fat = new Map([[2, 5], [5, 3], [3, 0xfff], [20, 0xfff], [21, 0xfff], [30, 31], [31, 30], [41, 0xfff]]);
  const root = [
    ...lfnSlots(LONG, 'RSUM~1  TXT'), shortSlot('RSUM~1  TXT', { cluster: 2, size: 1300, tenths: 150 }),
    shortSlot('README  TXT', { caseFlags: 0x18, cluster: 0, size: 0 }),
    ...lfnSlots('gone forever.txt', 'GONEFO~1TXT', { deleted: true }), shortSlot('GONEFO~1TXT', { deleted: true, cluster: 10, size: 700 }),
    ...lfnSlots('not mine.txt', 'PLAIN   TXT', { checksum: 0x42 }), shortSlot('PLAIN   TXT'),
    shortSlot('SUB        ', { attr: 0x10, cluster: 20 }),
    shortSlot('CYCLE   BIN', { cluster: 30, size: 2048 }),
    shortSlot('KEEP    BIN', { cluster: 41, size: 512 }),
    shortSlot('SKIP    BIN', { deleted: true, cluster: 40, size: 1100 }),
    shortSlot('TAKEN   BIN', { deleted: true, cluster: 41, size: 700 }), // its first cluster is KEEP.BIN's now
    new Uint8Array(32), // end-of-directory mark
    shortSlot('HIDDEN  TXT', { cluster: 21, size: 5 }),
  ];
  return buildFat12({ root, clusters, fat });
}

test('built FAT12: names, case flags, deleted long name, checksum, loops, hidden entry', async () => {
  const fs = await FatFilesystem.open(new BufferReader(image()));
  assert.equal(fs.volume.boot.type, 12);
  const live = (await fs.readdir('/')).map((e) => e.name);
  assert.deepEqual(live, [LONG, 'readme.txt', 'PLAIN.TXT', 'SUB', 'CYCLE.BIN', 'KEEP.BIN', 'HIDDEN.TXT']);
  const all = await fs.readdir('/', { deleted: true });
  const gone = all.find((e) => e.deleted);
  assert.deepEqual(all.filter((e) => e.deleted).map((e) => e.name), ['gone forever.txt', '_KIP.BIN', '_AKEN.BIN']);
  const skip = await fs.open('/_KIP.BIN');
  assert.deepEqual(await skip.read(0, 1100), new Uint8Array([...fill(512, 5), ...fill(512, 7), ...fill(512, 8).subarray(0, 76)]), 'deleted: free clusters only, 41 stepped over');
  const taken = await (await fs.open('/_AKEN.BIN')).read(0, 700);
  assert.deepEqual(taken, new Uint8Array([...fill(512, 6), ...new Uint8Array(188)]), 'first cluster in use: that cluster, then zeros');
  assert.deepEqual([gone?.name, gone?.size], ['gone forever.txt', 700]);
  const r = await fs.open(`/${LONG}`);
  assert.deepEqual(await r.read(0, r.size), frag, 'fragmented chain read in chain order');
  const g = await fs.open('/gone forever.txt');
  assert.deepEqual(await g.read(0, g.size), fill(700, 2), 'deleted file: contiguous clusters from the first');
  assert.equal((await fs.stat(`/${LONG}`))?.created, '2021-06-15T10:20:31.500Z', 'tenths 150 = +1.5 s');
  assert.equal((await fs.stat('/readme.TXT'))?.name, 'readme.txt', 'lookup ignores case');
  assert.deepEqual((await fs.readdir('/SUB/LOOP')).map((e) => e.name), ['A.TXT', 'LOOP']);
  assert.deepEqual(await fs.readdir('/SUB/LOOP/LOOP'), [], 'a directory already on its path is not entered');
  const cyc = await fs.open('/CYCLE.BIN');
  const bytes = await cyc.read(0, 2048);
  assert.deepEqual(bytes.subarray(0, 1024), new Uint8Array([...fill(512, 3), ...fill(512, 4)]));
  assert.deepEqual(bytes.subarray(1024), new Uint8Array(1024), 'past the loop: zeros');
  assert.ok(fs.issues.some((i) => /loops back to cluster 30/.test(i.message)));
});

test('built FAT12 agrees with TSK (fls -r -p -l, icat), the checksum rule excepted', { skip: haveTsk() ? false : 'TSK not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), '3cx-fat-built-'));
  try {
    const path = join(dir, 'built.img');
    const img = image();
    writeFileSync(path, img);
    const a = await agreeWithTskFat(await FatFilesystem.open(new BufferReader(img)), path, 0);
    assert.deepEqual([a.missing, a.extra], [['r not mine.txt'], ['r PLAIN.TXT']]);
    assert.equal(a.orphansListed, 0);
    assert.deepEqual(a.sizeMismatches, []);
    assert.deepEqual(a.timeMismatches, []);
    // CYCLE.BIN: TSK stops at the loop and prints 1024 bytes; we give the declared 2048 (zeros after).
    assert.deepEqual(a.catMismatches, ['r CYCLE.BIN', 'r CYCLE.BIN (by path)']);
    assert.ok(a.catChecked >= 5);
    assert.equal(a.deletedCatChecked, 3);
    // _AKEN.BIN: its first cluster is in use again; icat prints that one cluster (512 bytes), we
    // keep the recorded 700 bytes with zeros after it (as for a chain that ends early).
    assert.deepEqual(a.deletedCatMismatches, ['r* _AKEN.BIN', 'r* _AKEN.BIN (by path)']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('boot sector checks and FAT times', () => {
  const img = image();
  assert.throws(() => parseFatBoot(img.subarray(0, 100)), /boot sector/);
  const bad = img.slice(0, 512);
  bad[13] = 3; // sectors per cluster must be a power of two
  assert.throws(() => parseFatBoot(bad), /sectors per cluster/);
  const ex = img.slice(0, 512);
  ex.set(Buffer.from('EXFAT   '), 3);
  assert.throws(() => parseFatBoot(ex), /exFAT is not supported/);
  assert.equal(fatDateTime(0, 0, 0), null);
  assert.equal(fatDateTime((41 << 9) | (2 << 5) | 30, 0, 0), null, '30 February');
  assert.equal(fatDateTime((41 << 9) | (6 << 5) | 15, (23 << 11) | (59 << 5) | 29, 199), '2021-06-15T23:59:59.990Z');
});

test('built FAT12 with looping orphan directories in free clusters agrees with fls -r -p and icat exactly', { skip: haveTsk() ? false : 'TSK not installed' }, async () => {
  // Free cluster 50 holds a deleted directory (a long-named file, SELF → 50, NEXT → 52); 52 holds
  // BACK → 50 and a file. Nothing in the tree reaches them. TSK's pruning leaves four top-level
  // orphans here (its walk of SELF stops at the first repeat, so NEXT's contents stay listed).
  const c50 = dirCluster(50, 0, [...lfnSlots('orphan file.txt', 'ORPHAN~1TXT', { deleted: true }), shortSlot('ORPHAN~1TXT', { deleted: true, cluster: 51, size: 700 }), shortSlot('SELF       ', { deleted: true, attr: 0x10, cluster: 50 }), shortSlot('NEXT       ', { deleted: true, attr: 0x10, cluster: 52 })]);
  c50[0] = 0xe5;
  c50[32] = 0xe5;
  const c52 = dirCluster(52, 50, [shortSlot('BACK       ', { deleted: true, attr: 0x10, cluster: 50 }), shortSlot('X       BIN', { deleted: true, cluster: 53, size: 100 })]);
  const img = buildFat12({ root: [shortSlot('LIVE    TXT', { cluster: 2, size: 10 })], clusters: new Map([[2, fill(10, 1)], [50, c50], [51, fill(512, 9)], [52, c52], [53, fill(100, 2)]]), fat: new Map([[2, 0xfff]]) });
  const dir = mkdtempSync(join(tmpdir(), '3cx-fat-built-'));
  try {
    const path = join(dir, 'orphans.img');
    writeFileSync(path, img);
    const fs = await FatFilesystem.open(new BufferReader(img));
    const a = await agreeWithTskFat(fs, path, 0);
    assert.deepEqual([a.missing, a.extra, a.sizeMismatches, a.timeMismatches, a.catMismatches, a.deletedCatMismatches], [[], [], [], [], [], []]);
    assert.equal(a.tskEntries, 52);
    assert.equal(a.orphansListed, 50);
    assert.deepEqual((await fs.orphans()).orphans.map((e) => e.inode), [870, 839, 840, 841]);
    assert.equal(a.deletedCatChecked, 15, "every listed deleted file, orphans and their subtrees, byte-equal to icat");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

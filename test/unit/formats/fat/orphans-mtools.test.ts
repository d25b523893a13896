/**
 * Orphans on volumes made by the real tools: mkfs.fat (FAT12, FAT16, FAT32) and mtools put a
 * subdirectory with files (one with a long name) and a nested directory on the volume, `mdeltree`
 * deletes it, and new empty files take the root slots, so nothing reaches the deleted entries any
 * more. Our listing with deleted entries must equal `fls -r -p -l` line for line, /$OrphanFiles
 * and its subtree included, and every file's bytes `icat`'s, by address and by path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FatFilesystem } from '../../../../electron/evidence/filesystems/fat.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { haveTsk } from '../../../helpers/tsk-fs.js';
import { agreeWithTskFat } from './tsk-fat.js';

const haveTools = spawnSync('mkfs.fat', ['--help']).status !== null && spawnSync('mcopy', ['-V']).status === 0;
const skip = !haveTools ? 'mkfs.fat / mtools not installed' : !haveTsk() ? 'The Sleuth Kit not installed' : false;
const env = { ...process.env, MTOOLS_SKIP_CHECK: '1' };

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
}

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 7 + (i >> 9)) & 0xff);

/** Builds the volume; returns its path and the files written into the deleted subdirectory. */
function makeVolume(dir: string, fat: 12 | 16 | 32): { img: string; files: Map<string, Uint8Array> } {
  const img = join(dir, `fat${fat}.img`);
  const kib = fat === 32 ? 40000 : fat === 16 ? 20000 : 1024;
  run('mkfs.fat', ['-C', '-F', String(fat), '-s', '1', ...(fat === 32 ? ['-S', '512'] : []), img, String(kib)]);
  const i = ['-i', img];
  run('mmd', [...i, '::/sub']);
  run('mmd', [...i, '::/sub/inner']);
  const files = new Map<string, Uint8Array>([['file1.bin', bytes(700, 1)], ['file2.bin', bytes(1400, 2)], ['A long name.txt', bytes(3000, 3)], ['inner/deep.bin', bytes(1500, 4)]]);
  for (const [name, b] of files) {
    const src = join(dir, 'src.bin');
    writeFileSync(src, b);
    run('mcopy', [...i, src, `::/sub/${name}`]);
  }
  const keep = join(dir, 'keep.bin');
  writeFileSync(keep, bytes(2100, 5));
  run('mcopy', [...i, keep, '::/keep.bin']);
  run('mdeltree', [...i, '::/sub']);
  // Empty files take no cluster but reuse the freed root slots: `sub` is no longer reachable.
  const empty = join(dir, 'empty');
  writeFileSync(empty, '');
  for (const n of ['a', 'b', 'c', 'd']) run('mcopy', [...i, empty, `::/new${n}.txt`]);
  return { img, files };
}

for (const fat of [12, 16, 32] as const) {
  test(`FAT${fat} from mkfs.fat + mtools: a deleted subdirectory's entries are orphans exactly as fls and icat show them`, { skip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), '3cx-fat-orphans-'));
    try {
      const { img, files } = makeVolume(dir, fat);
      const fs = await FatFilesystem.open(new BufferReader(new Uint8Array(readFileSync(img))));
      assert.equal(fs.volume.boot.type, fat);
      const a = await agreeWithTskFat(fs, img, 0);
      assert.deepEqual([a.missing, a.extra], [[], []]);
      // Under $OrphanFiles: file1, file2, the long-named file (by its 8.3 name), inner, inner/deep.bin.
      assert.equal(a.orphansListed, 5);
      assert.deepEqual([a.sizeMismatches, a.timeMismatches, a.catMismatches, a.deletedCatMismatches], [[], [], [], []]);
      assert.equal(a.deletedCatChecked, 4);
      assert.equal(a.catChecked, 5);
      // The orphans read back as written, by the paths `ls --deleted` prints.
      const names = (await fs.readdir('/$OrphanFiles', { deleted: true })).map((e) => `${e.name}${e.deleted ? '*' : ''}`).sort();
      assert.deepEqual(names, ['_LONGN~1.TXT*', '_ile1.bin*', '_ile2.bin*', '_nner*']);
      for (const [path, name] of [['/$OrphanFiles/_ile1.bin', 'file1.bin'], ['/$OrphanFiles/_LONGN~1.TXT', 'A long name.txt'], ['/$OrphanFiles/_nner/_eep.bin', 'inner/deep.bin']] as const) {
        const r = await fs.open(path);
        assert.deepEqual(await r.read(0, r.size), files.get(name), path);
      }
      // Plain listings never show the virtual directory; it is there with deleted entries only.
      assert.ok(!(await fs.readdir('/')).some((e) => e.name === '$OrphanFiles'));
      const root = await fs.readdir('/', { deleted: true });
      assert.deepEqual(root.filter((e) => e.name === '$OrphanFiles').map((e) => [e.type, e.deleted ?? false, e.id]), [['dir', false, String(fs.volume.virtualInodes.orphans)]]);
      const scan = await fs.orphans();
      assert.equal(scan.complete, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('orphan scan caps: bytes read and entries kept end the scan with an issue, never run on', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), '3cx-fat-orphans-'));
  try {
    const { img } = makeVolume(dir, 12);
    const image = new Uint8Array(readFileSync(img));
    const small = await FatFilesystem.open(new BufferReader(image), [], { maxScanBytes: 4096, maxEntries: 100, maxNamed: 1000 });
    const s = await small.orphans();
    assert.equal(s.complete, false);
    assert.ok(s.bytesScanned <= 4096);
    assert.ok(small.issues.some((i) => /orphan scan stopped: read \d+ bytes/.test(i.message)));
    const few = await FatFilesystem.open(new BufferReader(image), [], { maxScanBytes: 1 << 30, maxEntries: 2, maxNamed: 1000 });
    const f = await few.orphans();
    assert.equal(f.complete, false);
    assert.ok(f.orphans.length <= 2);
    const unnamed = await FatFilesystem.open(new BufferReader(image), [], { maxScanBytes: 1 << 30, maxEntries: 100, maxNamed: 3 });
    assert.deepEqual((await unnamed.orphans()).orphans, []);
    assert.ok(unnamed.issues.some((i) => /too many entries to tell orphans/.test(i.message)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

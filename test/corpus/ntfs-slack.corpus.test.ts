/**
 * Deleted names on every NTFS volume of the corpus, against The Sleuth Kit: the set of
 * `path, inode` that `fls -r -p` marks deleted — freed records, /$OrphanFiles and the names it
 * recovers from index slack — equals what `readdir(…, { deleted: true })` lists as deleted. Raw
 * images are compared with the local fls, the others with the stored oracles (TSK 4.11.1).
 * Pinned differences (tsk.ts): `pastTsk`, slack names whose times TSK's 2019 cap rejects, and
 * `nameOnly`, names of INDX blocks the tree no longer reaches, which TSK prints as allocated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { openContainer } from '../../electron/evidence/containers/index.js';
import { NtfsFilesystem } from '../../electron/evidence/filesystems/ntfs.js';
import { openVolumes } from '../../electron/evidence/volumes/index.js';
import { FileReader } from '../../electron/io/file-reader.js';
import type { Reader } from '../../electron/io/reader.js';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';
import { deletedOfFlsText, flsDeleted, haveTsk, ourDeleted } from '../unit/formats/ntfs/tsk.js';

const skip = HAVE_CORPUS ? false : `corpus not found at ${CORPUS}`;
const tmp = mkdtempSync(join(tmpdir(), '3cx-ntfs-slack-corpus-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

interface Agreement { deleted: number; slack: number; pastTsk: number; nameOnly: number }

async function ntfsAt(disk: Reader, sector: number): Promise<NtfsFilesystem> {
  if (sector === 0) return NtfsFilesystem.open(disk);
  const v = (await openVolumes(disk)).volumes.find((x) => x.offset === sector * 512);
  assert.ok(v, `a volume at sector ${sector}`);
  return NtfsFilesystem.open(v.reader);
}

/** Ours against TSK's sets for one volume; the counts that are compared and pinned. */
async function agree(fs: NtfsFilesystem, theirs: { deleted: Set<string>; nameOnly: Set<string> }, what: string): Promise<Agreement> {
  const pastTsk: string[] = [];
  const ours = await ourDeleted(fs, pastTsk);
  assert.deepEqual([...ours].sort(), [...theirs.deleted, ...theirs.nameOnly].sort(), what);
  return { deleted: theirs.deleted.size, slack: [...theirs.deleted].filter((l) => l.endsWith('\t0')).length, pastTsk: pastTsk.length, nameOnly: theirs.nameOnly.size };
}

/** The `fls -r -p` text of each NTFS section of an oracle, by start sector (0 = whole image). */
function oracleSections(rel: string): Map<number, string> {
  const sections = new Map<number, string[]>();
  let cur: string[] | null = null;
  for (const line of readFileSync(join(CORPUS, 'oracles', rel), 'utf8').split('\n')) {
    const h = /^## (?:whole image|partition .* at sector (\d+)): NTFS/.exec(line);
    if (h) sections.set(Number(h[1] ?? 0), (cur = []));
    else if (line.startsWith('##')) cur = null;
    else cur?.push(line);
  }
  return new Map([...sections].map(([k, v]) => [k, v.join('\n')]));
}

const RAW: [string, number, Agreement][] = [
  ['dfir_ntfs/test_data/ntfs3.raw.gz', 0, { deleted: 8, slack: 0, pastTsk: 0, nameOnly: 0 }],
  // '80.txt' in the root's slack carries 2023 times: TSK skips it, we list it.
  ['dfir_ntfs/test_data/ntfs3_attrlist.raw.gz', 0, { deleted: 8, slack: 0, pastTsk: 1, nameOnly: 0 }],
  ['dfir_ntfs/test_data/ntfs_index.raw.gz', 128, { deleted: 2, slack: 2, pastTsk: 0, nameOnly: 0 }],
];

for (const [rel, sector, expected] of RAW) {
  test(`${rel}: deleted names (path, inode) equal fls -r -p`, { skip: skip || (!haveTsk() && 'needs The Sleuth Kit') }, async () => {
    const img = join(tmp, rel.replace(/\W+/g, '_') + '.raw');
    if (!existsSync(img)) writeFileSync(img, gunzipSync(readFileSync(join(CORPUS, rel))));
    const disk = await FileReader.open(img);
    try {
      const fs = await ntfsAt(disk, sector);
      assert.deepEqual(await agree(fs, flsDeleted(img, sector), rel), expected);
      // And the stored oracle (same TSK) says the same.
      assert.deepEqual(deletedOfFlsText(oracleSections(`${rel}.fls.txt`).get(sector)!).deleted, flsDeleted(img, sector).deleted);
    } finally {
      await disk.close();
    }
  });
}

const NONE: Agreement = { deleted: 0, slack: 0, pastTsk: 0, nameOnly: 0 };
const CONTAINERS: [string, string, [number, Agreement][]][] = [
  ['sleuthkit/test/data/imageformat_mmls_1.E01', 'sleuthkit/test/data/imageformat_mmls_1.E01.fls.txt', [[128, NONE], [55424, NONE]]],
  ['velociraptor/artifacts/testdata/files/partition_image.E01', 'velociraptor/artifacts/testdata/files/partition_image.E01.fls.txt', [[0, NONE]]],
  ['velociraptor/artifacts/testdata/files/test.ntfs.dd.E01', 'velociraptor/artifacts/testdata/files/test.ntfs.dd.E01.fls.txt', [[0, NONE]]],
  ['dfvfs/test_data/windows_volume.qcow2', 'dfvfs/test_data/windows_volume.qcow2.fls.txt', [[0, { ...NONE, deleted: 8 }]]],
  ['plaso/test_data/vsstest.qcow2', 'plaso/test_data/vsstest.qcow2.fls.txt', [[0, NONE]]],
];

for (const [rel, oracle, volumes] of CONTAINERS) {
  test(`${rel}: deleted names (path, inode) equal the fls oracle`, { skip }, async () => {
    const c = await openContainer(join(CORPUS, rel));
    try {
      const sections = oracleSections(oracle);
      assert.deepEqual([...sections.keys()].sort((a, b) => a - b), volumes.map(([s]) => s));
      for (const [sector, expected] of volumes) {
        assert.deepEqual(await agree(await ntfsAt(c.reader, sector), deletedOfFlsText(sections.get(sector)!), `${rel} @ ${sector}`), expected);
      }
    } finally {
      await c.close();
    }
  });
}

test('dynamic.vhd.gz and test.vhdx.zip: deleted names equal the fls oracles (none)', { skip }, async () => {
  const vhd = join(tmp, 'dynamic.vhd');
  writeFileSync(vhd, gunzipSync(readFileSync(join(CORPUS, 'node-vhd/test/data/dynamic.vhd.gz'))));
  execFileSync('unzip', ['-q', '-o', join(CORPUS, 'velociraptor/artifacts/testdata/files/test.vhdx.zip'), '-d', tmp]);
  for (const [file, oracle, sector] of [[vhd, 'node-vhd/test/data/dynamic.vhd.gz.inner.fls.txt', 270464], [join(tmp, 'test.vhdx'), 'velociraptor/artifacts/testdata/files/test.vhdx.zip.inner.fls.txt', 128]] as const) {
    const c = await openContainer(file);
    try {
      assert.deepEqual(await agree(await ntfsAt(c.reader, sector), deletedOfFlsText(oracleSections(oracle).get(sector)!), oracle), NONE);
    } finally {
      await c.close();
    }
  }
});

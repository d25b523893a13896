/**
 * NTFS (and the MBR/GPT around it) on the real-file corpus, against the stored oracles
 * (oracles/*.fls.txt, *.mmls.txt from The Sleuth Kit 4.11.1) and, for the raw images, the local
 * `fls -l` / `icat` too, deleted names included (freed records, /$OrphanFiles and the names
 * recovered from index slack, TSK's `r/- * 0:` lines). Pinned difference: `pastTsk` counts slack
 * names whose key times are past TSK 4.11's 2019 cap (tsk.ts tskSeesSlack); we list them too.
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
import { looksLikeNtfs } from '../../electron/formats/ntfs/index.js';
import { FileReader } from '../../electron/io/file-reader.js';
import type { Reader } from '../../electron/io/reader.js';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';
import { fls, haveTsk, icatSha256, ourListing, streamSha256 } from '../unit/formats/ntfs/tsk.js';

const skip = HAVE_CORPUS ? false : `corpus not found at ${CORPUS}`;
const tmp = mkdtempSync(join(tmpdir(), '3cx-ntfs-corpus-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

/** Oracle fls sections: `sector offset (null = whole image)` → lines `d|r[*] path`; `slack` counts `* 0:` names. */
function oracleFls(rel: string): { sections: Map<number, string[]>; slack: number } {
  const text = readFileSync(join(CORPUS, 'oracles', rel), 'utf8');
  const sections = new Map<number, string[]>();
  let cur: string[] | null = null;
  let slack = 0;
  for (const line of text.split('\n')) {
    const h = /^## (?:whole image|partition .* at sector (\d+)): NTFS/.exec(line);
    if (h) { cur = []; sections.set(Number(h[1] ?? 0), cur); continue; }
    if (line.startsWith('##')) { cur = null; continue; }
    if (!cur || line.startsWith('#') || line.startsWith('$') || !line.includes(':\t')) continue;
    const [head, path] = line.split(':\t') as [string, string];
    if (/\* 0$/.test(head)) slack++;
    const t = head.split(' ')[0]!;
    cur.push(`${t.endsWith('/d') || t === 'V/V' || t === 'd/-' ? 'd' : 'r'}${head.includes('*') ? '*' : ''} ${path}`);
  }
  return { sections, slack };
}

const strip = (l: string): string => l.split('\t')[0]!;

async function ntfsAt(disk: Reader, sector: number): Promise<NtfsFilesystem> {
  if (sector === 0) return NtfsFilesystem.open(disk);
  const vs = await openVolumes(disk);
  const v = vs.volumes.find((x) => x.offset === sector * 512);
  assert.ok(v, `a volume at sector ${sector}`);
  return NtfsFilesystem.open(v.reader);
}

/**
 * Compares every NTFS section of an oracle with our listing of the same volume; returns entry
 * counts, TSK's slack names among them, and our slack names past TSK's time cap.
 */
async function checkOracle(disk: Reader, oracle: string): Promise<{ counts: number[]; slack: number; pastTsk: number }> {
  const { sections, slack } = oracleFls(oracle);
  assert.ok(sections.size > 0, `${oracle} has NTFS sections`);
  const counts: number[] = [];
  let pastTsk = 0;
  for (const [sector, expected] of sections) {
    const fs = await ntfsAt(disk, sector);
    const past: string[] = [];
    const ours = (await ourListing(fs, past)).map((l) => strip(l.line));
    assert.deepEqual(ours.sort(), expected.sort(), `${oracle} @ sector ${sector}`);
    counts.push(expected.length);
    pastTsk += past.length;
  }
  return { counts, slack, pastTsk };
}

const RAW_GZ: [string, number, number[], number, number][] = [
  ['dfir_ntfs/test_data/ntfs3.raw.gz', 0, [32], 0, 0],
  ['dfir_ntfs/test_data/ntfs3_attrlist.raw.gz', 0, [128], 0, 1], // '80.txt' in root slack, times of 2023
  ['dfir_ntfs/test_data/ntfs_index.raw.gz', 128, [67], 2, 0],
];

for (const [rel, sector, counts, slack, pastTsk] of RAW_GZ) {
  test(`${rel}: listing equals the fls oracle; sizes equal fls -l; bytes equal icat`, { skip }, async () => {
    const img = join(tmp, rel.replace(/\W+/g, '_') + '.raw');
    if (!existsSync(img)) writeFileSync(img, gunzipSync(readFileSync(join(CORPUS, rel))));
    const disk = await FileReader.open(img);
    try {
      assert.deepEqual(await checkOracle(disk, `${rel}.fls.txt`), { counts, slack, pastTsk });
      if (!haveTsk()) return;
      const fs = await ntfsAt(disk, sector);
      const live = fls(img, sector);
      const ours = await ourListing(fs, []);
      assert.deepEqual(ours.map((l) => l.line).sort(), live.map((l) => l.line).sort());
      let compared = 0;
      for (const l of live) {
        if (!l.isData || !l.addr || l.path === '$BadClus:$Bad') continue;
        const colon = l.path.indexOf(':', l.path.lastIndexOf('/') + 1);
        const [p, s] = colon > 0 ? [l.path.slice(0, colon), l.path.slice(colon + 1)] : [l.path, ''];
        assert.equal(await streamSha256(fs, '/' + p, s), icatSha256(img, sector, l.addr), `bytes of ${l.path}`);
        compared++;
      }
      assert.ok(compared > 10);
    } finally {
      await disk.close();
    }
  });
}

const CONTAINERS: [string, string, number[], number, number][] = [
  ['sleuthkit/test/data/imageformat_mmls_1.E01', 'sleuthkit/test/data/imageformat_mmls_1.E01.fls.txt', [34, 34], 0, 0],
  ['velociraptor/artifacts/testdata/files/partition_image.E01', 'velociraptor/artifacts/testdata/files/partition_image.E01.fls.txt', [44], 0, 0],
  ['velociraptor/artifacts/testdata/files/test.ntfs.dd.E01', 'velociraptor/artifacts/testdata/files/test.ntfs.dd.E01.fls.txt', [44], 0, 0],
  ['dfvfs/test_data/windows_volume.qcow2', 'dfvfs/test_data/windows_volume.qcow2.fls.txt', [32], 0, 0],
  ['plaso/test_data/vsstest.qcow2', 'plaso/test_data/vsstest.qcow2.fls.txt', [36], 0, 0],
];

for (const [rel, oracle, counts, slack, pastTsk] of CONTAINERS) {
  test(`${rel}: container → volumes → NTFS listing equals the fls oracle`, { skip }, async () => {
    const c = await openContainer(join(CORPUS, rel));
    try {
      assert.deepEqual(await checkOracle(c.reader, oracle), { counts, slack, pastTsk });
    } finally {
      await c.close();
    }
  });
}

test('dynamic.vhd.gz: GPT with FAT32 and NTFS; the NTFS listing equals the oracle', { skip }, async () => {
  const vhd = join(tmp, 'dynamic.vhd');
  writeFileSync(vhd, gunzipSync(readFileSync(join(CORPUS, 'node-vhd/test/data/dynamic.vhd.gz'))));
  const c = await openContainer(vhd);
  try {
    const vs = await openVolumes(c.reader);
    assert.equal(vs.scheme, 'gpt');
    assert.deepEqual(vs.volumes.map((v) => v.offset / 512), [34, 65664, 270464, 657536]);
    const ntfs: number[] = [];
    for (const v of vs.volumes) if (looksLikeNtfs(await v.reader.read(0, 512))) ntfs.push(v.offset / 512);
    assert.deepEqual(ntfs, [270464]);
    const { sections } = oracleFls('node-vhd/test/data/dynamic.vhd.gz.inner.fls.txt');
    const fs = await ntfsAt(c.reader, 270464);
    const past: string[] = [];
    assert.deepEqual((await ourListing(fs, past)).map((l) => strip(l.line)).sort(), sections.get(270464)!.sort());
    assert.deepEqual(past, []);
  } finally {
    await c.close();
  }
});

test('test.vhdx.zip: VHDX → GPT → NTFS listing equals the oracle', { skip }, async () => {
  const out = join(tmp, 'vhdx');
  execFileSync('unzip', ['-q', '-o', join(CORPUS, 'velociraptor/artifacts/testdata/files/test.vhdx.zip'), '-d', out]);
  const c = await openContainer(join(out, 'test.vhdx'));
  try {
    assert.deepEqual(await checkOracle(c.reader, 'velociraptor/artifacts/testdata/files/test.vhdx.zip.inner.fls.txt'), { counts: [37], slack: 0, pastTsk: 0 });
  } finally {
    await c.close();
  }
});

/** mmls rows of real partitions (slot start length) from an oracle file. */
function oracleMmls(rel: string): string[] {
  return readFileSync(join(CORPUS, 'oracles', rel), 'utf8').split('\n').filter((l) => /^\d+:\s+\d{3}(:\d{3})?\s/.test(l)).map((l) => {
    const f = l.trim().split(/\s+/);
    return `${f[1]} ${Number(f[2])} ${Number(f[4])}`;
  });
}

const TABLES: [string, boolean][] = [
  ['dfir_ntfs/test_data/gpt-512-3p.raw.gz', true],
  ['dfir_ntfs/test_data/mbr-512-p1e2.bin.gz', true],
  ['dfir_ntfs/test_data/mbr-4096-p1e0.bin.gz', true],
  ['dfir_ntfs/test_data/mbr-4096-p1e1.bin.gz', true],
  ['dfir_ntfs/test_data/mbr-512-p1.bin', false],
  ['dfir_ntfs/test_data/ntfs_index.raw.gz', true],
];

for (const [rel, gz] of TABLES) {
  test(`${rel}: partitions equal the mmls oracle`, { skip }, async () => {
    const bytes = readFileSync(join(CORPUS, rel));
    const img = join(tmp, rel.replace(/\W+/g, '_'));
    writeFileSync(img, gz ? gunzipSync(bytes) : bytes);
    const disk = await FileReader.open(img);
    try {
      const vs = await openVolumes(disk);
      // mmls lists partitions by start sector and with the table's sizes (even past the image end).
      const ours = [...vs.volumes].sort((a, b) => a.offset - b.offset).map((v) => `${v.slot} ${v.offset / 512} ${v.declaredSize / 512}`);
      assert.deepEqual(ours, oracleMmls(`${rel}.mmls.txt`));
    } finally {
      await disk.close();
    }
  });
}

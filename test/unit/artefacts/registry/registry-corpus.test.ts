/** Amcache and ShimCache readers on real hives from the shared corpus (skipped when absent). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { openHive } from '../../../../electron/formats/regf/index.js';
import { parseShimCache } from '../../../../electron/formats/shimcache/index.js';
import { amcacheFiles, type AmcacheFile } from '../../../../electron/artefacts/windows/amcache.js';
import { CORPUS, HAVE_CORPUS } from '../../../helpers/corpus.js';

async function hive(path: string) {
  let b = readFileSync(join(CORPUS, path));
  if (path.endsWith('.gz')) b = gunzipSync(b);
  return openHive(new BufferReader(new Uint8Array(b)));
}

test('Amcache corpus samples: every InventoryApplicationFile entry with its SHA-1', { skip: !HAVE_CORPUS && 'corpus absent' }, async () => {
  const counts: Record<string, [number, number, number]> = {};
  let sample: AmcacheFile | null = null;
  for (const p of ['plaso/test_data/winreg/Amcache.hve', 'plaso/test_data/winreg/win10-Amcache.hve', 'velociraptor/artifacts/testdata/files/Amcache.hve']) {
    const all: AmcacheFile[] = [];
    for await (const f of amcacheFiles(await hive(p))) all.push(f);
    counts[p] = [all.length, all.filter((f) => f.sha1).length, all.filter((f) => f.sha1CoversWholeFile === false).length];
    if (p.includes('win10')) sample = all.find((f) => f.name === '7z.exe') ?? null;
  }
  assert.deepEqual(counts, {
    // [entries, with SHA-1, larger than the 31,457,280-byte SHA-1 window (e.g. am_base.exe, 73 MB)]
    'plaso/test_data/winreg/Amcache.hve': [1367, 1367, 2],
    'plaso/test_data/winreg/win10-Amcache.hve': [30, 30, 0],
    'velociraptor/artifacts/testdata/files/Amcache.hve': [85, 85, 1],
  });
  assert.deepEqual(sample && [sample.path, sample.sha1, sample.size, sample.version, sample.linkDate], [
    'c:\\program files\\7-zip\\7z.exe', '6c7ea8bbd435163ae3945cbef30ef6b9872a4591', 468992, '19.00', '2019-02-21T16:00:00.000Z',
  ]);
});

test('ShimCache corpus samples: Windows 7 (x86) and Windows 10 caches', { skip: !HAVE_CORPUS && 'corpus absent' }, async () => {
  const got: Record<string, [string, number, string | null]> = {};
  for (const p of ['regipy/regipy_tests/data/SYSTEM', 'regipy/regipy_tests/data/SYSTEM_WIN_10_1709', 'dissect.regf/tests/_data/SYSTEM.gz']) {
    const h = await hive(p);
    const v = await (await h.key('ControlSet001\\Control\\Session Manager\\AppCompatCache'))!.value('AppCompatCache');
    const c = parseShimCache(v!.raw);
    assert.equal(c.truncated, false, p);
    got[p] = [c.format, c.entries.length, c.entries[0]!.path];
  }
  assert.deepEqual(got, {
    'regipy/regipy_tests/data/SYSTEM': ['win7-x86', 330, '\\??\\C:\\Program Files\\McAfee\\VirusScan Enterprise\\mfeann.exe'],
    'regipy/regipy_tests/data/SYSTEM_WIN_10_1709': ['win10', 1024, 'C:\\WINDOWS\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.18362.710_none_5f52d84058d0677f\\TiWorker.exe'],
    'dissect.regf/tests/_data/SYSTEM.gz': ['win10', 191, 'C:\\Windows\\regedit.exe'],
  });
});

/**
 * Differential tests on the generated images (make-ntfs.sh) against The Sleuth Kit: every path
 * and size of `ls -r` equals `fls -r -p -l`, every stream's bytes equal `icat`, and the partitions
 * equal `mmls`. Plus the features the generator planted, asserted one by one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { NtfsFilesystem } from '../../../../electron/evidence/filesystems/ntfs.js';
import { openVolumes } from '../../../../electron/evidence/volumes/index.js';
import { FileReader } from '../../../../electron/io/file-reader.js';
import { readAll } from '../../../../electron/io/reader.js';
import { SliceReader } from '../../../../electron/io/slice-reader.js';
import { generatedImages, generatedSkipReason } from './generated.js';
import { fls, haveTsk, icatSha256, ourListing, streamSha256 } from './tsk.js';

const dir = generatedImages();
const skip = generatedSkipReason() ?? (haveTsk() ? false : 'needs The Sleuth Kit (fls, icat)');

async function openAt(image: string, sectors: number): Promise<{ fs: NtfsFilesystem; close: () => Promise<void> }> {
  const f = await FileReader.open(image);
  const fs = await NtfsFilesystem.open(new SliceReader(f, sectors * 512, f.size - sectors * 512));
  return { fs, close: () => f.close() };
}

/** icat prints nothing for $BadClus:$Bad (all sparse, initialized size 0); we return its zeros. */
const ICAT_SKIP = new Set(['$BadClus:$Bad']);

/**
 * icat costs ~0.1 s a call (it reloads the volume each time), so the bytes of the look-alike files
 * in the two big directories are sampled (every 20th), and on partitioned copies of the same
 * volume every `sample`-th stream is compared.
 */
async function differential(image: string, sectors: number, sample = 1): Promise<{ lines: number; streams: number; pastTsk: number }> {
  const { fs, close } = await openAt(image, sectors);
  try {
    const theirs = fls(image, sectors);
    const pastTsk: string[] = [];
    const ours = await ourListing(fs, pastTsk);
    assert.deepEqual(ours.map((l) => l.line).sort(), theirs.map((l) => l.line).sort());
    assert.deepEqual(fs.issues, []);
    let streams = 0;
    const seen = { look: 0, other: 0 };
    for (const l of theirs) {
      if (!l.isData || !l.addr || ICAT_SKIP.has(l.path)) continue;
      const lookAlike = /^(Users\/alice\/Documents\/many|Links\/many)\//.test(l.path);
      const k = lookAlike ? seen.look++ : seen.other++;
      if (k % (lookAlike ? 20 * sample : sample) !== 0) continue;
      const colon = l.path.indexOf(':', l.path.lastIndexOf('/') + 1);
      const [p, s] = colon > 0 ? [l.path.slice(0, colon), l.path.slice(colon + 1)] : [l.path, ''];
      assert.equal(await streamSha256(fs, '/' + p, s), icatSha256(image, sectors, l.addr), `bytes of ${l.path}`);
      streams++;
    }
    return { lines: theirs.length, streams, pastTsk: pastTsk.length };
  } finally {
    await close();
  }
}

test('bare volume: ls -r equals fls -r -p, bytes equal icat', { skip }, async () => {
  const r = await differential(join(dir!, 'ntfs.raw'), 0);
  // pastTsk: stale copies of names in index slack (ntfs-3g's B-tree splits leave them), which TSK
  // 4.11 skips because their times are after its 2019 cap; every other line is equal.
  assert.deepEqual(r, { lines: 541, streams: 63, pastTsk: 46 });
});

test('MBR disk, primary partition: same differential', { skip }, async () => {
  const r = await differential(join(dir!, 'mbr.raw'), 2048, 10);
  assert.equal(r.lines, 541);
  assert.ok(r.streams >= 5);
});

test('GPT disk, both partitions: same differential', { skip }, async () => {
  assert.equal((await differential(join(dir!, 'gpt.raw'), 34816, 10)).lines, 541);
  const small = await differential(join(dir!, 'gpt.raw'), 2048);
  assert.ok(small.lines > 20 && small.streams > 10);
});

/** mmls rows for real partitions: start, length (sectors) and description. */
function mmls(image: string): string[] {
  const out = execFileSync('mmls', [image]).toString();
  return out.split('\n').filter((l) => /^\d+:\s+\d{3}(:\d{3})?\s/.test(l)).map((l) => {
    const f = l.trim().split(/\s+/);
    return `${f[1]} ${Number(f[2])} ${Number(f[4])}`;
  });
}

test('partitions equal mmls on the generated MBR and GPT disks', { skip }, async () => {
  for (const name of ['mbr.raw', 'gpt.raw']) {
    const f = await FileReader.open(join(dir!, name));
    try {
      const vs = await openVolumes(f);
      assert.deepEqual(vs.issues, []);
      assert.deepEqual([...vs.volumes].sort((a, b) => a.offset - b.offset).map((v) => `${v.slot} ${v.offset / 512} ${v.declaredSize / 512}`), mmls(join(dir!, name)));
    } finally {
      await f.close();
    }
  }
});

test('planted features: ADS, LZNT1, sparse, deleted, hard links, Unicode, case-insensitive lookup', { skip }, async () => {
  const { fs, close } = await openAt(join(dir!, 'ntfs.raw'), 0);
  try {
    const msi = '/Users/alice/Downloads/3CXDesktopApp-18.12.416.msi';
    const zone = new TextDecoder().decode(await readAll(await fs.openStream(msi, 'Zone.Identifier'), 4096));
    assert.match(zone, /ZoneId=3/);
    assert.deepEqual((await fs.streams(msi)).map((s) => `${s.name}:${s.size}`).sort(), [':20004', 'Zone.Identifier:61', 'big:9000']);
    assert.equal((await fs.open(`${msi}:Zone.Identifier`)).size, 61);

    const text = await readAll(await fs.open('/Compressed/text.txt'), 1 << 20);
    assert.equal(text.length, 800000);
    assert.equal(new TextDecoder().decode(text.subarray(40 * 12345, 40 * 12346)), 'line 012345 of a compressible text file\n');
    const sparse = await fs.open('/sparse.bin');
    assert.equal(sparse.size, 8 * 1024 * 1024 + 126);
    assert.deepEqual([...(await sparse.read(3 * 1024 * 1024, 4))], [0, 0, 0, 0]);
    assert.equal(new TextDecoder().decode(await sparse.read(5 * 1024 * 1024, 4)), 'tail');

    const temp = await fs.readdir('/Users/alice/AppData/Local/Temp');
    assert.deepEqual(temp.map((e) => e.name), ['kept.txt']);
    const withDeleted = await fs.readdir('/Users/alice/AppData/Local/Temp', { deleted: true });
    const gone = withDeleted.find((e) => e.name === 'deleted-payload.bin');
    assert.equal(gone?.deleted, true);
    assert.equal(gone?.size, 7000);

    const a = await fs.stat('/Links/original.txt');
    const b = await fs.stat('/links/OTHER/Second-Name.TXT');
    assert.equal(b?.path, '/Links/other/second-name.txt');
    assert.equal(a?.id, b?.id);
    assert.match(a!.id!, /^\d+-\d+$/);
    assert.equal((await fs.readdir('/Links/many')).length, 61);

    const uni = (await fs.readdir('/Unicode')).map((e) => e.name);
    assert.ok(uni.includes('日本語のファイル.txt') && uni.includes('emoji 😀 file.txt') && uni.includes('L'.repeat(200) + '.txt'));
    assert.equal((await fs.stat('/unicode/GRÜSSE AUS KÖLN.TXT')), null, 'ß does not fold to SS in NTFS');
    assert.equal((await fs.stat('/unicode/grüße aus köln.txt'))?.name, 'Grüße aus Köln.txt');

    const exe = await fs.stat('/Users/alice/AppData/Local/Programs/3CXDesktopApp/app/3CXDesktopApp.exe');
    assert.equal(exe?.type, 'file');
    assert.equal(exe?.size, 70002);
    const fnt = await fs.fileNameTimes(exe!.path);
    assert.ok(fnt?.created && exe.created);
    assert.deepEqual(fs.layersFor(), []);
    assert.equal((await fs.readdir('/Users/alice/Documents/many')).length, 400);
  } finally {
    await close();
  }
});

test('a targeted lookup reads a few records and indexes, not the MFT', { skip }, async () => {
  const { fs, close } = await openAt(join(dir!, 'ntfs.raw'), 0);
  try {
    const before = fs.volume.bytesRead;
    const r = await fs.open('/Users/alice/AppData/Local/Programs/3CXDesktopApp/app/ffmpeg.dll');
    assert.equal(r.size, 300002);
    // The MFT here is ~540 KiB; resolving 7 levels reads at most a few 64-record blocks.
    assert.ok(fs.volume.bytesRead - before < 400 * 1024, `read ${fs.volume.bytesRead - before} bytes`);
  } finally {
    await close();
  }
});

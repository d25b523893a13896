/**
 * HFS+/HFSX over images written by test/fixtures/hfs/make-hfs.sh (a folder → HFS+ writer; this
 * machine has no mkfs.hfsplus nor the hfsplus kernel module). Every path, type and content is
 * checked against The Sleuth Kit (fls/icat), an independent HFS+ reader, where it is installed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { ParseError } from '../../../../electron/common/issues.js';
import { HfsPlusFilesystem } from '../../../../electron/evidence/filesystems/hfsplus.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { FileReader } from '../../../../electron/io/file-reader.js';
import { findUp, fls, haveTool, icatSha, readSha, walkAll } from './tsk.js';

const SCRIPT = findUp('test/fixtures/hfs/make-hfs.sh');
const HAVE_PY = haveTool('python3');
const HAVE_TSK = haveTool('fls') && haveTool('icat');
let dir = '';

before(() => {
  if (!HAVE_PY) return;
  dir = mkdtempSync(join(tmpdir(), 'hfs-'));
  execFileSync('bash', [SCRIPT, dir], { stdio: 'ignore' });
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

async function open(name: string): Promise<HfsPlusFilesystem> {
  return HfsPlusFilesystem.open(await FileReader.open(join(dir, name)));
}

test('generated HFS+: paths, types, ids and contents equal TSK fls/icat', { skip: !HAVE_PY || !HAVE_TSK ? 'needs python3 and sleuthkit' : false }, async () => {
  for (const img of ['hfsplus.img', 'hfsx.img']) {
    const fs = await open(img);
    const ours = await walkAll(fs);
    const theirs = fls(join(dir, img));
    assert.deepEqual(ours.map((e) => `${e.type} ${e.id} ${e.path}`).sort(), theirs.map((e) => `${e.type} ${e.inode} ${e.path}`).sort(), img);
    for (const e of ours.filter((x) => x.type === 'file')) {
      const want = icatSha(join(dir, img), Number(e.id));
      const got = await readSha(fs, e.path);
      assert.deepEqual(got, want, `${img} ${e.path}`);
      assert.equal(e.size, want.size, `${img} ${e.path} size`);
    }
    assert.deepEqual(fs.issues, []);
    await fs.close();
  }
});

test('features: compression, overflow extents, hard links, symlink, xattrs, resource fork', { skip: !HAVE_PY ? 'needs python3' : false }, async () => {
  const fs = await open('hfsplus.img');
  const inline = await fs.stat('/features/compressed-inline.txt');
  assert.equal(inline?.size, 800);
  const r = await fs.open('/features/compressed-inline.txt');
  assert.equal(new TextDecoder().decode(await r.read(0, 41)), '3CX Desktop App compressed inline text. 3');
  const big = await fs.stat('/features/compressed-rsrc.bin');
  assert.equal(big?.size, 3 * 256 * 64 + 256 * 200);
  const frag = await fs.open('/features/fragmented.bin');
  const fb = await frag.read(0, frag.size);
  assert.equal(fb.length, 12 * 4096 - 100);
  assert.ok(fb.every((b, i) => b === ((i * 7 + Math.floor(i / 4096)) & 0xff)), 'fragmented file content (8 extents + overflow)');
  const a = await fs.stat('/features/hardlink-a');
  const b = await fs.stat('/features/hardlink-b');
  assert.equal(a?.type, 'file');
  assert.equal(a?.id, b?.id);
  assert.equal(new TextDecoder().decode(await (await fs.open('/features/hardlink-b')).read(0, 100)), 'hard-linked content\n');
  const l = await fs.stat('/features/symlink');
  assert.equal(l?.type, 'link');
  assert.equal(new TextDecoder().decode(await (await fs.open('/features/symlink')).read(0, 100)), '../Applications');
  assert.deepEqual(await fs.xattrs('/features/3CXDesktopApp-18.12.416.dmg'), [{ name: 'com.apple.quarantine', size: 57 }]);
  assert.match(new TextDecoder().decode((await fs.xattr('/features/3CXDesktopApp-18.12.416.dmg', 'com.apple.quarantine'))!), /^0083;641aa1b0;Safari;/);
  const rs = await fs.openResourceFork('/features/with-rsrc');
  assert.equal(rs.size, 200);
  assert.equal((await fs.stat('/features/with-rsrc'))?.size, 10);
  const t = await fs.stat('/Applications/3CX Desktop App.app/Contents/Info.plist');
  assert.equal(t?.modified, '2023-03-13T06:41:52.000Z');
  assert.equal(t?.created, '2023-03-13T05:41:52.000Z');
  assert.equal(t?.changed, '2023-03-13T06:42:52.000Z');
  assert.equal(t?.accessed, '2023-03-13T06:43:52.000Z');
  await fs.close();
});

test('names: HFS+ folds case and Unicode form; HFSX binary compare keeps both spellings', { skip: !HAVE_PY ? 'needs python3' : false }, async () => {
  const fs = await open('hfsplus.img');
  assert.equal(fs.caseInsensitive, true);
  assert.equal((await fs.stat('/APPLICATIONS/3cx desktop app.app/contents/info.PLIST'))?.path, '/Applications/3CX Desktop App.app/Contents/Info.plist');
  assert.equal((await fs.stat('/features/caf\u00e9.txt'))?.name, 'cafe\u0301.txt'); // NFC asked, NFD stored
  assert.deepEqual((await fs.readdir('/')).map((e) => e.name), ['.HFS+ Private Directory Data^', 'Applications', 'features', 'Library', 'System', 'Users', '^^^^HFS+ Private Data']);
  assert.equal((await fs.info())['name'], '3CX Triage HFS');
  const x = await open('hfsx.img');
  assert.equal(x.caseInsensitive, false);
  assert.equal(new TextDecoder().decode(await (await x.open('/features/README')).read(0, 99)), 'upper case\n');
  assert.equal(new TextDecoder().decode(await (await x.open('/features/Readme')).read(0, 99)), 'mixed case\n');
  assert.equal(await x.stat('/features/readme'), null);
});

test('damage: a looping leaf chain and a bad node are located ParseErrors or issues, never crashes', { skip: !HAVE_PY ? 'needs python3' : false }, async () => {
  const img = new Uint8Array(readFileSync(join(dir, 'hfsplus.img')));
  const fs0 = await HfsPlusFilesystem.open(new BufferReader(img));
  const catStart = fs0.volume.header.catalogFile.extents[0]!.startBlock * 4096;
  const ns = fs0.volume.catalog.header.nodeSize;
  const first = fs0.volume.catalog.header.firstLeafNode;
  // Leaf chain loop: the first leaf's fLink points to itself.
  const loop = img.slice();
  new DataView(loop.buffer).setUint32(catStart + first * ns, first);
  const fs1 = await HfsPlusFilesystem.open(new BufferReader(loop));
  await fs1.readdir('/features/many').catch((e: unknown) => assert.ok(e instanceof ParseError || (e as NodeJS.ErrnoException).code === 'ENOENT'));
  // A node with a record count that cannot fit: the folder reads as empty with an issue.
  const bad = img.slice();
  for (let n = 1; n < fs0.volume.catalog.header.totalNodes; n++) bad[catStart + n * ns + 10] = 0xff;
  const fs2 = await HfsPlusFilesystem.open(new BufferReader(bad)).catch((e: unknown) => e);
  if (fs2 instanceof HfsPlusFilesystem) {
    await assert.rejects(fs2.readdir('/Users'), (e: unknown) => e instanceof ParseError || (e as NodeJS.ErrnoException).code === 'ENOENT');
  } else assert.ok(fs2 instanceof ParseError);
  // Not HFS+ at all.
  await assert.rejects(HfsPlusFilesystem.open(new BufferReader(new Uint8Array(4096))), (e: unknown) => e instanceof ParseError && e.code === 'bad-signature');
  // The decmpfs payload of the inline file is really zlib (the writer did not cheat).
  const raw = await fs0.xattr('/features/compressed-inline.txt', 'com.apple.decmpfs');
  assert.equal(inflateSync(raw!.subarray(16)).length, 800);
});

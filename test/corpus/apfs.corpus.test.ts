/**
 * APFS against the corpus image dfvfs/test_data/apfs.raw (a bare container, one volume) and its
 * reference outputs: TSK `fls -P apfs` (oracle file) for paths, types and inode numbers;
 * `fsapfsinfo -H/-B -d` (live, when libfsapfs-utils is installed; pinned values otherwise) for
 * paths, sizes and MD5 of contents; TSK `istat`/`icat` (live) for times and xattr bytes.
 * Note: fsapfsinfo 20201107 prints create_time as "Modification" and mod_time as "Creation";
 * TSK and Apple's reference agree with the field order used here, so times are checked with istat.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';
import { ParseError } from '../../electron/common/issues.js';
import { openApfsContainer, type ApfsFilesystem } from '../../electron/evidence/filesystems/apfs.js';
import { drecNameHash } from '../../electron/formats/apfs/index.js';
import type { FileEntry } from '../../electron/common/vfs.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { FileReader } from '../../electron/io/file-reader.js';
import { readAll, type Reader } from '../../electron/io/reader.js';

const IMAGE = join(CORPUS, 'dfvfs/test_data/apfs.raw');
const FLS = join(CORPUS, 'oracles/dfvfs/test_data/apfs.raw.fls.txt');
const skip = HAVE_CORPUS && existsSync(IMAGE) ? false : 'corpus (dfvfs/test_data/apfs.raw) not present';
const has = (tool: string): boolean => spawnSync('which', [tool]).status === 0;
const VOL = '458ed10d-8ac3-4af1-8dfd-3954d151a3f3';

/** Pinned from `fsapfsinfo -H -d -B body apfs.raw` (libfsapfs 20201107): path → [size, md5]. */
const PINNED: Record<string, [number, string]> = {
  '/passwords.txt': [116, '39cb097008d17660abd0539891a672af'],
  '/a_directory/a_resourcefork': [0, 'd41d8cd98f00b204e9800998ecf8427e'],
  '/a_directory/another_file': [22, 'd54ff73404ed6041a3bd66850b061bff'],
  '/a_directory/a_file': [53, '85bebf486af24792085f769afa46717d'],
  '/.fseventsd/fseventsd-uuid': [36, '59824946532cb4333b65a2748605578e'],
  '/.fseventsd/000000001714941a': [164, '3daa7f1cbc8a25742429b5862c096736'],
  '/.fseventsd/000000001714941b': [72, 'a9e5fa026f35725e22699d1970c9b1e1'],
};

async function walk(fs: ApfsFilesystem, dir = '/', out: FileEntry[] = []): Promise<FileEntry[]> {
  for (const e of await fs.readdir(dir)) {
    out.push(e);
    if (e.type === 'dir') await walk(fs, e.path, out);
  }
  return out;
}

async function md5(r: Reader): Promise<string> {
  return createHash('md5').update(await readAll(r, 1 << 24)).digest('hex');
}

async function openFs(reader: Reader): Promise<ApfsFilesystem> {
  const { volumes } = await openApfsContainer(reader, [{ kind: 'image', locator: 'apfs.raw' }]);
  assert.equal(volumes.length, 1);
  assert.equal(volumes[0]!.error, undefined);
  return volumes[0]!.fs!;
}

test('apfs.raw: container, volume and every fls entry (path, type, inode)', { skip }, async () => {
  const r = await FileReader.open(IMAGE);
  try {
    const { volumes, container } = await openApfsContainer(r, [{ kind: 'image', locator: 'apfs.raw' }]);
    assert.equal(container.sb.uuid, 'd08a9fa0-d5a5-458b-813e-ebf9bf5d5338'); // fsapfsinfo / pstat
    assert.equal(container.xid, 4n); // pstat "NX xid: 4" (xids are exact 64-bit bigints)
    assert.deepEqual(volumes.map((v) => [v.name, v.role, v.uuid]), [['apfs_test', 'none', VOL]]);
    const fs = volumes[0]!.fs!;
    assert.equal(fs.kind, 'apfs');
    assert.equal(fs.caseInsensitive, true); // pstat "Case Sensitive: No"
    assert.deepEqual(fs.layersFor('/x'), [{ kind: 'image', locator: 'apfs.raw' }, { kind: 'apfs', locator: VOL }]);
    const ours = (await walk(fs)).map((e) => `${e.type[0]}/${e.id}:${e.path.slice(1)}`).sort();
    const tsk = readFileSync(FLS, 'utf8').split('\n').filter((l) => /^[rdl]\/[rdl] \d+:\t/.test(l)).map((l) => {
      const m = /^([rdl])\/[rdl] (\d+):\t(.*)$/.exec(l)!;
      return `${m[1] === 'r' ? 'f' : m[1]}/${m[2]}:${m[3]}`;
    }).sort();
    assert.equal(tsk.length, 10);
    assert.deepEqual(ours, tsk);
  } finally {
    await r.close();
  }
});

test('apfs.raw: every path, size and content MD5 equal fsapfsinfo', { skip }, async () => {
  let expected = PINNED;
  if (has('fsapfsinfo')) {
    const dir = spawnSync('mktemp', ['-d']).stdout.toString().trim();
    const body = join(dir, 'body');
    const run = spawnSync('fsapfsinfo', ['-H', '-d', '-B', body, IMAGE]);
    assert.equal(run.status, 0);
    expected = {};
    for (const line of readFileSync(body, 'utf8').split('\n').filter(Boolean)) {
      const f = line.split('|');
      const path = f[1]!.replace(`/{${VOL}}`, '').replace(/ -> .*$/, '');
      if (f[3]!.startsWith('-')) expected[path] = [Number(f[6]), f[0]!];
    }
    spawnSync('rm', ['-rf', dir]);
  }
  const r = await FileReader.open(IMAGE);
  try {
    const fs = await openFs(r);
    const files = (await walk(fs)).filter((e) => e.type === 'file');
    const ours: Record<string, [number, string]> = {};
    for (const f of files) ours[f.path] = [f.size, await md5(await fs.open(f.path))];
    assert.deepEqual(ours, expected);
    assert.equal(Object.keys(ours).length, 7);
  } finally {
    await r.close();
  }
});

test('apfs.raw: times equal TSK istat; names hash as stored; links, xattrs, lookups', { skip }, async () => {
  const r = await FileReader.open(IMAGE);
  try {
    const fs = await openFs(r);
    const all = await walk(fs);
    if (has('istat')) {
      for (const e of all) {
        const out = spawnSync('istat', ['-P', 'apfs', '-B', '107', IMAGE, e.id!]).stdout.toString();
        const t = (label: string): string => `${new RegExp(`${label}:\\s+(\\S+ \\S+)`).exec(out)![1]!.replace(' ', 'T').slice(0, 23)}Z`;
        assert.deepEqual([e.created, e.modified, e.changed, e.accessed], [t('Created'), t('Content Modified'), t('Attributes Modified'), t('Accessed')], e.path);
      }
    }
    // Every directory record's stored 22-bit hash equals ours (CRC-32C of case-folded NFD UTF-32).
    for (const dirId of [2, 16, 21]) {
      for (const d of await fs.volume.dirRecords(dirId)) assert.equal(d.hash, drecNameHash(d.name, true), d.name);
    }
    assert.equal(await fs.readlink('/a_link'), 'a_directory/another_file'); // fsapfsinfo -E
    await assert.rejects(fs.open('/a_link'), (e: NodeJS.ErrnoException) => e.code === 'ELOOP');
    await assert.rejects(fs.open('/a_directory'), (e: NodeJS.ErrnoException) => e.code === 'EISDIR');
    // Case-insensitive volume: any spelling resolves to the on-disk one.
    assert.equal((await fs.stat('/A_DIRECTORY/A_File'))?.path, '/a_directory/a_file');
    assert.equal(await fs.stat('/a_directory/missing'), null);
    assert.deepEqual(await fs.xattrs('/a_directory/a_file'), [{ name: 'myxattr', size: 21 }]);
    const x = await readAll(await fs.openXattr('/a_directory/a_file', 'myxattr'), 1024);
    assert.equal(Buffer.from(x).toString(), 'My extended attribute'); // icat 17-4354-1
    const fork = await readAll(await fs.openXattr('/a_directory/a_resourcefork', 'com.apple.ResourceFork'), 1024);
    assert.equal(Buffer.from(fork).toString(), 'My resource fork\n'); // icat 23-4353-1 (a stream xattr)
    assert.deepEqual(await fs.snapshots(), []);
    const ino = await fs.inode('/a_directory/a_file');
    assert.deepEqual([ino?.uid, ino?.gid, ino?.mode], [99, 99, 0o100644]); // fsapfsinfo -E
  } finally {
    await r.close();
  }
});

test('apfs.raw: a damaged block 0 falls back to the checkpoint; damaged checkpoints too → ParseError', { skip }, async () => {
  const img = Uint8Array.from(readFileSync(IMAGE));
  img[200] = (img[200]! ^ 0xff); // inside nx_fs_oid: checksum no longer matches
  const fs = await openFs(new BufferReader(img));
  assert.equal((await walk(fs)).length, 10);
  // Break the checkpoint copies as well (descriptor area at blocks 1..8 in this image).
  for (let b = 1; b <= 8; b++) img[b * 4096 + 100] = (img[b * 4096 + 100]! ^ 0x5a);
  await assert.rejects(openApfsContainer(new BufferReader(img), []), (e: unknown) => e instanceof ParseError && e.code === 'checksum');
});

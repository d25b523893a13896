import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { openFolderFileSync } from '../../../electron/hashing/folder-sync.js';
import { openFolderFile } from '../../../electron/evidence/filesystems/folder.js';
import { bytes, tempRoot, writeFile } from './files.js';

const root = tempRoot('fsync');
after(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'sub dir'));
writeFile(root, 'sub dir/-x ü.bin', 5000, 9);
symlinkSync(join(root, 'sub dir', '-x ü.bin'), join(root, 'link'));
symlinkSync(join(root, 'sub dir'), join(root, 'dirlink'));
symlinkSync('/etc', join(root, 'escape'));

test('reads the same bytes as the async folder opener, through read() and readIntoSync()', async () => {
  const r = openFolderFileSync(root, '/sub dir/-x ü.bin');
  const a = await openFolderFile(root, '/sub dir/-x ü.bin');
  try {
    assert.equal(r.size, 5000);
    assert.deepEqual(await r.read(100, 300), await a.read(100, 300));
    assert.deepEqual(await r.read(0, 10_000), bytes(5000, 9), 'a read is clamped at the end of the file');
    const into = new Uint8Array(64);
    assert.equal(r.readIntoSync(into, 4990), 10);
    assert.deepEqual(into.subarray(0, 10), bytes(5000, 9).subarray(4990));
    assert.equal(r.readIntoSync(into, 6000), 0);
    if (process.platform === 'linux' && process.getuid?.() === 0) assert.equal(r.noAtime, true, 'O_NOATIME is in effect for root');
  } finally {
    await r.close();
    await r.close(); // closing twice is harmless
    await a.close();
  }
});

test('refuses what the async folder opener refuses: links anywhere, "..", NUL, directories', async () => {
  const cases: [string, RegExp][] = [
    ['/link', /symbolic link/],
    ['/dirlink/-x ü.bin', /symbolic link/],
    ['/escape/passwd', /symbolic link/],
    ['/sub dir/../sub dir/-x ü.bin', /refusing path component/],
    ['/a\0b', /refusing path component/],
    ['/sub dir', /not a regular file/],
    ['/absent', /ENOENT/],
  ];
  for (const [path, why] of cases) {
    assert.throws(() => openFolderFileSync(root, path), why, path);
    await assert.rejects(openFolderFile(root, path), (e: Error) => e instanceof Error, `async opener also refuses ${path}`);
  }
});

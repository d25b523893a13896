/**
 * The disk-image loader end to end on the generated images: container → volumes → NTFS → one
 * host per disk, errors for what it cannot read, EvidenceRef layers, and the `image` ref opener
 * that re-opens the chain (as a hash worker does).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../electron/evidence/loaders/index.js';
import { holdImage, refFilesystem } from '../../../electron/evidence/loaders/image.js';
import { openEvidence } from '../../../electron/evidence/open.js';
import { openRef } from '../../../electron/evidence/resolve.js';
import { FsTarget } from '../../../electron/evidence/target.js';
import { readAll } from '../../../electron/io/reader.js';
import { generatedImages, generatedSkipReason } from '../formats/ntfs/generated.js';

const dir = generatedImages();
const skip = generatedSkipReason() ?? false;
const tmp = mkdtempSync(join(tmpdir(), '3cx-image-loader-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const APP = '/Users/alice/AppData/Local/Programs/3CXDesktopApp/app';
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

test('MBR disk: one Windows host on the primary partition; the Linux logical partition is an error', { skip }, async () => {
  const ev = await openEvidence(join(dir!, 'mbr.raw'), 'E1');
  try {
    assert.equal(ev.item.kind, 'raw');
    assert.equal(ev.hosts.length, 1);
    assert.equal(ev.hosts[0]!.label, null);
    const fs = ev.hosts[0]!.fs;
    assert.equal(fs.kind, 'ntfs');
    assert.deepEqual(fs.layersFor('/'), [
      { kind: 'image', locator: join(dir!, 'mbr.raw') },
      { kind: 'raw', locator: '' },
      { kind: 'mbr', locator: '0', offset: 1024 * 1024 },
      { kind: 'ntfs', locator: 'vol0' },
    ]);
    assert.deepEqual(ev.item.errors.map((e) => e.message), ['volume 2 (mbr 002:000, Linux (0x83)) at byte 87031808: no NTFS, APFS or HFS+ file system; this version does not read it']);
    const t = await FsTarget.create('E1', fs);
    assert.equal(t.os, 'windows');
    assert.equal(t.shape, 'windows-system');
    assert.deepEqual(t.users.map((u) => u.name), ['alice']);
    const exe = await t.resolve(`${APP.toLowerCase()}/3cxdesktopapp.exe`);
    assert.equal(exe?.path, `${APP}/3CXDesktopApp.exe`);
  } finally {
    await ev.close();
  }
});

test('GPT disk: the Windows volume is entry 1; the ref opener re-reads a file from an EvidenceRef', { skip }, async () => {
  const ev = await openEvidence(join(dir!, 'gpt.raw'), 'E2');
  try {
    assert.equal(ev.hosts.length, 1);
    const fs = ev.hosts[0]!.fs;
    assert.deepEqual(fs.layersFor('/')[2], { kind: 'gpt', locator: '1', offset: 34816 * 512 });
    const t = await FsTarget.create('E2', fs);
    const path = `${APP}/ffmpeg.dll`;
    const direct = await readAll(await fs.open(path), 1 << 20);
    const ref = t.ref(path);
    const r = await openRef(ref);
    assert.equal(r.size, 300002);
    assert.equal(sha(await readAll(r, 1 << 20)), sha(direct));
    await r.close();
    // An ADS through the same opener.
    const zone = await openRef(t.ref('/Users/alice/Downloads/3CXDesktopApp-18.12.416.msi:Zone.Identifier'));
    assert.match(new TextDecoder().decode(await readAll(zone, 4096)), /ZoneId=3/);
    await zone.close();
  } finally {
    await ev.close();
  }
});

test('the per-process image cache: one container per image, held images are never closed, unheld ones beyond four are', { skip }, async () => {
  // Six copies of the disk (six distinct images); the first is held throughout.
  const paths = Array.from({ length: 6 }, (_, i) => join(tmp, `held-${i}.raw`));
  for (const p of paths) copyFileSync(join(dir!, 'gpt.raw'), p);
  const first = await holdImage(paths[0]!);
  const again = await holdImage(paths[0]!);
  assert.equal(again.img, first.img, 'the same image twice is one container');
  again.release();
  const fs = await refFilesystem(first.img, { evidenceId: 'E1', path: '/', chain: [{ kind: 'image', locator: paths[0]! }, { kind: 'raw', locator: '' }, { kind: 'gpt', locator: '1', offset: 34816 * 512 }, { kind: 'ntfs', locator: 'vol1' }] });
  assert.equal(await refFilesystem(first.img, { evidenceId: 'E1', path: '/x', chain: [{ kind: 'image', locator: paths[0]! }, { kind: 'raw', locator: '' }, { kind: 'gpt', locator: '1', offset: 34816 * 512 }, { kind: 'ntfs', locator: 'vol1' }] }), fs, 'one file system per volume');
  const others = [];
  for (const p of paths.slice(1)) {
    const h = await holdImage(p);
    h.release();
    others.push(h.img);
  }
  await new Promise((r) => setTimeout(r, 50)); // evictions close asynchronously
  // Still readable: it was held while five others came and went.
  assert.ok((await fs.stat(`${APP}/ffmpeg.dll`))?.size === 300002);
  assert.equal((await first.img.container.reader.read(0, 512)).length, 512);
  // The least recent unheld image was closed: holding it again opens a new container.
  const reopened = await holdImage(paths[1]!);
  assert.notEqual(reopened.img, others[0], 'evicted and opened again');
  reopened.release();
  first.release();
  await assert.rejects(refFilesystem(first.img, { evidenceId: 'E1', path: '/', chain: [{ kind: 'image', locator: paths[0]! }] }), /lacks its volume/);
});

test('a bare NTFS volume without Windows is one host labelled vol0', { skip }, async () => {
  const ev = await openEvidence(join(dir!, 'data.raw'), 'E3');
  try {
    assert.equal(ev.hosts.length, 1);
    assert.equal(ev.hosts[0]!.label, 'vol0');
    assert.deepEqual(ev.hosts[0]!.fs.layersFor('/')[2], { kind: 'volume', locator: '0', offset: 0 });
    assert.deepEqual((await ev.hosts[0]!.fs.readdir('/Backups')).map((e) => e.name), ['readme.txt']);
    assert.deepEqual(ev.item.errors, []);
  } finally {
    await ev.close();
  }
});

const haveQemu = spawnSync('qemu-img', ['--version']).status === 0;

test('VHDX and QCOW2 made by qemu-img from the MBR disk open to the same host', { skip: skip || (haveQemu ? false : 'needs qemu-img') }, async () => {
  for (const [fmt, kind] of [['vhdx', 'vhdx'], ['qcow2', 'qcow2']] as const) {
    const out = join(tmp, `disk.${fmt}`);
    execFileSync('qemu-img', ['convert', '-O', fmt, join(dir!, 'mbr.raw'), out]);
    const ev = await openEvidence(out, 'E4');
    try {
      assert.equal(ev.item.kind, kind);
      assert.equal(ev.hosts.length, 1);
      const fs = ev.hosts[0]!.fs;
      assert.equal(fs.layersFor('/')[1]!.kind, kind);
      const e = await fs.stat('/Windows/System32/drivers/etc/hosts');
      assert.equal(e?.size, 21);
    } finally {
      await ev.close();
    }
  }
});

test('a file that holds no disk gives no host and says why', async () => {
  const p = join(tmp, 'noise.bin');
  writeFileSync(p, Buffer.alloc(64 * 1024, 0x41));
  const ev = await openEvidence(p, 'E5');
  try {
    assert.equal(ev.hosts.length, 0);
    const msgs = ev.item.errors.map((e) => e.message);
    assert.ok(msgs.some((m) => /no partition table/.test(m)), msgs.join('; '));
    assert.ok(msgs.includes('no readable file system (NTFS, APFS, HFS+) found on this disk'));
  } finally {
    await ev.close();
  }
});

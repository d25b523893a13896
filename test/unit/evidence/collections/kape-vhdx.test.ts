/**
 * KAPE container output through the disk-image stack (test/fixtures/collections/make-kape-vhdx.sh):
 * the tdest tree on a real NTFS volume in a VHDX/VHD, bare and zipped (stored, deflated), must give
 * the same host as the KAPE folder layout — same files and bytes, copy-log SHA-1s and original UTC
 * times, VSS1 as an extra view — with refs that re-open through every layer as a hash worker does.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CollectionHost } from '../../../../electron/evidence/loaders/collection.js';
import '../../../../electron/evidence/loaders/index.js';
import { openEvidence, type OpenedEvidence } from '../../../../electron/evidence/open.js';
import { openRef } from '../../../../electron/evidence/resolve.js';
import { FsTarget } from '../../../../electron/evidence/target.js';
import { liveSpillDirs } from '../../../../electron/formats/zip/index.js';
import { readAll } from '../../../../electron/io/reader.js';
import { collections, fsListing, repoRoot, sourceListing } from './fixture.js';

const tools = ['mkntfs', 'ntfs-3g', 'sfdisk', 'qemu-img', 'zip'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);
const skip = !tools ? 'mkntfs/ntfs-3g/sfdisk/qemu-img/zip not all installed' : process.getuid?.() !== 0 || !existsSync('/dev/fuse') ? 'needs root and /dev/fuse to build NTFS images' : false;

let colls = '';
let out = '';
before(() => {
  if (skip) return;
  colls = collections();
  out = mkdtempSync(join(tmpdir(), '3cx-kape-vhdx-'));
  const r = spawnSync('bash', [join(repoRoot(), 'test/fixtures/collections/make-kape-vhdx.sh'), out, colls], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`make-kape-vhdx.sh failed: ${r.stderr}`);
});

const VHDX = '2023-03-30T100000_WIN.vhdx';
const APP = '/Users/alice/AppData/Local/Programs/3CXDesktopApp/app';
const sha = (alg: string, b: Uint8Array): string => createHash(alg).update(b).digest('hex');

async function checkHost(ev: OpenedEvidence, chainStart: RegExp): Promise<void> {
  assert.equal(ev.item.layout, 'kape');
  assert.equal(ev.hosts.length, 1);
  const h = ev.hosts[0] as CollectionHost;
  assert.equal(h.layout, 'kape');
  // Byte for byte the host the KAPE folder layout came from.
  assert.deepEqual(Object.fromEntries(await fsListing(h.fs)), Object.fromEntries(sourceListing(join(colls, 'hosts', 'win-compromised'))));
  assert.deepEqual(h.extraViews.map((v) => v.label), ['shadow copy 1']);
  assert.ok(await h.extraViews[0]!.fs.stat('/Windows/System32/drivers/etc/hosts'));
  // Times from the copy log, not the copy's (2023-03-30T10:00:00Z) nor its MFT change time.
  const exe = await h.fs.stat('/Users/alice/AppData/Local/Programs/3CXDesktopApp/3CXDesktopApp.exe');
  assert.equal(exe!.modified, '2023-03-20T09:12:00.000Z');
  assert.equal(exe!.changed, null);
  const src = await h.fs.open(`${APP}/ffmpeg.dll`);
  const direct = await readAll(src, 1 << 24);
  await src.close();
  const hashes = h.collectorHashes();
  assert.equal(hashes.length, sourceListing(join(colls, 'hosts', 'win-compromised')).size);
  const ff = hashes.find((x) => x.path === `${APP}/ffmpeg.dll`)!;
  assert.equal(ff.sha1, sha('sha1', direct));
  assert.ok(ff.collected);
  assert.match(ff.source, /^KAPE 2023-03-30T10_00_00_1234567_CopyLog\.csv row \d+ \(C:\\Users\\alice\\/);
  // The ref names every layer down to the drive folder, and re-opens the same bytes from plain data.
  const t = await FsTarget.create('E1', h.fs, h.osHint);
  assert.equal(t.os, 'windows');
  const ref = t.ref(`${APP}/ffmpeg.dll`);
  const kinds = ref.chain.map((l) => l.kind).join(' ');
  assert.match(kinds, chainStart);
  assert.match(kinds, / (vhdx|vhd) (mbr|volume) ntfs subdir$/);
  assert.deepEqual(ref.chain.at(-1), { kind: 'subdir', locator: '/C' });
  const r = await openRef(JSON.parse(JSON.stringify(ref)));
  assert.equal(sha('sha256', await readAll(r, 1 << 24)), sha('sha256', direct));
  await r.close();
  const vssRef = (await FsTarget.create('E1', h.extraViews[0]!.fs)).ref('/Windows/System32/drivers/etc/hosts');
  assert.deepEqual(vssRef.chain.at(-1), { kind: 'subdir', locator: '/VSS1' });
  const v = await openRef(vssRef);
  assert.match(new TextDecoder().decode(await readAll(v, 4096)), /localhost/);
  await v.close();
}

test('a bare KAPE VHDX (MBR + NTFS) is one kape host through the disk-image stack', { skip }, async () => {
  const ev = await openEvidence(join(out, VHDX), 'E1');
  try {
    assert.equal(ev.item.kind, 'vhdx');
    await checkHost(ev, /^image vhdx mbr ntfs/);
    assert.ok(ev.hosts[0]!.notes!.includes('KAPE container volume vol0'));
  } finally {
    await ev.close();
  }
});

test('a fixed VHD and a VHDX holding the bare volume (no partition table) read the same', { skip }, async () => {
  for (const [f, chain] of [['2023-03-30T100000_WIN.vhd', /^image vhd mbr ntfs/], ['bare-volume.vhdx', /^image vhdx volume ntfs/]] as const) {
    const ev = await openEvidence(join(out, f), 'E1');
    try {
      await checkHost(ev, chain);
    } finally {
      await ev.close();
    }
  }
});

test('KAPE --zv: the VHDX inside a ZIP, stored and deflated, through the container stack', { skip }, async () => {
  for (const f of ['kape-vhdx-stored.zip', 'kape-vhdx-deflated.zip', 'kape-vhd-deflated.zip']) {
    const ev = await openEvidence(join(out, f), 'E1');
    try {
      assert.equal(ev.item.kind, 'zip');
      await checkHost(ev, /^archive zip (vhdx|vhd) /);
      const member = ev.hosts[0]!.fs.layersFor(`${APP}/ffmpeg.dll`)[1]!;
      assert.equal(member.kind, 'zip');
      assert.match(member.locator, /^2023-03-30T100000_WIN\.vhdx?$/);
    } finally {
      await ev.close();
    }
    // The scan's temp copy goes on close; the ref opener's cached disk keeps only an unlinked copy.
    assert.deepEqual(liveSpillDirs().filter((d) => existsSync(d)), [], `${f}: no temp copy left on disk`);
  }
});

test('a zipped tdest: the copy log beside the VHDX supplies the SHA-1s and original times', { skip }, async () => {
  const ev = await openEvidence(join(out, 'kape-tdest.zip'), 'E1');
  try {
    assert.equal(ev.item.layout, 'kape');
    const h = ev.hosts[0] as CollectionHost;
    assert.ok(h.notes.some((n) => /copy log read from beside the container: 2023-03-30T10_00_00_1234567_CopyLog\.csv/.test(n)));
    assert.equal((await h.fs.stat(`${APP}/ffmpeg.dll`))!.modified, '2023-03-20T09:12:00.000Z');
    assert.ok(h.collectorHashes().some((x) => x.path === `${APP}/ffmpeg.dll` && /^[0-9a-f]{40}$/.test(x.sha1 ?? '')));
  } finally {
    await ev.close();
  }
});

test('the KAPE tdest folder itself is a kape host; its refs re-open under C/ through the folder opener', async () => {
  const ev = await openEvidence(join(collections(), 'stage', 'kape-win'), 'E1');
  try {
    assert.equal(ev.item.layout, 'kape');
    const h = ev.hosts[0] as CollectionHost;
    assert.deepEqual(Object.fromEntries(await fsListing(h.fs)), Object.fromEntries(sourceListing(join(collections(), 'hosts', 'win-compromised'))));
    const ref = (await FsTarget.create('E1', h.fs, h.osHint)).ref(`${APP}/ffmpeg.dll`);
    assert.deepEqual(ref.chain.map((l) => l.kind), ['folder', 'subdir']);
    const [r, d] = [await openRef(ref), await h.fs.open(`${APP}/ffmpeg.dll`)];
    assert.equal(sha('sha256', await readAll(r, 1 << 24)), sha('sha256', await readAll(d, 1 << 24)));
    await r.close();
    await d.close();
  } finally {
    await ev.close();
  }
});

/**
 * Volume Shadow Copies on the corpus' plaso vsstest.qcow2 (an NTFS volume with two stores, taken
 * by Windows 7), read through our QCOW2 container: store ids, creation times and identities equal
 * `vshadowinfo`; each snapshot's bytes equal `vshadowmount`'s vss<N> (SHA-256 of the whole 1 GiB
 * store; pinned from vshadowmount 20190323, and re-checked live when libvshadow-utils is there);
 * and our NTFS listing of each snapshot equals `fls -r -p -l` of vshadowmount's file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openContainer } from '../../electron/evidence/containers/index.js';
import { NtfsFilesystem } from '../../electron/evidence/filesystems/ntfs.js';
import { openVss } from '../../electron/formats/vss/index.js';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';
import { readerSha256 } from '../helpers/tsk-fs.js';
import { fls, haveTsk, ourListing } from '../unit/formats/ntfs/tsk.js';

const IMG = join(CORPUS, 'plaso/test_data/vsstest.qcow2');
const skip = !HAVE_CORPUS || !existsSync(IMG) ? 'corpus not present' : false;
const haveVshadow = spawnSync('vshadowinfo', ['-V']).status === 0 && spawnSync('vshadowmount', ['-V']).status === 0;
const canMount = haveVshadow && existsSync('/dev/fuse') && spawnSync('qemu-img', ['--version']).status === 0 && haveTsk();

/** From `vshadowinfo` / `vshadowmount` 20190323 on the qemu-img raw of vsstest.qcow2. */
const PINNED = [
  { id: '600f0b69-5bdf-11e3-9d6c-005056c00008', setId: '0a4e3901-6abb-48fc-95c2-6ab9e38e9e71', shadowId: '4e3c03c2-7bc6-4288-ad96-c1eac1a55f71', created: 'Dec 03, 2013 06:35:09.736378700 UTC', flags: 0x00420009, sha256: 'c8ada35c641a68447640b250f35e623b7f619aaae26bd55a06b8d4c34ebed1da' },
  { id: '600f0b6d-5bdf-11e3-9d6c-005056c00008', setId: '8438a0ee-0f06-443b-ac0c-2905647ca5d6', shadowId: '18f1ac6e-959d-436f-bdcc-e797a729e290', created: 'Dec 03, 2013 06:37:48.919058300 UTC', flags: 0x00420009, sha256: '41f940d92a534dd8e940a4983d2a766bcb262373f9dc2006851e81fa3a1fa2f2' },
];

/** vshadowinfo's `Dec 03, 2013 06:35:09.736378700 UTC` → FILETIME ticks. */
function ticks(s: string): bigint {
  const m = /^(\w{3}) (\d\d), (\d{4}) (\d\d):(\d\d):(\d\d)\.(\d{9}) UTC$/.exec(s)!;
  const month = 'JanFebMarAprMayJunJulAugSepOctNovDec'.indexOf(m[1]!) / 3;
  const ms = Date.UTC(+m[3]!, month, +m[2]!, +m[4]!, +m[5]!, +m[6]!);
  return (BigInt(ms) + 11_644_473_600_000n) * 10_000n + BigInt(m[7]!) / 100n;
}

/** The store list `vshadowinfo` prints, in the PINNED shape (without the hash). */
function vshadowinfo(raw: string): Omit<(typeof PINNED)[number], 'sha256'>[] {
  const out = execFileSync('vshadowinfo', [raw]).toString('utf8');
  return out.split(/\nStore: \d+\n/).slice(1).map((b) => {
    const f = (k: string): string => new RegExp(`${k}\\s*: (.*)`).exec(b)![1]!.trim();
    return { id: f('Identifier'), setId: f('Shadow copy set ID'), shadowId: f('Shadow copy ID'), created: f('Creation time'), flags: parseInt(f('Attribute flags'), 16) };
  });
}

test('vsstest.qcow2: two stores with vshadowinfo\'s ids, times and identities; bytes equal vshadowmount', { skip }, async () => {
  const c = await openContainer(IMG);
  try {
    const vss = (await openVss(c.reader))!;
    assert.ok(vss, 'VSS header at 0x1e00');
    assert.equal(vss.stores.length, 2);
    for (const [i, s] of vss.stores.entries()) {
      const p = PINNED[i]!;
      assert.equal(s.index, i + 1);
      assert.equal(s.id, p.id);
      assert.equal(s.creationFiletime, ticks(p.created));
      assert.equal(s.volumeSize, 1073741824);
      assert.deepEqual([s.info?.shadowCopySetId, s.info?.shadowCopyId, s.info?.attributeFlags], [p.setId, p.shadowId, p.flags]);
      assert.equal(await readerSha256(vss.snapshot(s.index)), p.sha256, `store ${s.index} bytes`);
    }
    // The older store differs from the live volume: reconstruction really happened.
    assert.notEqual(PINNED[0]!.sha256, PINNED[1]!.sha256);
    assert.deepEqual((await vss.ranges(1)).map((r) => r.rel), [0xc000, 0xe600000]);
  } finally {
    await c.close();
  }
});

test('vsstest.qcow2: live vshadowinfo / vshadowmount / fls agree with our snapshots', { skip: skip || (!canMount && 'needs libvshadow-utils (vshadowinfo, vshadowmount), qemu-img, TSK and /dev/fuse') }, async () => {
  const dir = mkdtempSync(join(tmpdir(), '3cx-vss-corpus-'));
  const raw = join(dir, 'vsstest.raw');
  const mnt = join(dir, 'mnt');
  mkdirSync(mnt);
  execFileSync('qemu-img', ['convert', '-O', 'raw', IMG, raw]);
  const fuse = spawn('vshadowmount', ['-X', 'allow_root', raw, mnt], { stdio: 'ignore' });
  const c = await openContainer(IMG);
  try {
    assert.deepEqual(vshadowinfo(raw), PINNED.map(({ sha256: _, ...rest }) => rest));
    for (let i = 0; i < 100 && !existsSync(join(mnt, 'vss2')); i++) await new Promise((r) => setTimeout(r, 100));
    const vss = (await openVss(c.reader))!;
    for (const s of vss.stores) {
      const file = join(mnt, `vss${s.index}`);
      assert.equal(execFileSync('sha256sum', [file]).toString().split(' ')[0], PINNED[s.index - 1]!.sha256, `vshadowmount vss${s.index}`);
      const fs = await NtfsFilesystem.open(vss.snapshot(s.index));
      // Slack names past TSK 4.11's 2019 time cap are ours alone (tsk.ts tskSeesSlack).
      const pastTsk: string[] = [];
      const ours = (await ourListing(fs, pastTsk)).map((l) => l.line).sort();
      const theirs = fls(file, 0).map((l) => l.line).sort();
      assert.deepEqual(ours, theirs, `fls of vss${s.index}`);
      assert.deepEqual(pastTsk, [], `slack names of vss${s.index} TSK cannot see`);
      assert.ok(ours.length > 30);
    }
  } finally {
    await c.close();
    spawnSync('umount', [mnt]);
    fuse.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

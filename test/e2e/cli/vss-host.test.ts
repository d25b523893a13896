/**
 * A Windows host whose 3CX install was removed from the live volume but survives in a shadow copy
 * (test/fixtures/vss/make-vss-host.sh: win-compromised on NTFS, snapshot, uninstall, VSS added by
 * make-vss.py). The shadow copy must read back as the state it was taken from (and as
 * vshadowmount reads it), the disk image's host must carry it as an extra view, the plugins must
 * find the app tree and timer only there, citing `vss {guid} created <UTC>`, and the verdict from
 * the snapshot's records must be `compromised` while the live volume alone says `not-present`.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatRef } from '../../../electron/common/evidence-ref.js';
import { pluginsFor, runPlugins, type AppFileRecord, type ArtefactRecord } from '../../../electron/artefacts/index.js';
import { runPluginsOverViews } from '../../../electron/engine/extra-views.js';
import { analyseHost } from '../../../electron/analysis/host-analysis.js';
import { digestKey, type Digest } from '../../../electron/analysis/digests.js';
import { loadBuiltinIocs } from '../../../electron/analysis/ioc/index.js';
import { openEvidence } from '../../../electron/evidence/open.js';
import { openRef } from '../../../electron/evidence/resolve.js';
import { FsTarget } from '../../../electron/evidence/target.js';
import type { ExtraView } from '../../../electron/evidence/loaders/shadow-copies.js';
import { NtfsFilesystem } from '../../../electron/evidence/filesystems/ntfs.js';
import { openVss } from '../../../electron/formats/vss/index.js';
import { FileReader } from '../../../electron/io/file-reader.js';
import { forEachChunk } from '../../../electron/io/reader.js';
import '../../../electron/evidence/loaders/index.js';
import { readerSha256 } from '../../helpers/tsk-fs.js';
import { fls, ourListing } from '../../unit/formats/ntfs/tsk.js';
import { hasMingw, ROOT, runCli, scanJson, tmp } from '../../helpers/cli.js';

const tools = ['mkntfs', 'ntfs-3g', 'sfdisk', 'icat', 'python3'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);
const root = process.getuid?.() === 0 && existsSync('/dev/fuse');
const skip = !hasMingw() ? 'mingw-w64 not installed' : !tools ? 'mkntfs/ntfs-3g/sfdisk/icat/python3 not all installed' : !root ? 'needs root and /dev/fuse to build NTFS images' : false;
const haveVshadow = spawnSync('vshadowinfo', ['-V']).status === 0 && spawnSync('vshadowmount', ['-V']).status === 0;

const STORE = '2e386665-92ab-576d-aa4b-d5500570cde3'; // make-vss.py's deterministic GUID for store 0
const APP = '/Users/alice/AppData/Local/Programs/3CXDesktopApp';
const sha256 = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

async function digestOf(f: AppFileRecord): Promise<Digest> {
  const r = await openRef(f.ref);
  const h = { md5: createHash('md5'), sha1: createHash('sha1'), sha256: createHash('sha256') };
  try {
    await forEachChunk(r, 1 << 20, (c) => { for (const x of Object.values(h)) x.update(c); });
    return { size: r.size, md5: h.md5.digest('hex'), sha1: h.sha1.digest('hex'), sha256: h.sha256.digest('hex') };
  } finally {
    await r.close();
  }
}

describe('a 3CX install kept only by a volume shadow copy', { skip }, () => {
  let dir = '';
  before(() => {
    dir = tmp('vss-host');
    const r = spawnSync('bash', [join(ROOT, 'test/fixtures/vss/make-vss-host.sh'), dir], { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`make-vss-host.sh failed: ${r.stderr}`);
  });

  test('the snapshot reads back as the state it was taken from; vshadowinfo, vshadowmount and fls agree', async () => {
    const vol = await FileReader.open(join(dir, 'win-vss-volume.raw'));
    try {
      const vss = (await openVss(vol))!;
      assert.deepEqual(vss.stores.map((s) => [s.index, s.id, s.created, s.volumeSize]), [[1, STORE, '2023-03-27T12:00:00.000Z', 48 * 1024 * 1024]]);
      assert.equal(await readerSha256(vss.snapshot(1)), sha256(join(dir, 'state1.raw')));
      assert.notEqual(sha256(join(dir, 'current.raw')), sha256(join(dir, 'state1.raw')));
      // The live volume is still a clean NTFS for other tools (the VSS header sits in the boot area).
      assert.ok(fls(join(dir, 'win-vss-volume.raw'), 0).length > 20);
      if (!haveVshadow) return;
      const info = execFileSync('vshadowinfo', [join(dir, 'win-vss-volume.raw')]).toString();
      assert.match(info, new RegExp(`Number of stores:\\s+1[\\s\\S]*Identifier\\s+: ${STORE}[\\s\\S]*Creation time\\s+: Mar 27, 2023 12:00:00\\.000000000 UTC`));
      const mnt = join(dir, 'mnt');
      mkdirSync(mnt);
      const fuse = spawn('vshadowmount', [join(dir, 'win-vss-volume.raw'), mnt], { stdio: 'ignore' });
      try {
        for (let i = 0; i < 100 && !existsSync(join(mnt, 'vss1')); i++) await new Promise((r) => setTimeout(r, 100));
        assert.equal(sha256(join(mnt, 'vss1')), sha256(join(dir, 'state1.raw')));
        const ours = (await ourListing(await NtfsFilesystem.open(vss.snapshot(1)))).map((l) => l.line).sort();
        assert.deepEqual(ours, fls(join(mnt, 'vss1'), 0).map((l) => l.line).sort());
        assert.ok(ours.some((l) => l.startsWith('r Users/alice/AppData/Local/Programs/3CXDesktopApp/app/manifest')));
      } finally {
        spawnSync('umount', [mnt]);
        fuse.kill();
      }
    } finally {
      await vol.close();
    }
  });

  test('the image host carries the shadow copy; plugins find 3CX only there, cite it, and it decides the verdict', async () => {
    const opened = await openEvidence(join(dir, 'win-vss.raw'), 'E1');
    try {
      assert.deepEqual(opened.item.errors, []);
      const host = opened.hosts[0]! as (typeof opened.hosts)[number] & { extraViews?: ExtraView[] };
      assert.deepEqual(host.extraViews?.map((v) => v.label), [`shadow copy 1 {${STORE}} created 2023-03-27T12:00:00.000Z`]);
      const iocs = await loadBuiltinIocs(join(ROOT, 'assets'));
      const plugins = pluginsFor(new Set());
      const live = await FsTarget.create('E1', host.fs);
      assert.equal(live.os, 'windows');
      const liveRun = await runPlugins(live, plugins);
      assert.equal(await live.resolve(APP), null, 'the live volume no longer has the app');
      const views = await runPluginsOverViews('E1', host.extraViews!, plugins, live.os);
      const files = views.records.filter((r): r is AppFileRecord => r.type === 'app-file');
      const byPath = new Map(files.map((f) => [f.ref.path, f]));
      for (const p of [`${APP}/app/ffmpeg.dll`, `${APP}/app/d3dcompiler_47.dll`]) assert.ok(byPath.has(p), p);
      const ff = byPath.get(`${APP}/app/ffmpeg.dll`)!;
      assert.match(formatRef(ff.ref), new RegExp(`^E1 › image win-vss\\.raw › raw › gpt #0 @ 1048576 › vss \\{${STORE}\\} created 2023-03-27T12:00:00\\.000Z › ntfs vol0@vss1 › ${APP}/app/ffmpeg\\.dll`));
      // A hash worker re-opens the snapshot's file from the ref alone: same bytes as in the state image.
      const state = await FileReader.open(join(dir, 'state1.raw'));
      try {
        const want = await readerSha256(await (await NtfsFilesystem.open(state)).open(`${APP}/app/ffmpeg.dll`));
        assert.equal((await digestOf(ff)).sha256, want);
      } finally {
        await state.close();
      }
      const digests = new Map<string, Digest>();
      for (const f of files) digests.set(digestKey(f.ref), await digestOf(f));
      const verdict = (records: ArtefactRecord[]) => analyseHost({ os: 'windows', records, digests, iocs, readable: true });
      assert.equal(verdict(liveRun.records).verdict, 'not-present');
      const both = verdict([...liveRun.records, ...views.records]);
      assert.equal(both.verdict, 'compromised');
      const timer = both.stages.find((s) => s.id === 'dormancy-timer')!;
      assert.equal(timer.status, 'observed');
      assert.ok(timer.evidence.some((e) => e.path === `${APP}/app/manifest`));
    } finally {
      await opened.close();
    }
  });

  test('scan and ls through the CLI: the shadow copy decides the verdict; ls lists /vol1@vss1', () => {
    const { result } = scanJson([join(dir, 'win-vss.raw')]);
    const h = result.hosts[0]!;
    assert.equal(h.verdict, 'compromised');
    const timer = h.stages.find((s) => s.id === 'dormancy-timer')!;
    assert.equal(timer.status, 'observed');
    assert.ok(timer.evidence.every((e) => /› vss \{[0-9a-f-]+\} created 2023-03-27T12:00:00\.000Z › ntfs vol0@vss1 › /.test(e.citation ?? '')), 'cited through the shadow copy');
    assert.ok(h.coverage?.some((c) => /shadow copy 1 .*earlier state of this host/.test(c.detail)));
    const ffmpeg = (h.files ?? []).filter((f) => f.path === `${APP}/app/ffmpeg.dll`);
    assert.equal(ffmpeg.length, 1, 'only the copy holds it');
    assert.ok(ffmpeg[0]!.sha256);
    const ls = runCli(['ls', join(dir, 'win-vss.raw'), '/']);
    assert.equal(ls.status, 0, ls.stderr);
    assert.deepEqual(ls.stdout.trim().split('\n').map((l) => l.split('\t').at(-1)), ['/vol1', '/vol1@vss1']);
    const inCopy = runCli(['ls', join(dir, 'win-vss.raw'), `/vol1@vss1${APP}/app`]);
    assert.ok(inCopy.stdout.includes(`/vol1@vss1${APP}/app/ffmpeg.dll`));
    assert.equal(runCli(['ls', join(dir, 'win-vss.raw'), `/vol1${APP}/app`]).stdout.trim(), '', 'the live volume no longer has it');
  });
});

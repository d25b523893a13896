import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostResult } from '../../../electron/common/scan-result.js';
import { hasMingw, ROOT, scanJson, tmp } from '../../helpers/cli.js';

// KAPE's container output (--vhdx, then --zv) scanned as an examiner receives it: the bare VHDX
// and the ZIP holding it (stored and deflated) must reach the same verdict, stages and file hashes
// as the KAPE folder layout (the tdest folder, kape-win.zip) and the live folder, citing every
// layer down to C/.
const tools = ['mkntfs', 'ntfs-3g', 'sfdisk', 'qemu-img', 'zip', 'tar'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);
const root = process.getuid?.() === 0 && existsSync('/dev/fuse');
const skip = !hasMingw() ? 'mingw-w64 not installed' : !tools ? 'mkntfs/ntfs-3g/sfdisk/qemu-img/zip/tar not all installed' : !root ? 'needs root and /dev/fuse to build NTFS images' : false;

function build(script: string, ...args: string[]): void {
  const r = spawnSync('bash', [join(ROOT, script), ...args], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
}

const essence = (h: HostResult) => ({
  os: h.os,
  verdict: h.verdict,
  stages: h.stages.map((s) => `${s.id}:${s.status}`),
  installs: h.installs.map((i) => `${i.version}/${i.user}/${i.affected}`),
  hashes: (h.files ?? []).map((f) => `${f.path}:${f.sha256}`).sort(),
});

const FFMPEG = 'Users/alice/AppData/Local/Programs/3CXDesktopApp/app/ffmpeg.dll';

describe('KAPE VHDX output reaches the KAPE folder layout\'s and the live folder\'s verdict', { skip }, () => {
  let colls = '';
  let kv = '';
  let ioc = '';
  before(() => {
    colls = tmp('collections');
    kv = tmp('kape-vhdx');
    build('test/fixtures/collections/make-collections.sh', colls);
    build('test/fixtures/collections/make-kape-vhdx.sh', kv, colls);
    // An indicator on the stand-in ffmpeg.dll's SHA-1: the copy log's record of it must match too.
    const sha1 = createHash('sha1').update(readFileSync(join(colls, 'hosts', 'win-compromised', FFMPEG))).digest('hex');
    ioc = join(tmp('ioc'), 'ffmpeg.csv');
    writeFileSync(ioc, `type,value,description\nsha1,${sha1},test indicator on the stand-in ffmpeg.dll\n`);
  });

  test('bare VHDX, stored and deflated --zv ZIPs: same essence, layout kape, citations through the vhdx layer', () => {
    const live = scanJson([join(colls, 'hosts', 'win-compromised')]).result.hosts[0]!;
    assert.equal(live.verdict, 'compromised');
    // The KAPE folder layout, as the tdest folder itself and zipped (--zip).
    for (const f of [join(colls, 'stage', 'kape-win'), join(colls, 'kape-win.zip')]) {
      const folder = scanJson([f]).result;
      assert.equal(folder.evidence[0]!.layout, 'kape', f);
      assert.deepEqual(essence(folder.hosts[0]!), essence(live), f);
    }
    const cases: [string, string][] = [
      ['2023-03-30T100000_WIN.vhdx', '^E1 › image 2023-03-30T100000_WIN\\.vhdx › vhdx › mbr #0 @ 1048576 › ntfs vol0 › subdir /C › '],
      ['kape-vhdx-stored.zip', '^E1 › archive kape-vhdx-stored\\.zip › zip 2023-03-30T100000_WIN\\.vhdx @ 0 › vhdx › mbr #0 @ 1048576 › ntfs vol0 › subdir /C › '],
      ['kape-vhdx-deflated.zip', '^E1 › archive kape-vhdx-deflated\\.zip › zip 2023-03-30T100000_WIN\\.vhdx @ 0 › vhdx › mbr #0 @ 1048576 › ntfs vol0 › subdir /C › '],
    ];
    for (const [f, cite] of cases) {
      const { result } = scanJson([join(kv, f), '--ioc', ioc]);
      assert.equal(result.evidence[0]!.layout, 'kape', f);
      assert.equal(result.hosts.length, 1, f);
      const h = result.hosts[0]!;
      assert.deepEqual(essence(h), essence(live), f);
      assert.equal(h.files!.length, essence(live).hashes.length, f);
      assert.ok(h.files!.every((x) => x.sha256 && new RegExp(cite).test(x.citation ?? '')), `${f}: every file hashed and cited through the vhdx layer`);
      const timer = h.stages.find((s) => s.id === 'dormancy-timer')!.evidence[0]!.citation!;
      assert.match(timer, new RegExp(`${cite}/Users/alice/AppData/Local/Programs/3CXDesktopApp/app/manifest`), f);
      // The copy log's SHA-1 of ffmpeg.dll matched the indicator (a stage observation of its own).
      assert.ok(h.iocHits.some((x) => x.type === 'sha1' && x.path === `/${FFMPEG}`), `${f}: SHA-1 hit`);
      const logged = h.stages.flatMap((s) => s.evidence).find((e) => /^collector hash record \(KAPE 2023-03-30T10_00_00_1234567_CopyLog\.csv row \d+ \(C:\\Users\\alice\\/.test(e.artefact));
      assert.ok(logged, `${f}: copy-log SHA-1 observed`);
      assert.match(logged.citation ?? '', new RegExp(`${cite}/${FFMPEG} › KAPE `), f);
      assert.ok((h.coverage ?? []).some((c) => /KAPE's stock KapeTriage target/.test(c.detail)), f);
      // Times are the originals from the copy log, not the copy's.
      assert.ok(h.files!.every((x) => !x.modified?.startsWith('2023-03-30T10:00')), f);
    }
  });
});

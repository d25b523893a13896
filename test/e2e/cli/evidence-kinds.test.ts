import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HostResult } from '../../../electron/common/scan-result.js';
import { hasMingw, ROOT, scanJson, tmp } from '../../helpers/cli.js';

const tools = ['mkntfs', 'ntfs-3g', 'sfdisk', 'ewfacquire', 'qemu-img', 'zip', 'tar'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);
const root = process.getuid?.() === 0 && existsSync('/dev/fuse');
const skip = !hasMingw() ? 'mingw-w64 not installed' : !tools ? 'mkntfs/ntfs-3g/sfdisk/ewfacquire/qemu-img/zip/tar not all installed' : !root ? 'needs root and /dev/fuse to build NTFS images' : false;

function build(script: string, out: string, ...args: string[]): void {
  const r = spawnSync('bash', [join(ROOT, script), out, ...args], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
}

/** The parts of a verdict that must not depend on how the host's files were packed. */
const essence = (h: HostResult) => ({
  os: h.os,
  verdict: h.verdict,
  stages: h.stages.map((s) => `${s.id}:${s.status}`),
  installs: h.installs.filter((i) => !i.source.startsWith('installer file name')).map((i) => `${i.version}/${i.user}/${i.affected}`),
  hashes: (h.files ?? []).map((f) => `${f.path}:${f.sha256}`).sort(),
});

describe('every evidence kind reaches the live folder\'s verdict', { skip }, () => {
  let images = '';
  let colls = '';
  let hfs = '';
  before(() => {
    images = tmp('images');
    colls = tmp('collections');
    hfs = tmp('hfs');
    build('test/fixtures/collections/make-collections.sh', colls);
    // The images are built from the same host trees, so signed stand-ins hash the same.
    build('test/fixtures/images/make-host-images.sh', images, join(colls, 'hosts'));
    build('test/fixtures/hfs/make-hfs.sh', hfs);
  });

  test('Windows host as raw GPT disk, E01 and VHDX equals the live folder, citing image layers', () => {
    const live = scanJson([join(colls, 'hosts', 'win-compromised')]).result.hosts[0]!;
    assert.equal(live.verdict, 'compromised');
    for (const f of ['win-compromised.raw', 'win-compromised.E01', 'win-compromised.vhdx']) {
      const { result } = scanJson([join(images, f), '--verify']);
      const h = result.hosts[0]!;
      assert.deepEqual(essence(h), essence(live), f);
      const cite = h.stages.find((s) => s.id === 'dormancy-timer')!.evidence[0]!.citation!;
      assert.match(cite, new RegExp(`^E1 › image ${f.replace('.', '\\.')} › \\w+ › gpt #0 @ 1048576 › ntfs vol0 › /Users/alice/AppData/Local/Programs/3CXDesktopApp/app/manifest`));
      if (f.endsWith('.E01')) assert.equal(result.evidence[0]!.verification?.ok, true);
    }
  });

  test('Windows collections (Velociraptor, KAPE, CyLR, plain ZIP) equal the live folder', () => {
    const live = scanJson([join(colls, 'hosts', 'win-compromised')]).result.hosts[0]!;
    for (const [f, layout] of [['vr-win.zip', 'velociraptor'], ['kape-win.zip', 'kape'], ['cylr-win.zip', 'cylr'], ['plain-win.zip', 'plain']] as const) {
      const { result } = scanJson([join(colls, f)]);
      assert.equal(result.evidence[0]!.layout, layout, f);
      const h = result.hosts[0]!;
      assert.equal(h.verdict, live.verdict, f);
      // A collection may leave files behind (Velociraptor's ExcludeSigned skips signed DLLs): what it
      // holds must hash as on the host, and what it lacks is said in its coverage notes.
      const liveHashes = new Set(essence(live).hashes);
      for (const x of essence(h).hashes) assert.ok(liveHashes.has(x), `${f}: ${x}`);
      if (essence(h).hashes.length < liveHashes.size) assert.ok((h.coverage ?? []).some((c) => c.area === 'collection'), `${f} says what it could not hold`);
      assert.ok(h.stages.find((s) => s.id === 'dormancy-timer')!.evidence[0]!.citation!.includes('› archive '), f);
    }
  });

  test('Mac collections and HFS+ images reach the Mac verdicts', () => {
    for (const f of ['vr-mac.zip', 'uac-mac.tar.gz', 'plain-mac.tar', 'aftermath-mac.zip']) {
      const h = scanJson([join(colls, f)]).result.hosts[0]!;
      assert.deepEqual([h.os, h.verdict], ['macos', 'compromised'], f);
    }
    for (const f of ['hfsplus.img', 'hfsx.img', 'hfsplus-zlib.dmg', 'hfsplus-bzip2.dmg']) {
      const h = scanJson([join(hfs, f)]).result.hosts[0]!;
      assert.equal(h.os, 'macos', f);
      assert.equal(h.verdict, 'affected', f);
      assert.equal(h.installs[0]?.version, '18.12.416', f);
    }
  });

  test('a fleet archive is one host per collection; hostile archives harm nothing and are reported', () => {
    const fleet = scanJson([join(colls, 'fleet.zip')]).result;
    assert.deepEqual(fleet.hosts.map((h) => h.verdict).sort(), ['compromised', 'compromised']);
    const { result } = scanJson(['bomb-1g.zip', 'nested-bomb.zip', 'lying-size.zip', 'truncated-cd.zip', 'hostile-names.zip', 'hostile-names.tar'].map((f) => join(colls, f)));
    assert.equal(result.hosts.length, 6);
    assert.ok(result.errors.length > 0);
  });
});

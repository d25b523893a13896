/**
 * A Mac host on APFS: the mac-compromised and mac-clean trees written into APFS containers by our
 * own writer (test/fixtures/apfs/make-apfs.py; Linux cannot make or fill APFS), checked first by
 * independent readers (apfsck, libfsapfs's fsapfsinfo, The Sleuth Kit), then scanned: the image must
 * reach the live folder's verdict, stages, version and file hashes, citing the APFS layer.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readFileSync, readdirSync, statSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { HostResult, StageId } from '../../../electron/common/scan-result.js';
import { FileReader } from '../../../electron/io/file-reader.js';
import { readAll } from '../../../electron/io/reader.js';
import { openApfsContainer } from '../../../electron/evidence/filesystems/apfs.js';
import { ROOT, scanJson, tmp } from '../../helpers/cli.js';

const has = (t: string) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0;
const stage = (h: HostResult, id: StageId) => h.stages.find((s) => s.id === id)!;
const essence = (h: HostResult) => ({
  os: h.os, name: h.name, verdict: h.verdict,
  stages: h.stages.map((s) => `${s.id}:${s.status}:${s.firstSeen ?? ''}`),
  installs: h.installs.map((i) => `${i.version}/${i.user}/${i.affected}/${i.path}`),
  hashes: (h.files ?? []).map((f) => `${f.path}:${f.sha256}`).sort(),
});
const NOT_PARTITIONED = /^volumes: no partition table .* the disk is read as one volume$/;

/** Every path under a folder (relative, '/'-separated), and the sha256 of each regular file. */
function tree(dir: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = lstatSync(p);
      out.set(relative(dir, p), st.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : null);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'buffer', maxBuffer: 1 << 28 });

describe('Mac hosts on APFS images', () => {
  let dir = '';
  let vols: { name: string; src: string }[] = [];
  before(() => {
    dir = tmp('apfs');
    const r = spawnSync('bash', [join(ROOT, 'test/fixtures/apfs/make-apfs-hosts.sh'), dir], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`make-apfs-hosts.sh failed: ${r.stderr}`);
    vols = [{ name: 'Macintosh HD', src: join(dir, 'mac-compromised.split/system') }, { name: 'Macintosh HD - Data', src: join(dir, 'mac-compromised.split/data') }];
  });

  test('apfsck finds nothing wrong with either container', { skip: has('apfsck') ? false : 'apfsck (apfsprogs) not installed' }, () => {
    for (const f of ['mac-compromised.apfs', 'mac-clean.apfs']) {
      const r = spawnSync('apfsck', ['-w', join(dir, f)], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${f}: ${r.stdout}${r.stderr}`);
    }
  });

  test('libfsapfs lists every file of both volumes', { skip: has('fsapfsinfo') ? false : 'fsapfsinfo (libfsapfs-utils) not installed' }, () => {
    const out = run('fsapfsinfo', ['-H', join(dir, 'mac-compromised.apfs')]).stdout.toString('utf8');
    const listed = out.split('\n').filter((l) => l.startsWith('/{')).map((l) => l.replace(/^\/\{[0-9a-f-]{36}\}\/?/, '')).filter(Boolean).sort();
    const want = vols.flatMap((v) => [...tree(v.src).keys()]).sort();
    assert.deepEqual(listed, want);
  });

  test('The Sleuth Kit lists and reads back every file, through the GPT too', { skip: ['pstat', 'fls', 'icat'].every(has) ? false : 'sleuthkit not installed' }, () => {
    for (const [img, off] of [['mac-compromised.apfs', '0'], ['mac-compromised.img', '2048']] as const) {
      const blocks = [...run('pstat', ['-o', off, join(dir, img)]).stdout.toString().matchAll(/APSB Block Number: (\d+)/g)].map((m) => m[1]!);
      assert.equal(blocks.length, 2, img);
      blocks.forEach((b, i) => {
        const fls = run('fls', ['-o', off, '-B', b, '-r', '-p', join(dir, img)]).stdout.toString('utf8').trim().split('\n');
        const want = tree(vols[i]!.src);
        assert.deepEqual(fls.map((l) => l.split('\t')[1]).sort(), [...want.keys()].sort(), `${img} ${vols[i]!.name}`);
        for (const l of fls.filter((x) => x.startsWith('r/r'))) {
          const [meta, path] = l.split('\t') as [string, string];
          if (statSync(join(vols[i]!.src, path)).size === 0) continue; // TSK gives an empty file no data attribute to icat
          const data = run('icat', ['-o', off, '-B', b, join(dir, img), meta.match(/(\d+):$/)![1]!]).stdout;
          assert.equal(createHash('sha256').update(data).digest('hex'), want.get(path), `${img} ${path}`);
        }
      });
    }
  });

  test('our reader gives times in ns, modes and the quarantine xattr as written', async () => {
    const reader = await FileReader.open(join(dir, 'mac-compromised.apfs'));
    try {
      const { volumes } = await openApfsContainer(reader, []);
      assert.deepEqual(volumes.map((v) => [v.name, v.role]), [['Macintosh HD', 'system'], ['Macintosh HD - Data', 'data']]);
      const data = volumes[1]!.fs!;
      const rel = 'Applications/3CX Desktop App.app/Contents/MacOS/3CX Desktop App';
      const src = statSync(join(vols[1]!.src, rel), { bigint: true });
      const ino = (await data.inode(`/${rel}`))!;
      assert.deepEqual([ino.modTime, ino.createTime, ino.mode], [src.mtimeNs, src.mtimeNs, Number(src.mode)]);
      const names = (await data.xattrs(`/${rel}`)).map((x) => x.name);
      if (names.length) assert.equal(new TextDecoder().decode(await readAll(await data.openXattr(`/${rel}`, 'com.apple.quarantine'), 4096)), '0083;641aa1b0;Safari;8C2F0A9E-1D2B-4C3D-9E8F-0A1B2C3D4E5F');
    } finally {
      await reader.close();
    }
  });

  test('mac-compromised on APFS (GPT disk and bare container) equals the live folder, citing the APFS volume', () => {
    const live = scanJson([join(dir, 'mac-compromised')]).result.hosts[0]!;
    assert.equal(live.verdict, 'compromised');
    for (const f of ['mac-compromised.img', 'mac-compromised.apfs']) {
      const { result } = scanJson([join(dir, f)]);
      const h = result.hosts[0]!;
      assert.deepEqual(essence(h), essence(live), f);
      assert.equal(h.installs[0]?.version, '18.12.416', f);
      for (const id of ['installer', 'installed', 'trojanized-library', 'executed', 'second-stage'] as const) assert.equal(stage(h, id).status, 'observed', `${f} ${id}`);
      const layer = f.endsWith('.img') ? 'gpt #0 @ 1048576' : 'volume #0 @ 0';
      const cite = (id: StageId) => stage(h, id).evidence.map((e) => e.citation ?? '');
      assert.ok(cite('installer').some((c) => new RegExp(`^E1 › image ${f.replace('.', '\\.')} › raw › ${layer} › apfs [0-9a-f-]{36} › /Users/alice/Library/Preferences/com\\.apple\\.LaunchServices\\.QuarantineEventsV2`).test(c)), `${f}: ${cite('installer').join(' | ')}`);
      assert.ok(cite('second-stage').some((c) => / › apfs [0-9a-f-]{36} › \/Users\/alice\/Library\/Application Support\/3CX Desktop App\/UpdateAgent/.test(c)), f);
      assert.ok(h.timeline.length > 0 && h.timeline.length === live.timeline.length, f);
      assert.deepEqual(result.evidence[0]!.errors.filter((e) => !NOT_PARTITIONED.test(e.message)), [], f);
    }
  });

  // macOS 11+ puts System and Data in a volume group whose System inode numbers start near 2^60
  // (0x0FFFFFFF00000010 here), past 2^53: ids must stay exact through keys, records and FileEntry.id.
  test('volume group: System inode numbers past 2^53 are exact and equal TSK fls', { skip: ['pstat', 'fls'].every(has) ? false : 'sleuthkit not installed' }, async () => {
    const img = join(dir, 'mac-compromised-vg.apfs');
    const blocks = [...run('pstat', [img]).stdout.toString().matchAll(/APSB Block Number: (\d+)/g)].map((m) => m[1]!);
    const reader = await FileReader.open(img);
    try {
      const { volumes } = await openApfsContainer(reader, []);
      assert.deepEqual(volumes.map((v) => [v.name, v.role, v.error]), [['Macintosh HD', 'system', undefined], ['Macintosh HD - Data', 'data', undefined]]);
      for (const [i, v] of volumes.entries()) {
        const fs = v.fs!;
        const ours: string[] = [];
        const walk = async (d: string): Promise<void> => {
          for (const e of await fs.readdir(d)) {
            ours.push(`${e.type === 'file' ? 'r' : e.type[0]}/${e.id}:${e.path.slice(1)}`);
            if (e.type === 'dir') await walk(e.path);
          }
        };
        await walk('/');
        const tsk = run('fls', ['-B', blocks[i]!, '-r', '-p', img]).stdout.toString('utf8').trim().split('\n')
          .map((l) => /^([rdl])\/[rdl] (\d+):\t(.*)$/.exec(l)!).map((m) => `${m[1]}/${m[2]}:${m[3]}`);
        assert.deepEqual(ours.sort(), tsk.sort(), v.name);
      }
      const sys = volumes[0]!.fs!;
      const plist = (await sys.stat('/System/Library/CoreServices/SystemVersion.plist'))!;
      assert.equal(plist.id, String(0x0fffffff00000010n + 3n)); // System, Library, CoreServices, then the plist
      assert.ok(BigInt(plist.id!) > BigInt(Number.MAX_SAFE_INTEGER));
      assert.equal((await sys.inode('/System/Library/CoreServices/SystemVersion.plist'))!.parentId, 0x0fffffff00000012n);
      const want = readFileSync(join(vols[0]!.src, 'System/Library/CoreServices/SystemVersion.plist'));
      assert.deepEqual(Buffer.from(await readAll(await sys.open(plist.path), 1 << 20)), want);
    } finally {
      await reader.close();
    }
  });

  test('mac-compromised as a macOS 11+ volume group equals the live folder, joining System and Data', async () => {
    const img = join(dir, 'mac-compromised-vg.apfs');
    for (const tool of ['apfsck', 'fsapfsinfo'].filter(has)) assert.equal(spawnSync(tool, tool === 'apfsck' ? [img] : ['-H', img]).status, 0, tool);
    const live = scanJson([join(dir, 'mac-compromised')]).result.hosts[0]!;
    const { result } = scanJson([img]);
    assert.equal(result.hosts.length, 1, 'one host: the System volume joined with its Data volume');
    const h = result.hosts[0]!;
    assert.deepEqual(essence(h), essence(live));
    assert.equal(h.verdict, 'compromised');
    // /Users lives on the Data volume (a firmlink target on a real Mac) and is cited through it.
    const reader = await FileReader.open(img);
    const uuids = (await openApfsContainer(reader, []).finally(() => reader.close())).volumes.map((v) => v.uuid);
    const cites = stage(h, 'second-stage').evidence.map((e) => e.citation ?? '');
    assert.ok(cites.some((c) => c.includes(` › apfs ${uuids[1]} › /Users/alice/Library/Application Support/3CX Desktop App/UpdateAgent`)), cites.join(' | '));
    assert.deepEqual(result.evidence[0]!.errors.filter((e) => !NOT_PARTITIONED.test(e.message)), []);
  });

  test('volume group with a damaged System fs tree: the failure is an evidence error, not silence', async () => {
    const bad = join(dir, 'vg-damaged.apfs');
    assert.equal(spawnSync('cp', ['--sparse=always', join(dir, 'mac-compromised-vg.apfs'), bad]).status, 0);
    const reader = await FileReader.open(bad);
    const at = await openApfsContainer(reader, []).then(async ({ volumes }) => {
      const sys = volumes[0]!.fs!.volume;
      return (await sys.omap.lookup(sys.info.rootTreeOid, sys.maxXid))!.paddr * sys.container.blockSize;
    }).finally(() => reader.close());
    const fd = openSync(bad, 'r+');
    writeSync(fd, Uint8Array.of(0xff), 0, 1, at + 100); // the System volume's fs-tree root: checksum breaks
    closeSync(fd);
    const { result } = scanJson([bad]);
    const msgs = result.evidence[0]!.errors.map((e) => e.message);
    assert.ok(msgs.some((m) => /^volume Macintosh HD: cannot look up \/System\/Library\/CoreServices: .*Fletcher-64/.test(m)), msgs.join(' | '));
  });

  test('mac-clean on one case-sensitive volume with fragmented files → clean, as the live folder', () => {
    const live = scanJson([join(dir, 'mac-clean')]).result.hosts[0]!;
    const h = scanJson([join(dir, 'mac-clean.apfs')]).result.hosts[0]!;
    assert.equal(h.verdict, 'clean', h.verdictReason);
    assert.equal(h.installs[0]?.version, '18.12.422');
    assert.equal(stage(h, 'trojanized-library').status, 'not-observed');
    assert.deepEqual(essence(h), essence(live));
  });
});

/**
 * The registry plugins over a temp Windows tree holding the hivex-made fixture hives at their
 * Windows paths (FolderFilesystem → FsTarget), plus a dirty copy of the user hive with a log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderFilesystem } from '../../../../electron/evidence/filesystems/folder.js';
import { FsTarget } from '../../../../electron/evidence/target.js';
import { runPlugins } from '../../../../electron/artefacts/runner.js';
import { readHostFacts, windowsRegistryHost } from '../../../../electron/artefacts/windows/registry-host.js';
import { windowsRegistryInstalls } from '../../../../electron/artefacts/windows/registry-installs.js';
import { makeAmcachePlugin, windowsAmcache } from '../../../../electron/artefacts/windows/amcache.js';
import { windowsShimCache } from '../../../../electron/artefacts/windows/shimcache.js';
import type { RegistryRecord } from '../../../../electron/artefacts/windows/registry-records.js';
import { fixtureHive } from '../../formats/regf/fixtures.js';

function tree(files: Record<string, Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), 'regtree-'));
  for (const [p, bytes] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), bytes);
  }
  mkdirSync(join(root, 'Windows/System32'), { recursive: true });
  return root;
}

async function run(root: string, plugins = [windowsRegistryHost, windowsRegistryInstalls, windowsAmcache, windowsShimCache]) {
  const target = await FsTarget.create('E1', await FolderFilesystem.open(root));
  const out = await runPlugins(target, plugins);
  return { target, out, recs: out.records as unknown as RegistryRecord[] };
}

const FULL = {
  // Mixed case on purpose: lookups are case-insensitive, as on NTFS.
  'Windows/System32/config/SOFTWARE': fixtureHive('SOFTWARE'),
  'Windows/System32/config/system': fixtureHive('SYSTEM'),
  'Windows/AppCompat/Programs/Amcache.hve': fixtureHive('Amcache.hve'),
  'Users/alice/ntuser.dat': fixtureHive('NTUSER.DAT'),
};

test('host facts: computer name, OS, MachineGuid, padding check absent, profiles', async () => {
  const root = tree(FULL);
  try {
    const target = await FsTarget.create('E1', await FolderFilesystem.open(root));
    const f = await readHostFacts(target);
    assert.equal(f.computerName, 'WS-FINANCE-07');
    assert.equal(f.osProductName, 'Windows 10 Pro');
    assert.equal(f.osBuild, '19045');
    assert.equal(f.machineGuid, '6f1c2a53-8d0e-4d2b-9a77-0c3c3c3c0001');
    assert.equal(f.certPaddingCheck, 'absent');
    assert.deepEqual(f.profiles.map((p) => [p.sid, p.user]), [['S-1-5-18', 'systemprofile'], ['S-1-5-21-1111111111-2222222222-3333333333-1001', 'alice']]);
    const src = f.sources.find((s) => s.fact === 'computerName')!;
    assert.equal(src.ref.path, '/Windows/System32/config/system');
    assert.equal(src.ref.within?.key, 'ControlSet001\\Control\\ComputerName\\ComputerName\\ComputerName');
    assert.deepEqual(src.ref.parser, { id: 'windows.registry-host', version: '1' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('installs, Amcache and ShimCache records for the 3CX scenario', async () => {
  const root = tree(FULL);
  try {
    const { out, recs } = await run(root);
    assert.deepEqual(out.failed, []);
    const installs = recs.filter((r) => r.type === 'registry-install');
    assert.deepEqual(installs.map((r) => [r.source, r.user, r.version, r.installDateIso, r.deleted]).sort(), [
      ['installer-userdata', 'alice', '18.12.416.0', '2023-03-20T00:00:00.000Z', false],
      ['user-uninstall', 'alice', '18.12.416.0', '2023-03-20T00:00:00.000Z', false],
    ]);
    const user = installs.find((r) => r.source === 'user-uninstall')!;
    assert.equal(user.publisher, '3CX Ltd');
    assert.equal(user.installLocation, 'C:\\Users\\alice\\AppData\\Local\\Programs\\3CXDesktopApp\\');
    assert.equal(user.ref.path, '/Users/alice/ntuser.dat');
    assert.equal(user.ref.within?.key, 'Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{4A1B2C3D-5E6F-4789-8ABC-DEF012345678}');
    assert.deepEqual(user.hive, { hive: '/Users/alice/ntuser.dat', dirty: false, logs: [], replayed: null });
    const ud = installs.find((r) => r.source === 'installer-userdata')!;
    assert.equal(ud.sid, 'S-1-5-21-1111111111-2222222222-3333333333-1001');
    assert.equal(ud.productKey, 'D3C2B1A4F6E59874A8CBED0F21436587');
    assert.ok(!recs.some((r) => r.type === 'registry-install' && /3CXPhone/.test(r.product)), '3CXPhone is not the Desktop App');

    const files = recs.filter((r) => r.type === 'amcache-file');
    assert.deepEqual(files.map((f) => [f.name, f.reason, f.sha1CoversWholeFile]), [
      ['3CXDesktopApp.exe', '3cx-path', false],
      ['ffmpeg.dll', '3cx-dll', true],
    ]);
    assert.equal(files[1]!.sha1, 'bf939c9c261d27ee7bb92325cc588624fca75429');
    assert.equal(files[0]!.linkDate, '2023-03-13T06:20:11.000Z');
    assert.equal(files[0]!.ref.within?.key, 'Root\\InventoryApplicationFile\\3cxdesktopapp.exe|5f7c1e2a9b3d4c6e');
    const apps = recs.filter((r) => r.type === 'amcache-app');
    assert.deepEqual(apps.map((a) => [a.name, a.version, a.installDate]), [['3CX Desktop App', '18.12.416.0', '2023-03-20T10:14:00.000Z']]);

    const shim = recs.filter((r) => r.type === 'shimcache');
    assert.deepEqual(shim.map((s) => [s.position, s.path.split('\\').pop(), s.lastModified]), [
      [1, '3CXDesktopApp.exe', '2023-03-20T10:15:00.000Z'],
      [2, 'Update.exe', '2023-03-20T10:14:00.000Z'],
      [3, '3CXDesktopApp-18.12.416.msi', '2023-03-20T10:13:00.000Z'],
    ]);
    assert.equal(shim[0]!.format, 'win10');
    const host = recs.find((r) => r.type === 'host-facts');
    assert.equal(host?.type === 'host-facts' && host.computerName, 'WS-FINANCE-07');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an Amcache SHA-1 the lead asks for is kept wherever the file was', async () => {
  const root = tree(FULL);
  try {
    const { recs } = await run(root, [makeAmcachePlugin(new Set(['a'.repeat(40)]))]);
    const hit = recs.filter((r) => r.type === 'amcache-file' && r.reason === 'sha1-match');
    assert.deepEqual(hit.map((r) => r.type === 'amcache-file' && r.path), ['c:\\windows\\system32\\notepad.exe']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a lone profile: NTUSER.DAT only; absent hives are no records and no failures; a damaged hive is an issue', async () => {
  const root = tree({ 'NTUSER.DAT': fixtureHive('NTUSER.DAT'), 'AppData/Local/x': new Uint8Array(1) });
  rmSync(join(root, 'Windows'), { recursive: true });
  try {
    const { out, recs } = await run(root);
    assert.deepEqual(out.failed, []);
    assert.deepEqual(recs.map((r) => r.type), ['registry-install']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const bad = fixtureHive('SYSTEM').slice(0, 4096);
  bad.fill(0x41, 0, 4);
  const root2 = tree({ ...FULL, 'Windows/System32/config/SYSTEM': bad });
  try {
    const { out, recs } = await run(root2);
    assert.deepEqual(out.failed, []);
    assert.ok(out.issues.some((i) => i.code === 'bad-signature' && i.parser === 'windows.shimcache@1'));
    assert.ok(recs.some((r) => r.type === 'registry-install'), 'the rest of the scan completes');
  } finally {
    rmSync(root2, { recursive: true, force: true });
  }
});

/**
 * The six macOS system-artefact plugins over a generated Mac root (make-mac.py for the host and
 * app bundle, make-artefacts.py for the artefacts), read through FolderFilesystem + FsTarget.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { FolderFilesystem } from '../../../../electron/evidence/filesystems/folder.js';
import { FsTarget } from '../../../../electron/evidence/target.js';
import { runPlugins } from '../../../../electron/artefacts/runner.js';
import { macosQuarantine } from '../../../../electron/artefacts/macos/quarantine.js';
import { macosKnowledgeC } from '../../../../electron/artefacts/macos/knowledgec.js';
import { macosInstallHistory } from '../../../../electron/artefacts/macos/install-history.js';
import { macosShipIt } from '../../../../electron/artefacts/macos/shipit.js';
import { macosXProtect } from '../../../../electron/artefacts/macos/xprotect.js';
import { macosLaunchItems } from '../../../../electron/artefacts/macos/launch-items.js';
import type { MacArtefactCoverageRecord, MacSystemRecord } from '../../../../electron/artefacts/macos/macos-records.js';
import { makeMac } from '../../formats/macho/mac-fixture.js';

const PLUGINS = [macosQuarantine, macosKnowledgeC, macosInstallHistory, macosShipIt, macosXProtect, macosLaunchItems];
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function script(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 10; i++) {
    const p = join(dir, 'test', 'fixtures', 'macos-artefacts', 'make-artefacts.py');
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  throw new Error('make-artefacts.py not found');
}

const HAVE_PYTHON = spawnSync('python3', ['-c', 'import sqlite3'], { encoding: 'utf8' }).status === 0;
const skip = HAVE_PYTHON ? false : 'python3 is required for the macOS fixtures';

async function scan(args: string[]) {
  const root = mkdtempSync(join(tmpdir(), 'mac-art-'));
  dirs.push(root);
  // The host part (SystemVersion.plist, users) makes the tree a macOS target.
  if (!makeMac(['--version', '18.12.416'], root)) throw new Error('python3 is required');
  const r = spawnSync('python3', [script(), root, ...args], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  const target = await FsTarget.create('E1', await FolderFilesystem.open(root));
  const out = await runPlugins(target, PLUGINS);
  const recs = out.records as unknown as MacSystemRecord[];
  const of = <T extends MacSystemRecord['type']>(t: T) => recs.filter((x): x is Extract<MacSystemRecord, { type: T }> => x.type === t);
  const cov = (a: MacArtefactCoverageRecord['artefact']) => of('macos-artefact-coverage').find((c) => c.artefact === a)!;
  return { target, out, of, cov, root };
}

test('an infected Mac: every plugin runs, no issues, each reports coverage', { skip }, async () => {
  const { target, out, cov } = await scan([]);
  assert.equal(target.os, 'macos');
  assert.deepEqual(out.failed, []);
  assert.deepEqual(out.issues, []);
  assert.deepEqual(out.ran, PLUGINS.map((p) => p.id));
  for (const a of ['quarantine', 'knowledgec', 'install-history', 'shipit', 'xprotect', 'launch-items'] as const) assert.equal(cov(a).state, 'examined', a);
});

test('QuarantineEventsV2: the DMG download (only in the WAL) with time, URL and agent', { skip }, async () => {
  const { of, cov } = await scan([]);
  const q = of('macos-quarantine-event');
  assert.equal(q.length, 2);
  const dmg = q.find((x) => x.match === '3cx-dmg')!;
  assert.equal(dmg.eventId, '8E0B6C4A-1D2F-4E3A-B5C6-7D8E9F0A1B2C');
  assert.equal(dmg.time, '2023-03-21T13:58:07.250Z');
  assert.equal(dmg.timeRaw, 701099887.25);
  assert.equal(dmg.agentName, 'Google Chrome');
  assert.equal(dmg.agentBundleId, 'com.google.Chrome');
  assert.equal(dmg.dataUrl, 'https://downloads-global.3cx.com/downloads/3CXDesktopApp-18.12.416.dmg');
  assert.equal(dmg.originUrl, 'https://www.3cx.com/phone-system/download-links/');
  assert.equal(dmg.fileName, '3CXDesktopApp-18.12.416.dmg');
  assert.equal(dmg.nameVersion, '18.12.416');
  assert.equal(dmg.quarantineTypeName, 'web-download');
  assert.equal(dmg.user, 'alice');
  assert.equal(dmg.ref.path, '/Users/alice/Library/Preferences/com.apple.LaunchServices.QuarantineEventsV2');
  assert.equal(dmg.ref.within?.key, 'LSQuarantineEvent/8E0B6C4A-1D2F-4E3A-B5C6-7D8E9F0A1B2C');
  assert.equal(dmg.ref.within?.recordId, 3);
  const other = q.find((x) => x.match === '3cx-other')!;
  assert.equal(other.fileName, '3cx-user-manual.pdf');
  assert.equal(other.nameVersion, null);
  const c = cov('quarantine');
  assert.equal(c.examined, 4);
  assert.equal(c.matched, 2);
  assert.ok(c.notes.some((n) => /QuarantineEventsV2-wal: \d+ committed WAL frame\(s\) replayed/.test(n)), c.notes.join('; '));
});

test('without the WAL replay the DMG row would be missed: --no-wal puts it in the main file, same result', { skip }, async () => {
  const { of, cov } = await scan(['--no-wal']);
  assert.equal(of('macos-quarantine-event').length, 2);
  assert.equal(cov('quarantine').notes.length, 0, 'no WAL file, nothing to say');
  assert.equal(of('macos-knowledgec-usage').length, 4);
});

test('KnowledgeC: /app/inFocus, /app/usage, /app/activity intervals of the 3CX app, system and user databases', { skip }, async () => {
  const { of, cov } = await scan([]);
  const k = of('macos-knowledgec-usage');
  assert.deepEqual(k.map((x) => [x.database, x.stream, x.start, x.end]), [
    ['system', '/app/usage', '2023-03-21T14:05:10.000Z', '2023-03-21T15:02:33.000Z'],
    ['system', '/app/inFocus', '2023-03-21T14:05:12.000Z', '2023-03-21T14:31:47.000Z'],
    ['system', '/app/activity', '2023-03-22T09:15:02.000Z', '2023-03-22T09:15:02.000Z'],
    ['user', '/app/usage', '2023-03-23T07:30:00.000Z', '2023-03-23T08:00:00.000Z'],
  ]);
  const usage = k[0]!;
  assert.equal(usage.bundleId, 'com.electron.3cx-desktop-app');
  assert.equal(usage.durationSeconds, 3443);
  assert.equal(usage.secondsFromGmt, 3600);
  assert.equal(usage.deviceId, '7A3E9C21-0B5D-4E8F-A1C2-D3E4F5061728');
  assert.equal(usage.created, '2023-03-21T15:02:33.500Z');
  assert.equal(usage.user, null);
  assert.equal(usage.objectId, 5);
  assert.equal(usage.ref.within?.recordId, 5);
  assert.equal(k[3]!.user, 'alice');
  const c = cov('knowledgec');
  assert.equal(c.examined, 8, '7 system rows + 1 user row');
  assert.equal(c.matched, 4);
});

test('InstallHistory: no 3CX entry by default (drag-installed app) and the coverage says so; a pkg entry is found', { skip }, async () => {
  const a = await scan([]);
  assert.equal(a.of('macos-install-history').length, 0);
  assert.equal(a.cov('install-history').examined, 3);
  assert.match(a.cov('install-history').notes[0]!, /drag.*DMG/);
  const b = await scan(['--install-history-3cx']);
  const h = b.of('macos-install-history');
  assert.equal(h.length, 1);
  assert.deepEqual({ ...h[0], ref: undefined }, {
    type: 'macos-install-history', platform: 'macos', index: 3, time: '2023-03-21T14:03:00.000Z', displayName: '3CX Desktop App',
    displayVersion: '18.12.416', packageIdentifiers: ['com.3cx.pkg.desktopapp'], processName: 'Installer', ref: undefined,
  });
});

test('ShipIt: state (JSON), log events in local time, and the staged update bundle\'s version', { skip }, async () => {
  const { of, cov } = await scan([]);
  const st = of('macos-shipit-state');
  assert.equal(st.length, 1);
  assert.equal(st[0]!.format, 'json');
  assert.equal(st[0]!.bundleIdentifier, 'com.electron.3cx-desktop-app');
  assert.equal(st[0]!.targetBundleUrl, 'file:///Applications/3CX%20Desktop%20App.app/');
  assert.equal(st[0]!.launchAfterInstallation, true);
  const log = of('macos-shipit-log');
  assert.deepEqual(log.map((l) => [l.line, l.event]), [[1, 'install-request'], [2, 'install-begin'], [3, 'bundle-moved'], [4, 'bundle-moved'], [7, 'install-done'], [8, 'quit']]);
  assert.equal(log[4]!.localTime, '2023-03-22T10:15:04.733');
  assert.equal(log[4]!.pid, 2231);
  const b = of('macos-shipit-update-bundle');
  assert.equal(b.length, 1);
  assert.equal(b[0]!.version, '18.12.416');
  assert.equal(b[0]!.bundleId, 'com.electron.3cx-desktop-app');
  assert.equal(b[0]!.time, '2023-03-22T09:14:00.000Z');
  assert.equal(cov('shipit').state, 'examined');
});

test('XProtect: remediator modules present and the RankStank report lines (removal of .main_storage / UpdateAgent)', { skip }, async () => {
  const { of, cov } = await scan([]);
  const x = of('macos-xprotect');
  assert.equal(x.length, 1);
  assert.equal(x[0]!.remediatorVersion, '99');
  assert.equal(x[0]!.signaturesVersion, '2166');
  assert.equal(x[0]!.hasRankStank, true);
  assert.equal(x[0]!.hasRoachFlight, true);
  assert.deepEqual(x[0]!.remediators, ['XProtectRemediatorKeySteal', 'XProtectRemediatorRankStank', 'XProtectRemediatorRoachFlight']);
  const tr = of('macos-xprotect-trace');
  assert.deepEqual(tr.map((t) => [t.line, t.remediation]), [[1, false], [2, false], [3, true], [4, true], [5, true]]);
  assert.deepEqual(tr[0]!.mentions, ['RankStank']);
  assert.deepEqual(tr[2]!.mentions, ['RankStank', '3cx-support-folder', 'main_storage']);
  assert.deepEqual(tr[3]!.mentions, ['RankStank', '3cx-support-folder', 'UpdateAgent']);
  assert.equal(tr[1]!.timeText, '2023-04-20 10:15:00.431+0200');
  assert.ok(cov('xprotect').notes.some((n) => /absence does not show/.test(n)));
});

test('Launch items: the UpdateAgent agent and the POOLRAT-style daemon; the benign agent is not reported', { skip }, async () => {
  const { of, cov } = await scan([]);
  const l = of('macos-launch-item').sort((a, b) => a.entry.path.localeCompare(b.entry.path));
  assert.deepEqual(l.map((x) => [x.scope, x.label, x.indicators, x.parsed]), [
    ['daemon', 'com.apple.quartzd', ['poolrat-quartz', 'poolrat-apdl'], true],
    ['user-agent', 'com.apple.updateagent', ['3cx-support-folder', 'update-agent', '3cx-name'], true],
  ]);
  assert.equal(l[1]!.user, 'alice');
  assert.deepEqual(l[1]!.programArguments, ['/Users/alice/Library/Application Support/3CX Desktop App/UpdateAgent']);
  assert.equal(l[1]!.runAtLoad, true);
  assert.equal(cov('launch-items').examined, 3);
});

test('a clean Mac: coverage examined, nothing matched', { skip }, async () => {
  const { out, of, cov } = await scan(['--clean']);
  assert.deepEqual(out.issues, []);
  for (const t of ['macos-quarantine-event', 'macos-knowledgec-usage', 'macos-install-history', 'macos-shipit-log', 'macos-xprotect-trace', 'macos-launch-item'] as const) assert.equal(of(t).length, 0, t);
  assert.equal(cov('quarantine').examined, 2);
  assert.equal(cov('shipit').state, 'absent');
  assert.equal(cov('launch-items').matched, 0);
});

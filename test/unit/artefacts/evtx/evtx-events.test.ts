/**
 * windows.evtx-events over a folder shaped like a Windows system volume holding the logs that
 * test/fixtures/evtx/make-evtx.py writes (a 3CX Desktop App install, run, beacon and detection).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderFilesystem } from '../../../../electron/evidence/filesystems/folder.js';
import { FsTarget } from '../../../../electron/evidence/target.js';
import { runPlugins } from '../../../../electron/artefacts/runner.js';
import { windowsEvtxEvents } from '../../../../electron/artefacts/windows/evtx-events.js';
import type { EventLogRecord } from '../../../../electron/artefacts/windows/event-records.js';
import { FIXTURES } from '../../formats/evtx/fixture.js';

async function scan(files: string[]): Promise<{ records: EventLogRecord[]; out: Awaited<ReturnType<typeof runPlugins>> }> {
  const root = mkdtempSync(join(tmpdir(), 'evtx-host-'));
  try {
    const logs = join(root, 'Windows', 'System32', 'winevt', 'Logs');
    mkdirSync(logs, { recursive: true });
    mkdirSync(join(root, 'Users', 'alice'), { recursive: true });
    for (const f of files) copyFileSync(join(FIXTURES, f), join(logs, f));
    const target = await FsTarget.create('E1', await FolderFilesystem.open(root));
    const out = await runPlugins(target, [windowsEvtxEvents]);
    const records = out.records.filter((r) => (r.type as string).startsWith('evtx-')) as unknown as EventLogRecord[];
    return { records, out };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const all = readdirSync(FIXTURES).filter((f) => f.endsWith('.evtx'));

test('MsiInstaller: install and removal of 3CX Desktop App 18.12.416, not 3CXPhone', async () => {
  const { records, out } = await scan(all);
  assert.deepEqual(out.failed, []);
  assert.deepEqual(out.issues, []);
  const msi = records.filter((r) => r.type === 'evtx-msi-installer');
  assert.deepEqual(msi.map((r) => [r.eventId, r.action, r.product, r.version, r.recordId]), [
    [1033, 'install', '3CX Desktop App', '18.12.416', 1],
    [11707, 'install', '3CX Desktop App', null, 2],
    [1034, 'remove', '3CX Desktop App', '18.12.416', 5],
    [11724, 'remove', '3CX Desktop App', null, 6],
  ]);
  const install = msi[0]!;
  assert.ok(install.type === 'evtx-msi-installer');
  assert.equal(install.manufacturer, '3CX Ltd');
  assert.equal(install.status, '0');
  assert.equal(install.userSid, 'S-1-5-21-1004336348-1177238915-682003330-1001');
  assert.equal(install.time, '2023-03-20T09:14:02.000000000Z');
  assert.equal(install.ref.path, '/Windows/System32/winevt/Logs/Application.evtx');
  assert.equal(install.ref.within?.recordId, 1);
  assert.deepEqual(install.ref.parser, { id: 'evtx', version: '1' });
});

test('Application Error 1000 names the faulting module', async () => {
  const { records } = await scan(['Application.evtx']);
  const crash = records.find((r) => r.type === 'evtx-app-crash');
  assert.ok(crash && crash.type === 'evtx-app-crash');
  assert.equal(crash.kind, 'error');
  assert.equal(crash.module, 'ffmpeg.dll');
  assert.equal(crash.appVersion, '18.12.416.0');
});

test('Sysmon: app process, DLL loads with hashes, manifest, DNS, network, and a shell child', async () => {
  const { records } = await scan(['Microsoft-Windows-Sysmon%4Operational.evtx']);
  const s = records.filter((r) => r.type === 'evtx-sysmon');
  assert.deepEqual(s.map((r) => (r.type === 'evtx-sysmon' ? `${r.eventId}:${r.match}` : '')), ['1:app-process', '7:dll-load', '7:dll-load', '11:manifest', '22:dns', '22:dns', '3:network', '1:child-of-app']);
  const [proc, ffmpeg, , manifest, dns1, dns2, net, child] = s as Extract<EventLogRecord, { type: 'evtx-sysmon' }>[];
  assert.equal(proc!.product, '3CX Desktop App');
  assert.equal(proc!.fileVersion, '18.12.416');
  assert.equal(proc!.hashes?.['SHA256'], 'fad482ded2e25ce9e1dd3d3ecc3227af714bdfbbde04347dbc1b21d6a3670405');
  assert.equal(ffmpeg!.hashes?.['SHA256'], '7986bbaee8940da11ce089383521ab420c443ab7b15ed42aed91fd31ce833896');
  assert.equal(ffmpeg!.signed, 'false');
  assert.match(manifest!.targetFilename ?? '', /\\3CXDesktopApp\\app\\manifest$/);
  assert.deepEqual([dns1!.queryName, dns2!.queryName], ['raw.githubusercontent.com', 'akamaitechcloudservices.com']);
  assert.equal(net!.destinationHostname, 'akamaitechcloudservices.com');
  assert.equal(child!.suspiciousChild, true);
  assert.equal(child!.commandLine, 'cmd.exe /c whoami');
  assert.equal(records.some((r) => r.type === 'evtx-sysmon' && /notepad/.test(r.image ?? '')), false);
});

test('Defender SamScissors detections and Security 4688 of the updater', async () => {
  const { records } = await scan(['Security.evtx', 'Microsoft-Windows-Windows Defender%4Operational.evtx']);
  const d = records.filter((r) => r.type === 'evtx-defender');
  assert.deepEqual(d.map((r) => (r.type === 'evtx-defender' ? [r.eventId, r.threatName, r.action] : [])), [
    [1116, 'Trojan:Win64/SamScissors.EM!MTB', 'Not Applicable'],
    [1117, 'Trojan:Win64/SamScissors.EM!MTB', 'Quarantine'],
  ]);
  const p = records.find((r) => r.type === 'evtx-process-audit');
  assert.ok(p && p.type === 'evtx-process-audit');
  assert.equal(p.updater, true);
  assert.match(p.commandLine ?? '', /--update https:\/\/pbx\.example\.com\/electron\/update\/win32\/18\.12/);
  assert.equal(p.userSid, 'S-1-5-21-1004336348-1177238915-682003330-1001');
});

test('a damaged log is an issue and the other logs are still read', async () => {
  const root = mkdtempSync(join(tmpdir(), 'evtx-host-'));
  try {
    const logs = join(root, 'Windows', 'System32', 'winevt', 'Logs');
    mkdirSync(logs, { recursive: true });
    copyFileSync(join(FIXTURES, 'Application.evtx'), join(logs, 'Application.evtx'));
    // Not an EVTX at all: the Security log is a copy of nothing.
    copyFileSync(join(FIXTURES, 'make-evtx.py'), join(logs, 'Security.evtx'));
    const target = await FsTarget.create('E1', await FolderFilesystem.open(root));
    const out = await runPlugins(target, [windowsEvtxEvents]);
    assert.deepEqual(out.failed, []);
    assert.equal(out.issues.length, 1);
    assert.equal(out.issues[0]!.code, 'bad-signature');
    assert.equal(out.records.filter((r) => (r.type as string) === 'evtx-msi-installer').length, 4);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** The small decoders behind the macOS artefact plugins, on hand-made inputs (including bad ones). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyQuarantine, urlFileName, type QuarantineRow } from '../../../../electron/artefacts/macos/quarantine.js';
import { parseShipItLog, parseShipItState } from '../../../../electron/artefacts/macos/shipit.js';
import { launchFacts, launchIndicators } from '../../../../electron/artefacts/macos/launch-items.js';
import { findTraces } from '../../../../electron/artefacts/macos/xprotect.js';
import { readInstallHistory } from '../../../../electron/artefacts/macos/install-history.js';
import { FolderFilesystem } from '../../../../electron/evidence/filesystems/folder.js';
import { FsTarget } from '../../../../electron/evidence/target.js';
import { runPlugins } from '../../../../electron/artefacts/runner.js';
import { macosQuarantine } from '../../../../electron/artefacts/macos/quarantine.js';
import { macosKnowledgeC } from '../../../../electron/artefacts/macos/knowledgec.js';
import type { MacSystemRecord } from '../../../../electron/artefacts/macos/macos-records.js';
import { makeMac } from '../../formats/macho/mac-fixture.js';

const row = (dataUrl: string | null, originUrl: string | null = null): QuarantineRow => ({
  rowid: 1, eventId: 'x', timeRaw: 0, agentBundleId: null, agentName: null, dataUrl, senderName: null, senderAddress: null, quarantineType: 0, originTitle: null, originUrl,
});

test('quarantine classification: DMG by path or by a fileName= query, other 3cx URLs, and non-matches', () => {
  assert.deepEqual(classifyQuarantine(row('https://h.invalid/a/3CX%20Desktop%20App-18.11.1213.dmg')), { match: '3cx-dmg', fileName: '3CX Desktop App-18.11.1213.dmg' });
  assert.equal(classifyQuarantine(row('https://cdn.invalid/get?id=7&fileName=3cxdesktopapp-latest.dmg'))?.match, '3cx-dmg');
  assert.equal(classifyQuarantine(row('https://x.invalid/file.zip', 'https://pbx.3cx.cloud/'))?.match, '3cx-other');
  assert.equal(classifyQuarantine(row('https://dl.google.com/googlechrome.dmg')), null);
  assert.equal(classifyQuarantine(row(null)), null);
  assert.equal(urlFileName('https://h.invalid/dir/%E0%A4%A.dmg?x=1'), '%E0%A4%A.dmg', 'bad escapes kept as written');
  assert.equal(urlFileName('https://h.invalid/'), 'h.invalid');
  assert.equal(urlFileName('file:///'), null);
});

test('ShipIt state: JSON, XML plist, and garbage', () => {
  const json = parseShipItState(new TextEncoder().encode('{"bundleIdentifier":"com.electron.3cx-desktop-app","launchAfterInstallation":1,"updateBundleURL":"file:///u/"}'));
  assert.deepEqual(json, { format: 'json', bundleIdentifier: 'com.electron.3cx-desktop-app', updateBundleUrl: 'file:///u/', targetBundleUrl: null, launchAfterInstallation: true });
  const xml = '<?xml version="1.0"?><plist version="1.0"><dict><key>targetBundleURL</key><string>file:///Applications/X.app/</string><key>launchAfterInstallation</key><false/></dict></plist>';
  assert.deepEqual(parseShipItState(new TextEncoder().encode(xml)), { format: 'plist', bundleIdentifier: null, updateBundleUrl: null, targetBundleUrl: 'file:///Applications/X.app/', launchAfterInstallation: false });
  assert.equal(parseShipItState(new TextEncoder().encode('{"a":')), null);
  assert.equal(parseShipItState(new TextEncoder().encode('[1,2]')), null);
  assert.equal(parseShipItState(new Uint8Array([0, 1, 2])), null);
});

test('ShipIt log: NSLog lines parsed, continuation lines skipped, versions collected', () => {
  const lines = parseShipItLog('2023-03-22 10:15:02.901 ShipIt[2231:41873] Beginning installation\n  NSFilePath = "/x";\n2023-03-22 10:16:00 ShipIt[9:a1] Installation error: could not install 18.12.416 over 18.12.407\ngarbage');
  assert.deepEqual(lines.map((l) => [l.line, l.event, l.localTime, l.pid, l.versions]), [
    [1, 'install-begin', '2023-03-22T10:15:02.901', 2231, []],
    [3, 'install-error', '2023-03-22T10:16:00', 9, ['18.12.416', '18.12.407']],
  ]);
});

test('launch items: parsed plist facts; unparseable bytes fall back to a raw-text search', () => {
  const xml = '<?xml version="1.0"?><plist version="1.0"><dict><key>Label</key><string>x</string><key>Program</key><string>/Library/Graphics/Quartz</string><key>RunAtLoad</key><true/></dict></plist>';
  assert.deepEqual(launchFacts(new TextEncoder().encode(xml)), { label: 'x', program: '/Library/Graphics/Quartz', programArguments: [], runAtLoad: true, parsed: true, indicators: ['poolrat-quartz'] });
  const broken = launchFacts(new TextEncoder().encode('<plist><dict><key>ProgramArguments</key><array><string>/private/etc/apdl.cf'));
  assert.equal(broken.parsed, false);
  assert.deepEqual(broken.indicators, ['poolrat-apdl']);
  assert.deepEqual(launchIndicators('/Applications/Microsoft AutoUpdate.app/Contents/MacOS/UpdateAgentX'), []);
  assert.deepEqual(launchIndicators('/etc/apdl.cf'), ['poolrat-apdl']);
});

test('XProtect traces: a bare app name counts only in XProtect reports or next to XProtect', () => {
  const log = 'Mar 30 10:00:01 host 3CX Desktop App[77]: started\nMar 30 10:00:02 host XProtect[1]: blocked /Applications/3CX Desktop App.app';
  assert.deepEqual(findTraces(log, false).map((t) => [t.line, t.timeText]), [[2, 'Mar 30 10:00:02']]);
  assert.equal(findTraces(log, true).length, 2);
  assert.deepEqual(findTraces('killed payload2-55554944839216049d683075bc3f5a8628778bb8 (RoachFlight)', false)[0]!.mentions, ['RoachFlight', 'payload2']);
});

test('InstallHistory: non-array top level and odd entries', () => {
  assert.equal(readInstallHistory({ a: 1 }), null);
  const e = readInstallHistory([1, { displayName: '3CX', date: new Date(Number.NaN), packageIdentifiers: ['a', 2] }])!;
  assert.deepEqual(e, [{ index: 1, time: null, displayName: '3CX', displayVersion: null, packageIdentifiers: ['a'], processName: null }]);
});

test('a corrupt QuarantineEventsV2 and a knowledgeC.db without ZOBJECT: issues and coverage, the plugins do not fail', async () => {
  const root = mkdtempSync(join(tmpdir(), 'mac-bad-'));
  try {
    if (!makeMac([], root)) return;
    const prefs = join(root, 'Users/alice/Library/Preferences');
    mkdirSync(prefs, { recursive: true });
    writeFileSync(join(prefs, 'com.apple.LaunchServices.QuarantineEventsV2'), Buffer.from('SQLite format 3\0' + 'x'.repeat(300)));
    writeFileSync(join(prefs, 'com.apple.LaunchServices.QuarantineEventsV2-wal'), Buffer.alloc(100, 1));
    const kdir = join(root, 'private/var/db/CoreDuet/Knowledge');
    mkdirSync(kdir, { recursive: true });
    writeFileSync(join(kdir, 'knowledgeC.db'), Buffer.alloc(0));
    const t = await FsTarget.create('E1', await FolderFilesystem.open(root));
    const out = await runPlugins(t, [macosQuarantine, macosKnowledgeC]);
    assert.deepEqual(out.failed, []);
    assert.equal(out.issues.length, 2);
    assert.deepEqual(out.issues.map((i) => [i.parser, i.code, i.evidence.path]), [
      ['macos.quarantine@1', 'unsupported-version', '/Users/alice/Library/Preferences/com.apple.LaunchServices.QuarantineEventsV2'],
      ['macos.knowledgec@1', 'truncated', '/private/var/db/CoreDuet/Knowledge/knowledgeC.db'],
    ]);
    const cov = (out.records as unknown as MacSystemRecord[]).filter((r) => r.type === 'macos-artefact-coverage');
    assert.deepEqual(cov.map((c) => c.type === 'macos-artefact-coverage' && [c.artefact, c.state]), [['quarantine', 'unreadable'], ['knowledgec', 'unreadable']]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

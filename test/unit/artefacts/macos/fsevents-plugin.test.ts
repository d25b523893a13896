/**
 * The FSEvents and unified-log plugins over a generated Mac root (make-mac.py for the host,
 * make-fsevents.py for the logs), read through FolderFilesystem + FsTarget.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { FolderFilesystem } from '../../../../electron/evidence/filesystems/folder.js';
import { FsTarget } from '../../../../electron/evidence/target.js';
import { runPlugins } from '../../../../electron/artefacts/runner.js';
import { fseventsIndicator, macosFsevents } from '../../../../electron/artefacts/macos/fsevents.js';
import { macosUnifiedLogs } from '../../../../electron/artefacts/macos/unified-logs.js';
import type { FseventsArtefactRecord, FseventsCoverageRecord, FseventsRecord } from '../../../../electron/artefacts/macos/fsevents-records.js';
import type { CoverageRecord } from '../../../../electron/artefacts/records.js';
import { makeMac } from '../../formats/macho/mac-fixture.js';
import { fseventsScript } from '../../formats/fsevents/fsevents-fixture.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const HAVE_PYTHON = spawnSync('python3', ['-c', 'pass']).status === 0;
const skip = HAVE_PYTHON ? false : 'python3 is required for the macOS fixtures';

async function scan(args: string[], tweak?: (root: string, fseventsd: string) => void) {
  const root = mkdtempSync(join(tmpdir(), 'mac-fsev-'));
  dirs.push(root);
  if (!makeMac([], root)) throw new Error('python3 is required');
  const r = spawnSync('python3', [fseventsScript(), root, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  tweak?.(root, (JSON.parse(r.stdout) as { dir: string }).dir);
  const target = await FsTarget.create('E1', await FolderFilesystem.open(root));
  const out = await runPlugins(target, [macosFsevents, macosUnifiedLogs]);
  const recs = out.records as unknown as (FseventsArtefactRecord | CoverageRecord)[];
  return {
    events: recs.filter((x): x is FseventsRecord => x.type === 'macos-fsevents'),
    cov: recs.find((x): x is FseventsCoverageRecord => x.type === 'macos-fsevents-coverage'),
    notes: recs.filter((x): x is CoverageRecord => x.type === 'coverage'),
    issues: out.issues,
  };
}

const SUP = '/Users/alice/Library/Application Support/3CX Desktop App';
const LIB = '/Applications/3CX Desktop App.app/Contents/Frameworks/Electron Framework.framework/Versions/A/Libraries/libffmpeg.dylib';

test('3CX paths become records with decoded flags, users and log-file time brackets; noise does not', { skip }, async () => {
  const { events, cov, issues } = await scan(['--version', 'mixed']);
  assert.deepEqual(issues, []);
  assert.deepEqual(events.map((e) => [e.indicator, e.path, e.eventId, e.flagNames.join('|'), e.logFile.split('/').pop()]), [
    ['dmg', '/Users/alice/Downloads/3CXDesktopApp-18.12.416.dmg', '0000000000001001', 'Created|Modified|ExtendedAttributeModified|IsFile', '0000000000001010'],
    ['app-bundle', '/Applications/3CX Desktop App.app', '0000000000001005', 'Created|IsDirectory', '0000000000001010'],
    ['app-bundle', '/Applications/3CX Desktop App.app/Contents/MacOS/3CX Desktop App', '0000000000001006', 'Created|Modified|IsFile', '0000000000001010'],
    ['libffmpeg', LIB, '0000000000001007', 'Created|Modified|IsFile', '0000000000001010'],
    ['support-folder', SUP, '0000000000002010', 'Created|IsDirectory', '0000000000002030'],
    ['main-storage', `${SUP}/.main_storage`, '0000000000002011', 'Created|Modified|IsFile', '0000000000002030'],
    ['session-lock', `${SUP}/.session-lock`, '0000000000002012', 'Created|IsFile', '0000000000002030'],
    ['update-agent', `${SUP}/UpdateAgent`, '0000000000002020', 'Created|Removed|InodeMetadataModified|Modified|IsFile', '0000000000002030'],
    ['shipit', '/Users/alice/Library/Caches/com.electron.3cx-desktop-app.ShipIt/update.AbCdEf/3CX Desktop App.app', '0000000000002ff0', 'Created|IsDirectory', '0000000000003000'],
    ['libffmpeg', LIB, '0000000000002ffe', 'Renamed|Modified|IsFile', '0000000000003000'],
    ['dmg', '/Users/bob/Downloads/3cxdesktopapp-latest.dmg', '0000000000003000', 'Removed|IsFile', '0000000000003000'],
  ]);
  const ua = events.find((e) => e.indicator === 'update-agent')!;
  assert.equal(ua.user, 'alice');
  assert.equal(ua.nodeId, '703');
  assert.equal(ua.formatVersion, 3);
  assert.deepEqual(ua.timeBracket, { notBefore: '2023-03-20T10:00:00.000Z', notAfter: '2023-03-22T09:20:00.000Z' });
  assert.equal(ua.logFileLastEventId, '0000000000002030');
  assert.match(ua.ref.within?.key ?? '', /^event 0x0000000000002020 \(page 1, inflated offset \d+\)$/);
  assert.deepEqual(events[0]!.timeBracket, { notBefore: null, notAfter: '2023-03-20T10:00:00.000Z' });
  assert.equal(events.at(-1)!.user, 'bob');
  assert.ok(cov);
  assert.deepEqual([cov.state, cov.files, cov.damagedFiles, cov.records, cov.matched], ['examined', 3, 0, 6 + 13 + 3, 11]);
  assert.deepEqual(cov.span, { from: '2023-03-20T10:00:00.000Z', to: '2023-03-29T12:00:00.000Z' });
});

test('Data-volume layout (/System/Volumes/Data/.fseventsd) is read the same way', { skip }, async () => {
  const { events, cov } = await scan(['--layout', 'data', '--version', '2']);
  assert.equal(events.length, 11);
  assert.ok(events.every((e) => e.formatVersion === 2 && e.logFile.startsWith('/System/Volumes/Data/.fseventsd/')));
  assert.equal(cov?.state, 'examined');
});

test('a damaged log file is an issue; the other files and its earlier records still count', { skip }, async () => {
  const { events, cov, issues } = await scan([], (_root, d) => {
    const f = join(d, '0000000000003000');
    truncateSync(f, statSync(f).size - 12);
  });
  assert.equal(issues.length, 1);
  assert.match(issues[0]!.message, /inflate|truncated|last DLS page/);
  assert.equal(cov?.damagedFiles, 1);
  assert.equal(events.filter((e) => e.logFile.endsWith('0000000000002030')).length, 4);
  assert.ok(cov?.notes.some((n) => n.includes('ended in damage')));
});

test('no .fseventsd: coverage says absent; unified logs present: a not-parsed coverage note names them', { skip }, async () => {
  const { events, cov, notes } = await scan([], (root, d) => {
    rmSync(d, { recursive: true });
    mkdirSync(join(root, 'private/var/db/diagnostics/Persist'), { recursive: true });
    writeFileSync(join(root, 'private/var/db/diagnostics/Persist/0000000000000001.tracev3'), 'x');
    writeFileSync(join(root, 'private/var/db/diagnostics/Persist/0000000000000002.tracev3'), 'x');
    appendFileSync(join(root, 'private/var/db/diagnostics/logdata.statistics.0.txt'), 'x');
  });
  assert.equal(events.length, 0);
  assert.equal(cov?.state, 'absent');
  assert.equal(notes.length, 1);
  assert.equal(notes[0]!.state, 'not-parsed');
  assert.equal(notes[0]!.area, 'logs');
  assert.equal(notes[0]!.platform, 'macos');
  assert.match(notes[0]!.detail, /^unified logs present at \/private\/var\/db\/diagnostics \(2 tracev3 files\) were not parsed/);
});

test('without unified logs there is no note about them', { skip }, async () => {
  const { notes } = await scan([]);
  assert.deepEqual(notes, []);
});

test('indicator rules: exact 3CX locations only', () => {
  const cases: [string, string | null][] = [
    [`${SUP}/UpdateAgent`, 'update-agent'],
    ['/Users/a/Library/Application Support/Other App/UpdateAgent', null],
    [`${SUP}/UpdateAgent.bak`, 'support-folder'],
    [`${SUP}/config.json`, 'support-folder'],
    [`${SUP}/Cache/data_1`, null],
    ['/Users/a/Library/Application Support/3CX Desktop App Helper.log', null],
    ['/Applications/3CX Desktop App.app/Contents/Resources/app.asar', null],
    ['/Applications/3CX Desktop App.app/Contents/Info.plist', 'app-bundle'],
    ['/Applications/Slack.app/Contents/Frameworks/Electron Framework.framework/Versions/A/Libraries/libffmpeg.dylib', null],
    ['/Users/a/Downloads/3CXDesktopApp-18.11.1213.dmg', 'dmg'],
    ['/Users/a/Downloads/other-3cx.dmg', null],
  ];
  for (const [p, want] of cases) assert.equal(fseventsIndicator(p), want, p);
});

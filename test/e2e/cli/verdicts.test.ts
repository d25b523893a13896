import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { HostResult, StageId } from '../../../electron/common/scan-result.js';
import { hasMingw, makeHosts, scanJson } from '../../helpers/cli.js';

const stage = (h: HostResult, id: StageId) => h.stages.find((s) => s.id === id)!;

describe('scan of live folders reaches the examiner verdict', { skip: hasMingw() ? false : 'mingw-w64 not installed: cannot build PE fixtures' }, () => {
  let dir = '';
  before(() => {
    dir = makeHosts();
  });

  test('Windows system volume with timer and C2 in app log → compromised', () => {
    const { result } = scanJson([join(dir, 'win-compromised')]);
    const h = result.hosts[0]!;
    assert.equal(h.os, 'windows');
    assert.equal(h.verdict, 'compromised');
    const inst = h.installs.find((i) => i.source.startsWith('pe-version'));
    assert.deepEqual([inst?.version, inst?.affected, inst?.user], ['18.12.416', true, 'alice']);
    for (const id of ['installed', 'trojanized-library', 'encrypted-payload', 'executed', 'dormancy-timer', 'beacon'] as const) {
      assert.equal(stage(h, id).status, 'observed', id);
      for (const e of stage(h, id).evidence) assert.ok(e.evidenceId === 'E1' && e.path.startsWith('/Users/alice/') && e.artefact && e.detail, `${id} cites its evidence`);
    }
    assert.equal(stage(h, 'dormancy-timer').firstSeen, '2023-03-21T08:30:00.000Z');
    assert.match(stage(h, 'dormancy-timer').evidence[0]!.detail, /2023-03-28T08:30:00\.000Z \(ascii unix seconds\)/);
    assert.equal(stage(h, 'second-stage').status, 'not-observed');
    assert.ok(h.iocHits.some((x) => x.type === 'domain' && x.value === 'msstorageboxes.com'));
    assert.ok(h.iocHits.some((x) => x.type === 'structure' && x.path.endsWith('/app/d3dcompiler_47.dll')));
    // The MSI in Downloads is named for 18.12.416, but a name alone is listed, not believed.
    assert.ok(h.installs.some((i) => i.source.startsWith('installer file name only') && i.path.endsWith('3CXDesktopApp-18.12.416.msi')));
    assert.equal(stage(h, 'installer').status, 'not-observed');
    assert.ok(h.timeline.length > 5 && h.timeline.every((t, i, a) => i === 0 || a[i - 1]!.time <= t.time));
  });

  test('trojanized build present but never run → affected', () => {
    const h = scanJson([join(dir, 'win-affected')]).result.hosts[0]!;
    assert.equal(h.verdict, 'affected');
    assert.equal(stage(h, 'installed').status, 'observed');
    assert.equal(stage(h, 'executed').status, 'not-observed');
    assert.equal(stage(h, 'dormancy-timer').status, 'not-observed');
    assert.equal(stage(h, 'beacon').status, 'not-assessed');
    assert.equal(h.installs.find((i) => i.source.startsWith('pe-version'))?.version, '18.12.407');
  });

  test('fixed and pre-compromise Windows builds → clean (18.11.1213 is clean on Windows)', () => {
    const h = scanJson([join(dir, 'win-clean')]).result.hosts[0]!;
    assert.equal(h.verdict, 'clean', h.verdictReason);
    assert.deepEqual(h.installs.map((i) => [i.user, i.version, i.affected]).sort(), [['carol', '18.12.425', false], ['dave', '18.11.1213', false]]);
    assert.equal(h.iocHits.length, 0);
    assert.ok(h.stages.filter((s) => s.status === 'observed').length === 0);
  });

  test('another Electron app with ffmpeg.dll and d3dcompiler_47.dll → not-present', () => {
    const h = scanJson([join(dir, 'win-not-present')]).result.hosts[0]!;
    assert.equal(h.verdict, 'not-present');
    assert.equal(h.installs.length, 0);
    assert.equal(stage(h, 'installed').status, 'not-observed');
  });

  test('a lone Windows profile with hostile file names → compromised, names kept verbatim', () => {
    const { result } = scanJson([join(dir, 'win-profile')]);
    const h = result.hosts[0]!;
    assert.equal(h.verdict, 'compromised');
    assert.equal(h.name, 'win-profile');
    assert.ok(h.timeline.some((t) => t.event.includes('x<svg onload=alert(1)>\nline "quoted"')));
  });

  test('uninstalled app: event logs and Prefetch still prove install, run, timer, beacon → compromised', () => {
    const h = scanJson([join(dir, 'win-uninstalled')]).result.hosts[0]!;
    assert.equal(h.verdict, 'compromised');
    assert.ok(h.installs.some((i) => i.version === '18.12.416' && i.affected === true && i.source.startsWith('MsiInstaller 1033 installed')));
    assert.equal(stage(h, 'installer').firstSeen, '2023-03-20T09:14:02.000000000Z');
    const exec = stage(h, 'executed');
    assert.equal(exec.status, 'observed');
    assert.ok(exec.evidence.some((e) => e.artefact.startsWith('Prefetch') && /loaded FFMPEG\.DLL and D3DCOMPILER_47\.DLL/.test(e.detail)));
    assert.ok(exec.evidence.some((e) => /Microsoft-Windows-Sysmon%4Operational\.evtx record \d+ \(Microsoft-Windows-Sysmon 7\)/.test(e.artefact)));
    assert.ok(stage(h, 'dormancy-timer').evidence.some((e) => /Sysmon 11/.test(e.artefact) && /manifest/.test(e.detail)));
    assert.ok(stage(h, 'beacon').evidence.every((e) => /Sysmon (22|3)\)/.test(e.artefact)));
    assert.equal(stage(h, 'beacon').status, 'observed');
    assert.ok(h.timeline.some((t) => /Windows Installer remove 3CX Desktop App/.test(t.event)));
    // The registry names the host and remembers the install per user, even with the binaries gone.
    assert.equal(h.name, 'WS-FINANCE-07');
    assert.ok(h.facts?.some((f) => f.name === 'EnableCertPaddingCheck' && f.value.startsWith('absent')));
    assert.ok(h.installs.some((i) => i.user === 'alice' && i.version === '18.12.416' && i.source.startsWith('user-uninstall key')));
    assert.ok(stage(h, 'installed').evidence.some((e) => e.artefact === 'registry: user-uninstall key'));
    // Amcache: ffmpeg.dll's SHA-1 is a published indicator; the 150 MB exe's prefix SHA-1 cannot be compared.
    assert.ok(stage(h, 'trojanized-library').evidence.some((e) => e.artefact === 'Amcache InventoryApplicationFile' && /bf939c9c261d27ee7bb92325cc588624fca75429/.test(e.detail)));
    assert.ok(stage(h, 'installed').evidence.some((e) => /covers only the first 31,457,280 bytes .* the file itself is not in the evidence/.test(e.detail)));
  });

  test('macOS root with .main_storage and UpdateAgent → compromised', () => {
    const h = scanJson([join(dir, 'mac-compromised')]).result.hosts[0]!;
    assert.equal(h.os, 'macos');
    assert.equal(h.name, 'alice-mbp');
    assert.equal(h.verdict, 'compromised');
    assert.equal(h.installs[0]?.version, '18.12.416');
    assert.equal(h.installs[0]?.affected, true);
    for (const id of ['installed', 'trojanized-library', 'executed', 'second-stage'] as const) assert.equal(stage(h, id).status, 'observed', id);
    assert.match(stage(h, 'executed').evidence[0]!.detail, /2023-03-22T09:15:00/);
  });

  test('macOS system records: DMG download, app use, staged update and a launch agent → compromised', () => {
    const h = scanJson([join(dir, 'mac-system')]).result.hosts[0]!;
    assert.equal(h.verdict, 'compromised');
    assert.ok(stage(h, 'installer').evidence.some((e) => e.artefact.startsWith('QuarantineEventsV2') && /3CXDesktopApp-18\.12\.416\.dmg/.test(e.detail)));
    assert.ok(stage(h, 'executed').evidence.some((e) => e.artefact.startsWith('KnowledgeC') && /com\.electron\.3cx-desktop-app/.test(e.detail)));
    assert.equal(stage(h, 'second-stage').status, 'observed');
    assert.ok(h.timeline.some((t) => t.source.startsWith('QuarantineEventsV2')));
  });

  test('macOS 18.11.1213 (trojanized on macOS only) → affected', () => {
    const h = scanJson([join(dir, 'mac-affected')]).result.hosts[0]!;
    assert.equal(h.verdict, 'affected');
    assert.equal(h.installs[0]?.version, '18.11.1213');
    assert.equal(h.installs[0]?.affected, true);
  });

  test('macOS fixed build 18.12.422 → clean', () => {
    const h = scanJson([join(dir, 'mac-clean')]).result.hosts[0]!;
    assert.equal(h.verdict, 'clean', h.verdictReason);
    assert.equal(stage(h, 'trojanized-library').status, 'not-observed');
  });

  test('several evidence items in one run: one host each, in order', () => {
    const { result } = scanJson([join(dir, 'win-clean'), join(dir, 'mac-compromised')]);
    assert.deepEqual(result.hosts.map((h) => [h.id, h.evidence[0], h.verdict]), [['H1', 'E1', 'clean'], ['H2', 'E2', 'compromised']]);
  });
});

// A Mac with a trojanized build on disk whose support folder is empty (UpdateAgent deletes itself),
// where FSEvents (test/fixtures/macos-artefacts/make-fsevents.py) remembers .main_storage being
// written and UpdateAgent created and removed: the run and the second stage come from FSEvents,
// dated by the log files' bracket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { HostResult, StageId } from '../../../electron/common/scan-result.js';
import { assertSchema, makeHosts, scanJson } from '../../helpers/cli.js';

const stage = (h: HostResult, id: StageId) => h.stages.find((s) => s.id === id)!;

test('FSEvents carries the run and the second stage of a Mac whose support folder was emptied', () => {
  const dir = makeHosts('mac-fsevents', 'mac-affected');
  const { result } = scanJson([join(dir, 'mac-fsevents')]);
  assertSchema(result);
  const h = result.hosts[0]!;
  assert.equal(h.verdict, 'compromised');
  const executed = stage(h, 'executed');
  assert.equal(executed.status, 'observed');
  assert.equal(executed.firstSeen, '2023-03-22T09:20:00.000Z', "the log file's mtime bounds the event");
  assert.ok(executed.evidence.some((e) => e.path === '/System/Volumes/Data/.fseventsd/0000000000002030' && e.detail.includes('/.main_storage: Created') && e.artefact.startsWith('FSEvents') && /\.fseventsd\/0000000000002030 › event 0x/.test(e.citation ?? '')));
  const second = stage(h, 'second-stage');
  assert.equal(second.status, 'observed');
  assert.match(second.evidence[0]!.detail, /UpdateAgent: Created, Removed.*written and removed again/);
  // A DMG's name is a claim: noted under installer, never decisive.
  assert.equal(stage(h, 'installer').status, 'not-observed');
  assert.ok(stage(h, 'installer').evidence.some((e) => e.detail.startsWith('/Users/alice/Downloads/3CXDesktopApp-18.12.416.dmg: Created')));
  assert.match(h.coverage?.find((c) => c.area === 'fsevents')?.detail ?? '', /3 log file\(s\).*span 2023-03-20T10:00:00\.000Z to 2023-03-29T12:00:00\.000Z/);
  // The same build without FSEvents is only affected: FSEvents made the difference.
  assert.equal(scanJson([join(dir, 'mac-affected')]).result.hosts[0]!.verdict, 'affected');
});

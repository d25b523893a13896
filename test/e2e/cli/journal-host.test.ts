// A Windows host where everything of 3CX is gone but the NTFS change journal ($UsnJrnl:$J, the
// synthetic journal of test/fixtures/usnjrnl/make-usn.py): the journal alone carries the loader's
// run, the timer, the removal and the window it can speak for, each cited to its record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { HostResult, StageId } from '../../../electron/common/scan-result.js';
import { assertSchema, hasMingw, makeHosts, scanJson } from '../../helpers/cli.js';

const stage = (h: HostResult, id: StageId) => h.stages.find((s) => s.id === id)!;

test('the change journal alone proves the loader ran and dates the timer', { skip: hasMingw() ? false : 'mingw-w64 not installed' }, () => {
  const dir = makeHosts('win-journal-only');
  const { result } = scanJson([join(dir, 'win-journal-only')]);
  assertSchema(result);
  const h = result.hosts[0]!;
  assert.equal(h.verdict, 'compromised');
  for (const id of ['executed', 'dormancy-timer'] as const) {
    assert.equal(stage(h, id).status, 'observed', id);
    assert.equal(stage(h, id).firstSeen, '2023-03-22T10:05:00.000Z');
    const e = stage(h, id).evidence[0]!;
    assert.match(e.artefact, /change journal/);
    assert.match(e.path, /^\?304-1\/3CXDesktopApp\/app\/manifest$/, 'the parent reference stands where a live folder cannot resolve it');
    assert.match(e.citation ?? '', /\$UsnJrnl:\$J/);
  }
  // Names date the install but cannot tell a trojanized build from a clean one: listed, not decisive.
  assert.equal(stage(h, 'installed').status, 'not-observed');
  assert.ok(stage(h, 'installed').evidence.some((e) => /ffmpeg\.dll deleted at 2023-03-31T12:00:00\.000Z/.test(e.detail)));
  // guard64.dll is a weak name and wlbsctrl.dll's folder cannot be resolved on a live folder: noted only.
  assert.equal(stage(h, 'second-stage').status, 'not-observed');
  assert.ok(stage(h, 'second-stage').evidence.some((e) => /guard64\.dll/.test(e.detail) && /weak/.test(e.detail)));
  assert.ok(h.timeline.some((t) => t.event.startsWith('manifest created') && t.source.startsWith('$UsnJrnl')));
  const cov = h.coverage?.find((c) => c.area === 'usnjrnl');
  assert.match(cov?.detail ?? '', /covers 2023-03-22T10:00:00\.000Z to 2023-04-02T03:00:00\.000Z/);
});

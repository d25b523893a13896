import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installConflicts } from '../../../electron/report/model.js';
import type { InstallRecord } from '../../../electron/common/scan-result.js';

const inst = (path: string, version: string | null, source: string): InstallRecord => ({ product: '3CX Desktop App', platform: 'windows', version, affected: null, user: 'alice', path, source });

test('sources naming the same install folder differently are compared, and disagreement is shown', () => {
  const out = installConflicts([
    inst('/Users/alice/AppData/Local/Programs/3CXDesktopApp', '18.12.416', 'pe-version'),
    inst('C:\\Users\\alice\\AppData\\Local\\Programs\\3CXDesktopApp\\', '18.12.407', 'user-uninstall key'),
    inst('/Users/bob/AppData/Local/Programs/3CXDesktopApp', '18.12.425', 'pe-version'),
  ]);
  assert.equal(out.length, 1);
  assert.match(out[0]!, /18\.12\.416 per pe-version; 18\.12\.407 per user-uninstall key/);
  assert.deepEqual(installConflicts([inst('/x', '18.12.416', 'a'), inst('X:\\x\\', '18.12.416', 'b')]), []);
  assert.deepEqual(installConflicts([inst('/x', '1', 'installer file name only, not verified'), inst('/x', '2', 'b')]), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertSchema, runCli, tmp } from '../../helpers/cli.js';

test('demo scans the shipped stand-in hosts: a compromised Windows host and a compromised Mac', () => {
  const out = join(tmp('demo'), 'demo.json');
  const r = runCli(['demo', '--json', out, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(readFileSync(out, 'utf8')) as unknown;
  assertSchema(doc);
  assert.deepEqual(doc.hosts.map((h) => [h.name, h.os, h.verdict]), [['WS-FINANCE-07', 'windows', 'compromised'], ['alice-mbp', 'macos', 'compromised']]);
  assert.equal(doc.case?.name, 'Demo case');
  assert.match(r.stdout, /WS-FINANCE-07 \(windows\): COMPROMISED/);
});

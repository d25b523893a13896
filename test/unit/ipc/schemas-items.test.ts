import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRouter, type EngineCaller } from '../../../electron/ipc/router.js';

test('per-item cancel, removal and findings payloads are checked before the engine sees them', async () => {
  const calls: [string, unknown][] = [];
  const engine: EngineCaller = { call: async (c, r) => (calls.push([c, r]), { ok: true, value: null as never }) };
  const route = createRouter({ engine, dialogs: { newCaseFolder: async () => null, caseFolder: async () => null, evidence: async () => null }, workDir: '/w' });
  const bad = [
    ['scan:cancel', { evidenceId: '../E1' }],
    ['scan:cancel', { evidenceId: 'E1', all: true }],
    ['evidence:remove', {}],
    ['evidence:remove', { evidenceId: 'E1', path: '/etc/passwd' }],
    ['evidence:remove', { evidenceId: 'E1234567' }],
    ['findings:list', { offset: 0, limit: 5000 }],
    ['findings:list', { offset: 0, limit: 10, stages: ['beacon', 'lateral-movement'] }],
    ['findings:list', { offset: 0, limit: 10, sort: 'path' }],
    ['findings:list', { offset: 0, limit: 10, text: 'x'.repeat(501) }],
    ['findings:list', { offset: 0, limit: 10, descending: 'yes' }],
  ] as const;
  for (const [c, p] of bad) {
    const r = await route(c, p);
    assert.ok(!r.ok && r.error.code === 'invalid', `${c} ${JSON.stringify(p).slice(0, 80)} refused`);
  }
  assert.equal(calls.length, 0);
  for (const [c, p] of [
    ['scan:cancel', {}],
    ['scan:cancel', { evidenceId: 'E2' }],
    ['evidence:remove', { evidenceId: 'E3' }],
    ['findings:list', { offset: 200, limit: 200, host: 'H1', stages: ['beacon'], text: 'msstorage', sort: 'time', descending: true }],
  ] as const) assert.ok((await route(c, p)).ok, `${c} accepted`);
  assert.deepEqual(calls.map(([c]) => c), ['scan:cancel', 'scan:cancel', 'evidence:remove', 'findings:list']);
});

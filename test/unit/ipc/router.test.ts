import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { createRouter, checkDroppedPaths, type EngineCaller } from '../../../electron/ipc/router.js';
import { SCHEMAS } from '../../../electron/ipc/schemas.js';
import { CHANNELS } from '../../../electron/common/ipc-contract.js';

function fakeEngine() {
  const calls: [string, unknown][] = [];
  const engine: EngineCaller = {
    call: async (c, r) => {
      calls.push([c, r]);
      return { ok: true, value: { echoed: c } as never };
    },
  };
  return { engine, calls };
}

test('every renderer channel has a payload schema', () => {
  assert.deepEqual(Object.keys(SCHEMAS).sort(), [...CHANNELS].sort());
});

test('payloads are validated before anything reaches the engine', async () => {
  const { engine, calls } = fakeEngine();
  const route = createRouter({ engine, dialogs: { newCaseFolder: async () => '/c', caseFolder: async () => null, evidence: async () => null }, workDir: '/w' });
  const bad = [
    ['hosts:list', { offset: -1, limit: 10 }],
    ['hosts:list', { offset: 0, limit: 10, extra: 1 }],
    ['hosts:list', { offset: 0, limit: 100000 }],
    ['host:get', { hostId: '../H1' }],
    ['evidence:browse', { evidenceId: 'E1', path: 'a\0b' }],
    ['evidence:preview', { evidenceId: 'X1', path: '/a' }],
    ['case:new', { caseNumber: 1, name: '', examiner: '', notes: '' }],
    ['evidence:add', { source: 'dropped', paths: [] }],
    ['evidence:add', { source: 'shell', paths: ['/'] }],
    ['case:get', { sneaky: true }],
    ['case:get', 'string'],
  ] as const;
  for (const [c, p] of bad) {
    const r = await route(c, p);
    assert.ok(!r.ok && r.error.code === 'invalid', `${c} ${JSON.stringify(p)} refused`);
  }
  assert.equal(calls.length, 0);
  const ok = await route('hosts:list', { offset: 0, limit: 10, verdicts: ['clean'], sort: 'name' });
  assert.ok(ok.ok);
  assert.deepEqual(calls, [['hosts:list', { offset: 0, limit: 10, verdicts: ['clean'], sort: 'name' }]]);
});

test('main fills in dialog answers; a cancelled dialog answers cancelled without calling the engine', async () => {
  const { engine, calls } = fakeEngine();
  const route = createRouter({ engine, dialogs: { newCaseFolder: async () => '/cases/new', caseFolder: async () => null, evidence: async (k) => (k === 'files' ? ['/e/disk.E01'] : null) }, workDir: '/w' });
  const meta = { caseNumber: '1', name: 'n', examiner: 'e', notes: '' };
  assert.ok((await route('case:new', meta)).ok);
  const open = await route('case:open', {});
  assert.ok(!open.ok && open.error.code === 'cancelled');
  assert.ok((await route('evidence:add', { source: 'dialog-files' })).ok);
  const folders = await route('evidence:add', { source: 'dialog-folders' });
  assert.ok(!folders.ok && folders.error.code === 'cancelled');
  assert.ok((await route('case:open-demo', {})).ok);
  const pdf = await route('report:pdf', {});
  assert.ok(!pdf.ok && pdf.error.code === 'unsupported');
  assert.deepEqual(calls, [
    ['case:new', { dir: '/cases/new', meta }],
    ['evidence:add', { paths: ['/e/disk.E01'], how: 'dialog' }],
    ['case:open-demo', { workDir: '/w' }],
  ]);
});

test('dropped paths must be absolute, normalised and exist', async () => {
  const tmp = tmpdir();
  assert.deepEqual(await checkDroppedPaths([tmp]), [tmp]);
  assert.match(String(await checkDroppedPaths(['relative/path'])), /not an absolute/);
  assert.match(String(await checkDroppedPaths([`${tmp}/../${tmp}`])), /normalised/);
  assert.match(String(await checkDroppedPaths([`${tmp}/does-not-exist-3cx`])), /not an existing/);
  const { engine, calls } = fakeEngine();
  const route = createRouter({ engine, dialogs: { newCaseFolder: async () => null, caseFolder: async () => null, evidence: async () => null }, workDir: '/w' });
  const r = await route('evidence:add', { source: 'dropped', paths: [tmp, 'x/../../etc'] });
  assert.ok(!r.ok && r.error.code === 'invalid');
  assert.equal(calls.length, 0);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaseService, type ServiceEvent } from '../../../electron/engine/case-service.js';
import { serveEngine, type PortLike } from '../../../electron/engine/engine-rpc.js';
import { verifyAudit } from '../../../electron/engine/case-store.js';
import type { FromEngine } from '../../../electron/common/ipc-contract.js';

test('the demo case scans with the real engine, lists hosts, browses and previews, and reopens without rescanning', { timeout: 120_000 }, async () => {
  const work = await mkdtemp(join(tmpdir(), 'case-service-'));
  const events: ServiceEvent[] = [];
  const svc = new CaseService((e) => events.push(e), { workers: 1 });
  try {
    const opened = await svc.handle('case:open-demo', { workDir: work });
    assert.ok(opened.ok);
    assert.equal(opened.value.scanning, true);
    await svc.idle();
    const snap = await svc.handle('case:get', {});
    assert.ok(snap.ok && snap.value);
    assert.equal(snap.value.scan?.hostCount, 2);
    assert.deepEqual(snap.value.evidence.map((e) => e.status), ['done', 'done']);
    assert.ok(events.some((e) => e.event === 'scan:progress' && e.payload.evidenceId === 'E2'));

    const list = await svc.handle('hosts:list', { offset: 0, limit: 10, verdicts: ['compromised'], sort: 'name' });
    assert.ok(list.ok);
    assert.deepEqual(list.value.items.map((h) => h.name), ['WS-FINANCE-07', 'alice-mbp']);
    assert.equal(list.value.items[0]!.stages['dormancy-timer'], 'observed');
    const none = await svc.handle('hosts:list', { offset: 0, limit: 10, verdicts: ['clean'] });
    assert.ok(none.ok && none.value.total === 0);

    const root = await svc.handle('evidence:browse', { evidenceId: 'E1', path: '/' });
    assert.ok(root.ok);
    assert.ok(root.value.entries.some((e) => e.name === 'Users' && e.type === 'dir'));
    const prev = await svc.handle('evidence:preview', { evidenceId: 'E1', path: '/Users/alice/AppData/Local/Programs/3CXDesktopApp/app/manifest' });
    assert.ok(prev.ok);
    assert.match(Buffer.from(prev.value.hex, 'hex').toString('ascii'), /^\d{10}$/, 'the timer file holds unix seconds');
    assert.equal(prev.value.sha256?.length, 64);
    const bad = await svc.handle('evidence:preview', { evidenceId: 'E9', path: '/x' });
    assert.ok(!bad.ok && bad.error.code === 'not-found');

    const dir = snap.value.dir;
    const html = await svc.handle('report:html', {});
    assert.ok(html.ok && html.value.html.includes('WS-FINANCE-07'));
    // The report carries the case's audit trail and says its hash chain holds.
    assert.match(html.value.html, /Appendix E — examiner audit trail<\/h2><p>\d+ action\(s\) recorded from .* the hash chain over the log is intact/);
    assert.match(html.value.html, /<td>file-previewed<\/td>/);

    // Reopen: results come from disk, no scan runs.
    const reopened = await svc.handle('case:open', { dir });
    assert.ok(reopened.ok);
    assert.equal(reopened.value.scanning, false);
    assert.equal(reopened.value.scan?.hostCount, 2);
    const actions = (await verifyAudit(dir)).entries.map((e) => e.action);
    assert.deepEqual(actions.filter((a) => a.startsWith('scan-')), ['scan-started', 'scan-completed']);
    assert.ok(actions.includes('file-previewed') && actions.includes('case-opened'));
  } finally {
    await svc.dispose();
    await rm(work, { recursive: true, force: true });
  }
});

test('calls without a case answer no-case or an empty list; unknown channels answer invalid', async () => {
  const svc = new CaseService(() => undefined, { workers: 1 });
  const r = await svc.handle('hosts:list', { offset: 0, limit: 5 });
  assert.ok(r.ok, 'an empty list before any case');
  const s = await svc.handle('scan:start', {});
  assert.ok(!s.ok && s.error.code === 'no-case');
  const unknown = await svc.handle('nope' as never, {} as never);
  assert.ok(!unknown.ok && unknown.error.code === 'invalid');
});

test('the engine port answers requests by id and refuses unknown channels', async () => {
  const sent: FromEngine[] = [];
  let listener: ((e: { data: unknown }) => void) | null = null;
  const port: PortLike = { on: (_e, l) => (listener = l), postMessage: (m) => sent.push(m) };
  const svc = serveEngine(port, { workers: 1 });
  assert.deepEqual(sent[0], { type: 'ready' });
  listener!({ data: { type: 'request', id: 7, channel: 'case:get', payload: {} } });
  listener!({ data: { type: 'request', id: 8, channel: 'fs:delete', payload: {} } });
  listener!({ data: 'garbage' });
  await new Promise((r) => setTimeout(r, 50));
  const byId = new Map(sent.filter((m) => m.type === 'response').map((m) => [(m as { id: number }).id, m]));
  assert.deepEqual(byId.get(7), { type: 'response', id: 7, result: { ok: true, value: null } });
  assert.equal((byId.get(8) as { result: { ok: boolean; error: { code: string } } }).result.error.code, 'invalid');
  await svc.dispose();
});

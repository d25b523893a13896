/**
 * Per-item cancel and evidence removal through the case service, over the real engine and the
 * demo evidence: a stopped item must come out "not assessed" (never clean), a removed item's hosts
 * must leave the results, and the evidence itself must not change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaseService, type ServiceEvent } from '../../../electron/engine/case-service.js';
import { verifyAudit } from '../../../electron/engine/case-store.js';
import { prepareDemoEvidence } from '../../../electron/engine/demo.js';

const META = { caseNumber: 'T-1', name: 'items', examiner: 'tester', notes: '' };

/** Every file under dir with its size and mtime, to prove nothing in the evidence changed. */
async function fingerprint(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir, { recursive: true })) {
    const st = await stat(join(dir, name));
    out.push(`${name} ${st.size} ${st.mtimeMs} ${st.isDirectory() ? 'd' : 'f'}`);
  }
  return out.sort();
}

async function setup() {
  const work = await mkdtemp(join(tmpdir(), 'case-items-'));
  const demo = await prepareDemoEvidence();
  const third = join(work, 'copy', 'WS-FINANCE-08');
  await cp(demo.paths[0]!, third, { recursive: true, preserveTimestamps: true });
  const paths = [...demo.paths, third];
  return { work, demo, paths, async dispose() { await demo.dispose(); await rm(work, { recursive: true, force: true }); } };
}

test('cancelling one item stops only that item; its host is inconclusive with nothing assessed, and the audit log says so', { timeout: 120_000 }, async () => {
  const fx = await setup();
  let svc: CaseService | null = null;
  const events: ServiceEvent[] = [];
  try {
    svc = new CaseService((e) => {
      events.push(e);
      // Stop E1 in the middle of its own scan (its hashing has just been announced).
      if (e.event === 'scan:progress' && e.payload.evidenceId === 'E1' && e.payload.phase === 'hash') void svc!.handle('scan:cancel', { evidenceId: 'E1' });
    }, { workers: 1 });
    assert.ok((await svc.handle('case:new', { dir: join(fx.work, 'case'), meta: META })).ok);
    assert.ok((await svc.handle('evidence:add', { paths: fx.paths, how: 'dialog' })).ok);
    const started = await svc.handle('scan:start', {});
    assert.ok(started.ok && started.value.scanning);
    // E2 is still waiting: stopping it means it is skipped.
    const c2 = await svc.handle('scan:cancel', { evidenceId: 'E2' });
    assert.ok(c2.ok);
    assert.equal(c2.value.evidence.find((e) => e.id === 'E2')?.status, 'cancelled');
    await svc.idle();

    const snap = await svc.handle('case:get', {});
    assert.ok(snap.ok && snap.value);
    assert.deepEqual(snap.value.evidence.map((e) => [e.id, e.status]), [['E1', 'cancelled'], ['E2', 'cancelled'], ['E3', 'done']]);
    assert.equal(snap.value.scan?.hostCount, 3);
    const hosts = await svc.handle('hosts:list', { offset: 0, limit: 10, sort: 'id' });
    assert.ok(hosts.ok);
    const [h1, h2, h3] = hosts.value.items;
    for (const h of [h1!, h2!]) {
      assert.equal(h.verdict, 'inconclusive', `${h.id} is not clean`);
      assert.ok(Object.values(h.stages).every((s) => s === 'not-assessed'), `${h.id}: every stage not assessed`);
      assert.match(h.verdictReason, /cancelled the scan of E[12]/);
    }
    assert.equal(h3!.verdict, 'compromised', 'the item nobody stopped was scanned in full');
    assert.deepEqual(h3!.evidence, ['E3']);
    assert.ok(snap.value.scan!.errors.some((e) => e.evidenceId === 'E1' && /cancelled by the examiner/.test(e.message)));

    const log = (await verifyAudit(snap.value.dir));
    assert.equal(log.brokenAt, null, 'the hash chain holds');
    const actions = log.entries.map((e) => `${e.action} ${e.detail.split(' ')[0]}`);
    assert.deepEqual(actions.filter((a) => /^(scan-|evidence-scan)/.test(a)), ['scan-started 3', 'evidence-scan-cancelled E1', 'evidence-scan-cancelled E2', 'scan-completed 3']);

    // Stopping an item when no scan runs changes nothing; an unknown item is not found.
    const idle = await svc.handle('scan:cancel', { evidenceId: 'E3' });
    assert.ok(idle.ok && idle.value.evidence[2]!.status === 'done');
    const unknown = await svc.handle('scan:cancel', { evidenceId: 'E9' });
    assert.ok(!unknown.ok && unknown.error.code === 'not-found');
  } finally {
    await svc?.dispose();
    await fx.dispose();
  }
});

test('removing evidence drops its hosts and findings, keeps ids stable, and never touches the evidence', { timeout: 120_000 }, async () => {
  const fx = await setup();
  const svc = new CaseService(() => undefined, { workers: 1 });
  try {
    const before = await Promise.all(fx.paths.map(fingerprint));
    const dir = join(fx.work, 'case');
    assert.ok((await svc.handle('case:new', { dir, meta: META })).ok);
    assert.ok((await svc.handle('evidence:add', { paths: fx.paths, how: 'dialog' })).ok);
    assert.ok((await svc.handle('scan:start', {})).ok);
    const busy = await svc.handle('evidence:remove', { evidenceId: 'E1' });
    assert.ok(!busy.ok && busy.error.code === 'busy', 'not while scanning');
    await svc.idle();
    const f0 = await svc.handle('findings:list', { offset: 0, limit: 1000 });
    assert.ok(f0.ok && f0.value.items.some((f) => f.evidenceId === 'E1'));

    const removed = await svc.handle('evidence:remove', { evidenceId: 'E1' });
    assert.ok(removed.ok);
    assert.deepEqual(removed.value.evidence.map((e) => e.id), ['E2', 'E3']);
    assert.equal(removed.value.scan?.hostCount, 2);
    assert.deepEqual(removed.value.scan?.items.map((i) => i.id), ['E2', 'E3']);
    const hosts = await svc.handle('hosts:list', { offset: 0, limit: 10 });
    assert.ok(hosts.ok && hosts.value.items.every((h) => !h.evidence.includes('E1')));
    const f1 = await svc.handle('findings:list', { offset: 0, limit: 1000 });
    assert.ok(f1.ok && f1.value.total > 0 && f1.value.items.every((f) => f.evidenceId !== 'E1'));
    const onDisk = JSON.parse(await readFile(join(dir, 'results', 'scan.json'), 'utf8')) as { hosts: { evidence: string[] }[] };
    assert.ok(onDisk.hosts.every((h) => !h.evidence.includes('E1')), 'the saved results forget it too');
    const gone = await svc.handle('evidence:browse', { evidenceId: 'E1', path: '/' });
    assert.ok(!gone.ok && gone.error.code === 'not-found');
    const again = await svc.handle('evidence:remove', { evidenceId: 'E1' });
    assert.ok(!again.ok && again.error.code === 'not-found');

    // A new item never inherits a removed id, also after reopening; a rescan keeps the case's ids.
    const added = await svc.handle('evidence:add', { paths: [fx.paths[0]!], how: 'dialog' });
    assert.ok(added.ok);
    assert.deepEqual(added.value.evidence.map((e) => e.id), ['E2', 'E3', 'E4']);
    assert.ok((await svc.handle('case:open', { dir })).ok);
    assert.ok((await svc.handle('evidence:remove', { evidenceId: 'E4' })).ok);
    const re = await svc.handle('evidence:add', { paths: [fx.paths[0]!], how: 'dialog' });
    assert.ok(re.ok && re.value.evidence.at(-1)?.id === 'E5');
    assert.ok((await svc.handle('scan:start', {})).ok);
    await svc.idle();
    const rescanned = await svc.handle('hosts:list', { offset: 0, limit: 10, sort: 'id' });
    assert.ok(rescanned.ok);
    assert.deepEqual(rescanned.value.items.map((h) => h.evidence[0]), ['E2', 'E3', 'E5']);
    const browse = await svc.handle('evidence:browse', { evidenceId: 'E5', path: '/' });
    assert.ok(browse.ok && browse.value.entries.some((e) => e.name === 'Users'), 'the browser opens E5 at its own path');

    const audit = (await verifyAudit(dir)).entries.filter((e) => e.action === 'evidence-removed');
    assert.deepEqual(audit.map((e) => e.detail.split(' ')[0]), ['E1', 'E4']);
    assert.match(audit[0]!.detail, /1 host\(s\) left the results; the evidence itself was not touched/);
    assert.deepEqual(await Promise.all(fx.paths.map(fingerprint)), before, 'evidence unchanged (names, sizes, mtimes)');
  } finally {
    await svc.dispose();
    await fx.dispose();
  }
});

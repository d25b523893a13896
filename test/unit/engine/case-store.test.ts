import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaseStore, CaseStoreError, verifyAudit } from '../../../electron/engine/case-store.js';
import { RESULT_SCHEMA, type ScanResult } from '../../../electron/common/scan-result.js';

const META = { caseNumber: ' IR-7 ', name: 'Acme', examiner: 'Dana', notes: 'n' };

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'case-store-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a new case writes case.json, folders and a first audit line; reopening keeps ids and chains the log', () =>
  withDir(async (root) => {
    const dir = join(root, 'case');
    const s = await CaseStore.create(dir, META);
    assert.equal(s.meta.caseNumber, 'IR-7', 'trimmed');
    const added = await s.addEvidence(['/ev/a', '/ev/b', '/ev/a'], 'dialog');
    assert.deepEqual(added.map((e) => e.id), ['E1', 'E2'], 'duplicates are not added twice');
    assert.deepEqual(await s.addEvidence(['/ev/b'], 'dialog'), []);
    const file = JSON.parse(await readFile(join(dir, 'case.json'), 'utf8')) as { format: string; evidence: unknown[] };
    assert.equal(file.format, '3cx-triage/case@1');
    assert.equal(file.evidence.length, 2);

    const again = await CaseStore.open(dir);
    assert.deepEqual(again.evidence.map((e) => e.path), ['/ev/a', '/ev/b']);
    assert.deepEqual((await again.addEvidence(['/ev/c'], 'dropped')).map((e) => e.id), ['E3']);
    const audit = await verifyAudit(dir);
    assert.equal(audit.brokenAt, null);
    assert.deepEqual(audit.entries.map((e) => e.action), ['case-created', 'evidence-added', 'evidence-added', 'case-opened', 'evidence-added']);
    assert.deepEqual(audit.entries.map((e) => e.seq), [1, 2, 3, 4, 5]);
    assert.equal(audit.entries[0]!.prev, '0'.repeat(64));
  }));

test('an edited audit line breaks the chain at that line', () =>
  withDir(async (dir) => {
    const s = await CaseStore.create(dir, META);
    await s.audit('file-previewed', 'E1 /a');
    await s.audit('file-previewed', 'E1 /b');
    const path = join(dir, 'audit.log');
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[1] = lines[1]!.replace('/a', '/x');
    await writeFile(path, lines.join('\n'));
    assert.equal((await verifyAudit(dir)).brokenAt, 3, 'line 3 no longer matches the hash of line 2');
  }));

test('refuses a non-empty folder for a new case and a folder without case.json', () =>
  withDir(async (dir) => {
    await writeFile(join(dir, 'other.txt'), 'x');
    await assert.rejects(CaseStore.create(dir, META), CaseStoreError);
    await assert.rejects(CaseStore.open(dir), /no case\.json/);
    await writeFile(join(dir, 'case.json'), '{"format":"something-else"}');
    await assert.rejects(CaseStore.open(dir), /not a 3cx-triage\/case@1/);
    await writeFile(join(dir, 'case.json'), '{"format":"3cx-triage/case@1","meta":{},"createdAt":"x","evidence":[{"id":1}]}');
    await assert.rejects(CaseStore.open(dir), /malformed evidence/);
    await writeFile(join(dir, 'case.json'), '{not json');
    await assert.rejects(CaseStore.open(dir), /not valid JSON/);
  }));

test('results round-trip; a foreign scan.json is refused', () =>
  withDir(async (dir) => {
    const s = await CaseStore.create(dir, META);
    assert.equal(await s.loadResult(), null);
    const r = { schema: RESULT_SCHEMA, hosts: [], evidence: [], errors: [] } as unknown as ScanResult;
    await s.saveResult(r);
    assert.deepEqual(await s.loadResult(), r);
    await mkdir(join(dir, 'results'), { recursive: true });
    await writeFile(join(dir, 'results', 'scan.json'), '{"schema":"other"}');
    await assert.rejects(s.loadResult(), /not a 3cx-triage\/scan@1/);
  }));

test('report paths stay inside reports/ whatever the stamp holds', () =>
  withDir(async (dir) => {
    const s = await CaseStore.create(dir, META);
    const p = s.reportPaths('../../etc/2023-03-21T08:30:00.000Z');
    assert.equal(p.htmlPath, join(dir, 'reports', 'report-etc2023-03-21T083000000Z.html'));
  }));

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostFindings, indexFindings, queryFindings } from '../../../electron/engine/findings.js';
import { STAGE_IDS, type HostResult, type ScanResult, type StageId } from '../../../electron/common/scan-result.js';

function host(n: number, name: string, cited: [StageId, string, string | null][], hits: { path: string; value: string; evidenceId?: string }[] = []): HostResult {
  return {
    id: `H${n}`,
    name,
    os: 'windows',
    evidence: [`E${n}`],
    verdict: cited.length ? 'compromised' : 'not-present',
    installs: [],
    stages: STAGE_IDS.map((id) => {
      const ev = cited.filter(([s]) => s === id).map(([, path, time]) => ({ evidenceId: `E${n}`, path, artefact: `art ${path.split('/').pop()}`, detail: `found ${path}`, time, citation: `E${n} › folder › ${path}` }));
      return { id, status: ev.length ? 'observed' as const : 'not-observed' as const, firstSeen: null, evidence: ev };
    }),
    iocHits: hits.map((h) => ({ type: 'sha256' as const, value: h.value, path: h.path, source: 's', description: 'd', ...(h.evidenceId ? { evidenceId: h.evidenceId } : {}) })),
    timeline: [],
  };
}

const result = (hosts: HostResult[]): ScanResult => ({ schema: '3cx-triage/scan@1', tool: { name: '3cx-triage', version: '0' }, iocSet: { name: 'i', version: '1', sha256: '', extra: [] }, startedAt: '', finishedAt: '', evidence: [], hosts, errors: [] });

const R = result([
  host(10, 'ws-b', [['beacon', '/logs/app.log', null], ['installed', '/app/3CXDesktopApp.exe', '2023-03-01T00:00:00Z'], ['beacon', '/logs/other.log', '2023-03-05T00:00:00Z']], [{ path: '/logs/app.log', value: 'aaa', evidenceId: 'E10' }, { path: '/logs/app.log', value: 'bbb' }, { path: '/logs/app.log', value: 'ccc', evidenceId: 'E99' }]),
  host(2, 'WS-A', [['executed', '/app/manifest', '2023-03-21T08:30:00Z']]),
  host(3, 'clean-host', []),
]);

test('one row per cited piece of evidence, in case order, with the hits on the same file of the same evidence', () => {
  const ix = indexFindings(R);
  assert.equal(ix.rows.length, 4);
  assert.equal(ix.hostsWithFindings, 2);
  const page = queryFindings(ix, { offset: 0, limit: 10 });
  assert.deepEqual(page.items.map((r) => r.key), ['H2/executed/0', 'H10/installed/0', 'H10/beacon/0', 'H10/beacon/1'], 'H2 before H10 (numbers, not text); stages in chain order');
  const log = page.items.find((r) => r.path === '/logs/app.log')!;
  assert.deepEqual(log.iocHits, ['sha256 aaa'], 'a hit on another evidence item of the same path is not this finding\'s');
  assert.equal(log.citation, 'E10 › folder › /logs/app.log');
  assert.deepEqual(hostFindings(R.hosts[2]!), []);
});

test('filters by host (id or name substring), stage and text; sorts either way; pages', () => {
  const ix = indexFindings(R);
  assert.deepEqual(queryFindings(ix, { offset: 0, limit: 10, host: 'h2' }).items.map((r) => r.hostId), ['H2'], 'an exact id');
  assert.equal(queryFindings(ix, { offset: 0, limit: 10, host: 'H1' }).total, 0, 'an id is never a prefix match');
  assert.equal(queryFindings(ix, { offset: 0, limit: 10, host: 'ws-' }).total, 4, 'names match case-insensitively');
  assert.deepEqual(queryFindings(ix, { offset: 0, limit: 10, stages: ['beacon', 'executed'] }).items.map((r) => r.stage), ['executed', 'beacon', 'beacon']);
  assert.deepEqual(queryFindings(ix, { offset: 0, limit: 10, text: 'AAA' }).items.map((r) => r.key), ['H10/beacon/0'], 'indicator values are searched');
  assert.deepEqual(queryFindings(ix, { offset: 0, limit: 10, text: 'manifest' }).items.map((r) => r.key), ['H2/executed/0']);
  const byTime = queryFindings(ix, { offset: 0, limit: 10, sort: 'time' }).items.map((r) => r.time);
  assert.deepEqual(byTime, ['2023-03-01T00:00:00Z', '2023-03-05T00:00:00Z', '2023-03-21T08:30:00Z', null]);
  const byTimeDesc = queryFindings(ix, { offset: 0, limit: 10, sort: 'time', descending: true }).items.map((r) => r.time);
  assert.deepEqual(byTimeDesc, ['2023-03-21T08:30:00Z', '2023-03-05T00:00:00Z', '2023-03-01T00:00:00Z', null], 'undated last either way');
  assert.equal(queryFindings(ix, { offset: 0, limit: 10, sort: 'iocs', descending: true }).items[0]!.key, 'H10/beacon/0');
  const p2 = queryFindings(ix, { offset: 1, limit: 2 });
  assert.deepEqual([p2.total, p2.all, p2.items.map((r) => r.key)], [4, 4, ['H10/installed/0', 'H10/beacon/0']]);
  assert.equal(queryFindings(ix, { offset: 0, limit: 5000 }).items.length, 4);
  assert.deepEqual(queryFindings(indexFindings(null), { offset: 0, limit: 10 }), { total: 0, all: 0, hostsWithFindings: 0, items: [] });
});

test('50,000 findings filter, sort and page in well under a second', () => {
  const hosts: HostResult[] = [];
  for (let i = 1; i <= 5000; i++) {
    // Eight dated findings (one per stage) and two undated ones per host.
    const dated: [StageId, string, string | null][] = STAGE_IDS.map((s, k) => [s, `/p/${i}/${k}`, `2023-03-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z`]);
    hosts.push(host(i, `host-${i}`, [...dated, ['beacon', `/x/${i}`, null], ['beacon', `/y/${i}`, null]]));
  }
  const ix = indexFindings(result(hosts));
  assert.equal(ix.rows.length, 50_000);
  const t = process.hrtime.bigint();
  const page = queryFindings(ix, { offset: 20_000, limit: 200, text: '/p/', sort: 'time', descending: true });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  assert.equal(page.total, 40_000);
  assert.equal(page.items.length, 200);
  assert.ok(ms < 1000, `took ${ms} ms`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildChainGraph, formatDelta, WAKE_UP_NODE } from '../../../electron/common/chain-graph.js';
import { STAGE_IDS, type HostResult, type StageId } from '../../../electron/common/scan-result.js';

function host(observed: Partial<Record<StageId, string | null>>, timeline: HostResult['timeline'] = []): HostResult {
  return {
    id: 'H1', name: 'h', os: 'windows', evidence: ['E1'], verdict: 'compromised', installs: [], iocHits: [], timeline,
    stages: STAGE_IDS.map((id) => ({ id, status: id in observed ? 'observed' : id === 'second-stage' ? 'not-assessed' : 'not-observed', firstSeen: observed[id] ?? null, evidence: [] })),
  };
}

test('stages become nodes with their status; the wake-up is an event node when the timeline states one', () => {
  const g = buildChainGraph(host({ installed: '2023-03-20T09:12:00Z', executed: '2023-03-21T08:30:00Z', 'dormancy-timer': '2023-03-21T08:30:00Z', beacon: null }, [{ time: '2023-03-28T08:30:00Z', event: 'planned wake-up time stored in "manifest"', source: 's' }]));
  assert.deepEqual(g.nodes.map((n) => n.id), ['installer', 'installed', 'trojanized-library', 'encrypted-payload', 'executed', 'dormancy-timer', WAKE_UP_NODE, 'beacon', 'second-stage']);
  assert.equal(g.nodes.find((n) => n.id === 'installer')!.status, 'not-observed');
  assert.equal(g.nodes.find((n) => n.id === 'second-stage')!.status, 'not-assessed');
  const timerToWake = g.edges.find((e) => e.from === 'dormancy-timer' && e.to === WAKE_UP_NODE)!;
  assert.equal(timerToWake.deltaMs, 7 * 86400_000);
  assert.equal(timerToWake.established, true);
  const wakeToBeacon = g.edges.find((e) => e.from === WAKE_UP_NODE)!;
  assert.equal(wakeToBeacon.deltaMs, null, 'the beacon has no date');
  assert.equal(g.edges.find((e) => e.from === 'installed' && e.to === 'trojanized-library')!.established, false, 'a missing stage breaks the line');
});

test('without a stated wake-up the timer leads straight to the beacon', () => {
  const g = buildChainGraph(host({ 'dormancy-timer': '2023-03-21T08:30:00Z' }));
  assert.equal(g.nodes.some((n) => n.id === WAKE_UP_NODE), false);
  assert.ok(g.edges.some((e) => e.from === 'dormancy-timer' && e.to === 'beacon'));
});

test('deltas read as days, hours and minutes', () => {
  assert.equal(formatDelta(7 * 86400_000), '+7d 0h');
  assert.equal(formatDelta(83_880_000), '+23h 18m');
  assert.equal(formatDelta(-45 * 60_000), '−45m');
});

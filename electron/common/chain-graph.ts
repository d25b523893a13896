/**
 * The chain of infection as a graph model: the eight stages as nodes with their status, plus the
 * loader's planned wake-up as a dated event, and the edges between them dated by when the later
 * step was first seen. Pure data from a HostResult, so the window (React Flow) and the report
 * (static SVG) draw the same picture. Layout is left to the drawer.
 */
import { STAGE_IDS, type HostResult, type StageId, type StageStatus } from './scan-result.js';

export const STAGE_LABELS: Record<StageId, string> = {
  installer: 'Installer',
  installed: 'Installed',
  'trojanized-library': 'Trojanized library',
  'encrypted-payload': 'Encrypted payload',
  executed: 'First run',
  'dormancy-timer': 'Dormancy timer',
  beacon: 'Beacon to C2',
  'second-stage': 'Second stage',
};

export const STAGE_HINTS: Record<StageId, string> = {
  installer: 'the 3CX installer (MSI / DMG) on disk or in install logs',
  installed: 'a 3CX Desktop App install and its version',
  'trojanized-library': 'ffmpeg.dll / libffmpeg.dylib carrying the loader',
  'encrypted-payload': 'd3dcompiler_47.dll with the RC4 blob after its signature',
  executed: 'traces that the trojanized code ran',
  'dormancy-timer': 'the loader\'s "manifest" timer file',
  beacon: 'contact with the GitHub icon / C2 domains',
  'second-stage': 'the info-stealer or UpdateAgent',
};

export type ChainNodeStatus = StageStatus | 'event';

export interface ChainNode {
  id: string;
  stage: StageId | null;
  label: string;
  status: ChainNodeStatus;
  /** UTC ISO time the stage was first seen (or the event's time). */
  time: string | null;
  evidenceCount: number;
}

export interface ChainEdge {
  id: string;
  from: string;
  to: string;
  /** UTC time of the later step, when known. */
  time: string | null;
  /** Milliseconds from the earlier step to the later one, when both are dated. */
  deltaMs: number | null;
  /** Both ends observed (or dated): the link is drawn solid. */
  established: boolean;
}

export interface ChainGraph {
  nodes: ChainNode[];
  edges: ChainEdge[];
}

export const WAKE_UP_NODE = 'expected-wake-up';

/** How the stages lead into each other (the 3CX loader's order, Windows and macOS alike). */
const LINKS: [string, string][] = [
  ['installer', 'installed'],
  ['installed', 'trojanized-library'],
  ['installed', 'encrypted-payload'],
  ['trojanized-library', 'executed'],
  ['encrypted-payload', 'executed'],
  ['executed', 'dormancy-timer'],
  ['dormancy-timer', WAKE_UP_NODE],
  [WAKE_UP_NODE, 'beacon'],
  ['beacon', 'second-stage'],
];

/**
 * The planned wake-up time is stated in the timeline by the timer's artefact ("planned wake-up
 * time stored in manifest"). It is an expectation, not an observation, so it is its own node.
 */
function wakeUpTime(h: HostResult): string | null {
  const e = h.timeline.find((t) => /wake-up/i.test(t.event));
  return e ? e.time : null;
}

export function buildChainGraph(h: HostResult): ChainGraph {
  const nodes: ChainNode[] = STAGE_IDS.map((id) => {
    const s = h.stages.find((x) => x.id === id);
    return { id, stage: id, label: STAGE_LABELS[id], status: s?.status ?? 'not-assessed', time: s?.firstSeen ?? null, evidenceCount: s?.evidence.length ?? 0 };
  });
  const wake = wakeUpTime(h);
  const links = wake ? LINKS : [...LINKS.filter(([a, b]) => a !== WAKE_UP_NODE && b !== WAKE_UP_NODE), ['dormancy-timer', 'beacon'] as [string, string]];
  if (wake) nodes.splice(nodes.findIndex((n) => n.id === 'beacon'), 0, { id: WAKE_UP_NODE, stage: null, label: 'Expected wake-up', status: 'event', time: wake, evidenceCount: 0 });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const present = (n: ChainNode | undefined): boolean => n !== undefined && (n.status === 'observed' || n.status === 'event');
  const edges: ChainEdge[] = links.map(([from, to]) => {
    const a = byId.get(from);
    const b = byId.get(to);
    const ta = a?.time ? Date.parse(a.time) : NaN;
    const tb = b?.time ? Date.parse(b.time) : NaN;
    return {
      id: `${from}->${to}`,
      from,
      to,
      time: present(b) ? (b?.time ?? null) : null,
      deltaMs: present(a) && present(b) && Number.isFinite(ta) && Number.isFinite(tb) ? tb - ta : null,
      established: present(a) && present(b),
    };
  });
  return { nodes, edges };
}

/** "+6d 23h", "+45m", "−2h" for edge labels; exact values are in the timeline. */
export function formatDelta(ms: number): string {
  const sign = ms < 0 ? '−' : '+';
  let m = Math.round(Math.abs(ms) / 60000);
  const d = Math.floor(m / 1440);
  m -= d * 1440;
  const hh = Math.floor(m / 60);
  m -= hh * 60;
  if (d > 0) return `${sign}${d}d ${hh}h`;
  if (hh > 0) return `${sign}${hh}h ${m}m`;
  return `${sign}${m}m`;
}

/**
 * The report as pure data, in a stable order, built from the scan result alone: every exhibit
 * numbered once, every limitation derived from the result (never retyped), so the HTML and any
 * other rendering say the same thing.
 */
import type { HostResult, InstallRecord, ScanResult, StageEvidence, StageId, Verdict } from '../common/scan-result.js';
import { limitationsFor } from './limitations.js';

export interface Exhibit extends StageEvidence {
  n: number;
  hostId: string;
  stage: StageId | null;
}

export interface HostSection {
  host: HostResult;
  /** Exhibit numbers per stage, in the order the evidence is listed. */
  stageExhibits: Record<string, number[]>;
  conflicts: string[];
  limitations: string[];
}

export interface ReportModel {
  result: ScanResult;
  generatedAt: string;
  paper: 'A4' | 'Letter';
  verdictCounts: [Verdict, number][];
  hosts: HostSection[];
  exhibits: Exhibit[];
}

const VERDICT_ORDER: Verdict[] = ['compromised', 'affected', 'inconclusive', 'clean', 'not-present'];

export function buildReportModel(result: ScanResult, opts: { generatedAt?: string; paper?: 'A4' | 'Letter' } = {}): ReportModel {
  const exhibits: Exhibit[] = [];
  const hosts = [...result.hosts]
    .sort((a, b) => VERDICT_ORDER.indexOf(a.verdict) - VERDICT_ORDER.indexOf(b.verdict) || a.id.localeCompare(b.id, 'en', { numeric: true }))
    .map((host): HostSection => {
      const stageExhibits: Record<string, number[]> = {};
      for (const s of host.stages) {
        stageExhibits[s.id] = s.evidence.map((e) => {
          const n = exhibits.length + 1;
          exhibits.push({ ...e, n, hostId: host.id, stage: s.id });
          return n;
        });
      }
      return { host, stageExhibits, conflicts: installConflicts(host.installs), limitations: limitationsFor(host) };
    });
  const counts = VERDICT_ORDER.map((v): [Verdict, number] => [v, result.hosts.filter((h) => h.verdict === v).length]).filter(([, n]) => n > 0);
  return { result, generatedAt: opts.generatedAt ?? new Date().toISOString(), paper: opts.paper ?? 'A4', verdictCounts: counts, hosts, exhibits };
}

/** Sources that disagree about one install (same platform and place) are shown, not resolved silently. */
export function installConflicts(installs: InstallRecord[]): string[] {
  const groups = new Map<string, InstallRecord[]>();
  for (const i of installs) {
    if (i.source.startsWith('installer file name only')) continue;
    // One install seen by several sources: the registry's `C:\Users\alice\...\` and the tree's
    // `/Users/alice/...` name the same folder.
    const k = `${i.platform}|${i.path.replace(/^[a-z]:/i, '').replace(/\\/g, '/').replace(/\/+$/, '').toLowerCase()}`;
    groups.set(k, [...(groups.get(k) ?? []), i]);
  }
  const out: string[] = [];
  for (const list of groups.values()) {
    const versions = [...new Set(list.map((i) => i.version ?? 'unknown'))];
    if (versions.length > 1) out.push(`${list[0]!.path}${list[0]!.user ? ` (user ${list[0]!.user})` : ''}: sources disagree on the version — ${list.map((i) => `${i.version ?? 'unknown'} per ${i.source}`).join('; ')}`);
  }
  return out;
}

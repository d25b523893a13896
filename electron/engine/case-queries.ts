/**
 * Read-side queries over a scan result for the window: fleet rows (filtered, sorted, paged) and
 * verdict counts. Pure functions over the contract's document, so the utility process and the
 * e2e test bridge answer identically.
 */
import type { HostSummary, HostsQuery, VerdictCounts } from '../common/ipc-contract.js';
import { STAGE_IDS, type HostResult, type ScanResult, type StageId, type StageStatus, type Verdict } from '../common/scan-result.js';

/** Most urgent first: what an examiner triages first. */
export const VERDICT_SEVERITY: Record<Verdict, number> = { compromised: 0, affected: 1, inconclusive: 2, clean: 3, 'not-present': 4 };
export const MAX_PAGE = 1000;

export function summarizeHost(h: HostResult): HostSummary {
  const stages = Object.fromEntries(STAGE_IDS.map((id) => [id, 'not-assessed' as StageStatus])) as Record<StageId, StageStatus>;
  for (const s of h.stages) stages[s.id] = s.status;
  const seen = h.stages.map((s) => s.firstSeen).filter((t): t is string => t !== null).sort();
  return {
    id: h.id,
    name: h.name,
    os: h.os,
    verdict: h.verdict,
    verdictReason: h.verdictReason ?? '',
    evidence: [...h.evidence],
    stages,
    installs: h.installs.length,
    iocHits: h.iocHits.length,
    firstSeen: seen[0] ?? null,
  };
}

export function countVerdicts(r: ScanResult): VerdictCounts {
  const c: VerdictCounts = { 'not-present': 0, clean: 0, affected: 0, compromised: 0, inconclusive: 0 };
  for (const h of r.hosts) c[h.verdict] += 1;
  return c;
}

/** Host ids are H1, H2 …: compare their numbers, not their text (H10 after H9). */
function idNumber(id: string): number {
  const m = /^H(\d+)$/.exec(id);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

export function queryHosts(rows: readonly HostSummary[], q: HostsQuery): { total: number; items: HostSummary[] } {
  const verdicts = q.verdicts && q.verdicts.length > 0 ? new Set(q.verdicts) : null;
  const text = (q.text ?? '').trim().toLowerCase();
  const hits = rows.filter((h) => (!verdicts || verdicts.has(h.verdict)) && (!text || h.name.toLowerCase().includes(text) || h.id.toLowerCase() === text));
  const byId = (a: HostSummary, b: HostSummary): number => idNumber(a.id) - idNumber(b.id);
  const byName = (a: HostSummary, b: HostSummary): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || byId(a, b);
  const sort = q.sort ?? 'severity';
  hits.sort(
    sort === 'name'
      ? byName
      : sort === 'id'
        ? byId
        : sort === 'first-seen'
          ? (a, b) => (a.firstSeen ?? '\uffff').localeCompare(b.firstSeen ?? '\uffff') || byId(a, b)
          : (a, b) => VERDICT_SEVERITY[a.verdict] - VERDICT_SEVERITY[b.verdict] || byName(a, b),
  );
  const offset = Math.max(0, Math.floor(q.offset));
  const limit = Math.min(MAX_PAGE, Math.max(0, Math.floor(q.limit)));
  return { total: hits.length, items: hits.slice(offset, offset + limit) };
}

/** The result without one evidence item: a host built from it (alone or with others) no longer stands on the case's evidence. */
export function withoutEvidence(r: ScanResult, evidenceId: string): ScanResult {
  return { ...r, evidence: r.evidence.filter((e) => e.id !== evidenceId), hosts: r.hosts.filter((h) => !h.evidence.includes(evidenceId)), errors: r.errors.filter((e) => e.evidenceId !== evidenceId) };
}

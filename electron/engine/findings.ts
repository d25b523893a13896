/**
 * Every finding of a case as flat rows for the Findings view: one row per piece of evidence a
 * stage cites, with the indicators matched on the same file of the same host. Pure functions over
 * the contract's document (like case-queries.ts): flattened once per result, then filtered,
 * sorted and paged per request, so tens of thousands of rows cross the IPC a page at a time.
 */
import type { FindingRow, FindingsPage, FindingsQuery } from '../common/ipc-contract.js';
import { STAGE_IDS, type HostResult, type ScanResult } from '../common/scan-result.js';
import { MAX_PAGE } from './case-queries.js';

export interface FindingIndex {
  rows: FindingRow[];
  /** Lower-cased text each row is searched in (same order as rows). */
  haystack: string[];
  hostsWithFindings: number;
}

const STAGE_ORDER = new Map<string, number>(STAGE_IDS.map((s, i) => [s, i]));

export function hostFindings(h: HostResult): FindingRow[] {
  const out: FindingRow[] = [];
  const hitsByFile = new Map<string, string[]>();
  for (const hit of h.iocHits) {
    const k = `${hit.evidenceId ?? ''}\u0000${hit.path}`;
    const list = hitsByFile.get(k) ?? [];
    list.push(`${hit.type} ${hit.value}`);
    hitsByFile.set(k, list);
  }
  for (const s of h.stages) {
    for (const [index, e] of s.evidence.entries()) {
      // Hits carry their evidence id when the engine knows it; older results may not.
      const hits = hitsByFile.get(`${e.evidenceId}\u0000${e.path}`) ?? hitsByFile.get(`\u0000${e.path}`) ?? [];
      out.push({
        key: `${h.id}/${s.id}/${index}`,
        hostId: h.id,
        hostName: h.name,
        verdict: h.verdict,
        stage: s.id,
        status: s.status,
        index,
        evidenceId: e.evidenceId,
        path: e.path,
        artefact: e.artefact,
        detail: e.detail,
        citation: e.citation ?? `${e.evidenceId} › ${e.path}`,
        time: e.time,
        iocHits: [...new Set(hits)],
      });
    }
  }
  return out;
}

export function indexFindings(result: ScanResult | null): FindingIndex {
  const rows: FindingRow[] = [];
  let hostsWithFindings = 0;
  for (const h of result?.hosts ?? []) {
    const f = hostFindings(h);
    if (f.length > 0) hostsWithFindings += 1;
    rows.push(...f);
  }
  const haystack = rows.map((r) => [r.detail, r.artefact, r.path, r.citation, ...r.iocHits].join('\n').toLowerCase());
  return { rows, haystack, hostsWithFindings };
}

function hostNumber(id: string): number {
  const m = /^H(\d+)$/.exec(id);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

/** Case order: host, then the stage's place in the chain, then the citation's place in the stage. */
function byCase(a: FindingRow, b: FindingRow): number {
  return hostNumber(a.hostId) - hostNumber(b.hostId) || (STAGE_ORDER.get(a.stage) ?? 0) - (STAGE_ORDER.get(b.stage) ?? 0) || a.index - b.index;
}

const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function queryFindings(ix: FindingIndex, q: FindingsQuery): FindingsPage {
  const host = (q.host ?? '').trim().toLowerCase();
  const stages = q.stages && q.stages.length > 0 ? new Set<string>(q.stages) : null;
  const needle = (q.text ?? '').trim().toLowerCase();
  const hits: FindingRow[] = [];
  for (const [i, r] of ix.rows.entries()) {
    if (stages && !stages.has(r.stage)) continue;
    if (host && r.hostId.toLowerCase() !== host && !r.hostName.toLowerCase().includes(host)) continue;
    if (needle && !(ix.haystack[i] ?? '').includes(needle)) continue;
    hits.push(r);
  }
  const sort = q.sort ?? 'host';
  const dir = q.descending ? -1 : 1;
  const primary: (a: FindingRow, b: FindingRow) => number =
    sort === 'stage'
      ? (a, b) => (STAGE_ORDER.get(a.stage) ?? 0) - (STAGE_ORDER.get(b.stage) ?? 0)
      : sort === 'artefact'
        ? (a, b) => text(a.artefact, b.artefact)
        : sort === 'iocs'
          ? (a, b) => a.iocHits.length - b.iocHits.length
          : sort === 'time'
            ? (a, b) => text(a.time ?? '', b.time ?? '')
            : byCase;
  hits.sort((a, b) => {
    // Undated findings go last whichever way time is sorted: "no date" is not "earliest".
    if (sort === 'time' && (a.time === null) !== (b.time === null)) return a.time === null ? 1 : -1;
    return dir * primary(a, b) || byCase(a, b);
  });
  const offset = Math.max(0, Math.floor(q.offset));
  const limit = Math.min(MAX_PAGE, Math.max(0, Math.floor(q.limit)));
  return { total: hits.length, all: ix.rows.length, hostsWithFindings: ix.hostsWithFindings, items: hits.slice(offset, offset + limit) };
}

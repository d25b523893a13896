/**
 * Super-timeline CSV that opens cleanly in Timeline Explorer (anchors.md §3.2): UTC
 * `yyyy-MM-dd HH:mm:ss.fffffff`, one row per dated fact, with host, artefact, exhibit-ready source.
 */
import type { ScanResult } from '../../common/scan-result.js';
import { csvRow } from './csv.js';

const COLUMNS = ['Timestamp', 'TimestampDesc', 'Host', 'User', 'Artifact', 'Message', 'OriginalPath', 'EvidenceItem', 'SHA256', 'Parser', 'Tag', 'Note'];

/** 2023-03-21T08:30:00.000Z → 2023-03-21 08:30:00.0000000 (Timeline Explorer's UTC format). */
export function tleTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]}.${(m[3] ?? '').padEnd(7, '0').slice(0, 7)}` : iso;
}

export function describe(event: string): string {
  if (/ created\b/.test(event)) return 'Created';
  if (/last modified/.test(event)) return 'Modified';
  if (/PE link time/.test(event)) return 'Compiled (PE header)';
  if (/signing time/.test(event)) return 'Signed (Authenticode)';
  if (/^stage /.test(event)) return 'Stage first seen';
  if (/wake-up/.test(event)) return 'Planned wake-up';
  return 'Event';
}

export function timelineCsv(r: ScanResult): string {
  const rows = [csvRow(COLUMNS)];
  for (const h of r.hosts) {
    const evidence = h.evidence.join(';');
    for (const e of h.timeline) {
      const [artefact, ...rest] = e.source.split(' › ');
      const path = rest.length > 2 ? rest.slice(2).join(' › ') : '';
      const stage = e.event.startsWith('stage ') ? 'stage' : '';
      rows.push(csvRow([tleTime(e.time), describe(e.event), h.name, '', artefact ?? '', e.event, path, evidence, '', '3cx-triage', stage, '']));
    }
    for (const f of h.files ?? []) {
      for (const [kind, t] of [['Modified', f.modified], ['Created (birth)', f.created], ['Accessed', f.accessed], ['Changed', f.changed]] as const) {
        if (t) rows.push(csvRow([tleTime(t), kind, h.name, '', 'file system', `${f.role}: ${f.path}`, f.path, f.evidenceId, f.sha256 ?? '', 'file-system', '', '']));
      }
    }
  }
  const [head, ...body] = rows;
  return [head, ...body.sort()].join('\r\n') + '\r\n';
}

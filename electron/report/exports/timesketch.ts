/**
 * Timesketch JSON Lines (anchors.md §3.2): one object per dated fact with the three fields
 * Timesketch requires — `message`, `datetime` (ISO 8601 UTC), `timestamp_desc` — plus the host,
 * artefact and evidence so a sketch can be filtered the way the report is read. Files the scan
 * examined contribute their MACB times, as in the Timeline Explorer CSV.
 */
import type { ScanResult } from '../../common/scan-result.js';
import { describe } from './timeline-csv.js';

interface Row {
  datetime: string;
  timestamp_desc: string;
  message: string;
  host: string;
  artifact: string;
  source: string;
  evidence: string;
  sha256?: string;
  tag?: string[];
}

export function timesketchJsonl(r: ScanResult): string {
  const rows: Row[] = [];
  for (const h of r.hosts) {
    const evidence = h.evidence.join(';');
    for (const e of h.timeline) {
      const artifact = e.source.split(' › ')[0] ?? '';
      const row: Row = { datetime: e.time, timestamp_desc: describe(e.event), message: e.event, host: h.name, artifact, source: e.source, evidence };
      if (e.event.startsWith('stage ')) row.tag = ['3cx-stage'];
      rows.push(row);
    }
    for (const f of h.files ?? []) {
      for (const [desc, t] of [['Modified', f.modified], ['Created (birth)', f.created], ['Accessed', f.accessed], ['Changed', f.changed]] as const) {
        if (!t) continue;
        const row: Row = { datetime: t, timestamp_desc: desc, message: `${f.role}: ${f.path}`, host: h.name, artifact: 'file system', source: f.path, evidence: f.evidenceId };
        if (f.sha256) row.sha256 = f.sha256;
        rows.push(row);
      }
    }
  }
  rows.sort((a, b) => (a.datetime < b.datetime ? -1 : a.datetime > b.datetime ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  return rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length ? '\n' : '');
}

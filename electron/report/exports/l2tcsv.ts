/** plaso's l2tcsv (17 fields) so the findings merge into an existing log2timeline super-timeline. */
import type { ScanResult } from '../../common/scan-result.js';
import { csvRow } from './csv.js';

const HEADER = ['date', 'time', 'timezone', 'MACB', 'source', 'sourcetype', 'type', 'user', 'host', 'short', 'desc', 'version', 'filename', 'inode', 'notes', 'format', 'extra'];

function parts(iso: string): { date: string; time: string } {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? { date: `${m[2]}/${m[3]}/${m[1]}`, time: m[4]! } : { date: iso, time: '' };
}

export function l2tcsv(r: ScanResult): string {
  const rows: string[] = [];
  for (const h of r.hosts) {
    for (const e of h.timeline) {
      const { date, time } = parts(e.time);
      const macb = /created/.test(e.event) ? '...B' : /modified/.test(e.event) ? 'M...' : '....';
      rows.push(csvRow([date, time, 'UTC', macb, '3CX', '3cx-triage', e.event.slice(0, 60), '-', h.name, e.event.slice(0, 80), e.event, '2', e.source, '-', h.verdict, '3cx-triage', `evidence:${h.evidence.join(';')}`]));
    }
  }
  return [csvRow(HEADER), ...rows.sort()].join('\n') + '\n';
}

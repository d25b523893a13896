/**
 * One stderr line per evidence item after a scan: how much of it this process read (see
 * io/read-stats.ts). Files belong to an item when they are the item itself, sit inside it (a
 * folder), or share its name stem beside it (E01/E02… and .001/.002… segments).
 */
import { basename, dirname, extname, sep } from 'node:path';
import type { EvidenceItem } from '../common/scan-result.js';
import { readStats } from '../io/read-stats.js';

const stem = (p: string): string => basename(p, extname(p));

export function readSummary(items: readonly EvidenceItem[]): string {
  let out = '';
  for (const e of items) {
    const folder = e.kind === 'folder';
    const s = readStats((p) => p === e.path || (folder ? p.startsWith(e.path.endsWith(sep) ? e.path : e.path + sep) : dirname(p) === dirname(e.path) && stem(p) === stem(e.path)));
    const of = e.sizeBytes > 0 ? ` of ${mb(e.sizeBytes)} (${((100 * s.bytes) / e.sizeBytes).toFixed(1)}%)` : '';
    out += `[read] ${e.id}: ${mb(s.bytes)}${of} in ${s.reads} read(s) from ${s.files} file(s) on the scan's own thread\n`;
  }
  return out;
}

const mb = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`);

/** The human summary printed when no --json goes to stdout. */
import type { ScanResult } from '../common/scan-result.js';

export function summarise(r: ScanResult): string {
  const lines: string[] = [];
  for (const h of r.hosts) {
    lines.push(`${h.id} ${h.name} (${h.os}): ${h.verdict.toUpperCase()}`);
    if (h.verdictReason) lines.push(`   ${h.verdictReason}`);
    for (const i of h.installs) lines.push(`   install: ${i.platform} ${i.version ?? '?'}${i.affected ? ' [trojanized build]' : ''} user=${i.user ?? '-'} ${i.path}`);
    for (const s of h.stages) lines.push(`   ${s.id.padEnd(20)} ${s.status.padEnd(13)} ${s.firstSeen ?? ''}`);
    if (h.iocHits.length) lines.push(`   IOC hits: ${h.iocHits.length}`);
  }
  if (r.errors.length) lines.push(`${r.errors.length} error(s) met; see the JSON "errors" list`);
  return lines.join('\n') + '\n';
}

/**
 * A first printable case report: cover, per-host verdict, installs, stages with their cited
 * evidence, IOC hits, timeline and errors. No script, every field escaped. (The full court-ready
 * report — coverage, exhibits, chain diagram, appendices — grows from this model.)
 */
import type { HostResult, ScanResult } from '../common/scan-result.js';
import { esc } from './escape.js';

const CSS = `body{font:10.5pt/1.4 system-ui,sans-serif;margin:2em;color:#111}h1{font-size:18pt}h2{font-size:14pt;border-bottom:2px solid #333;margin-top:1.6em;page-break-before:always}
table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #bbb;padding:3px 5px;vertical-align:top;text-align:left;font-size:9pt}th{background:#eee}
.v{font-weight:bold;padding:2px 6px;border-radius:3px}.compromised{background:#b00020;color:#fff}.affected{background:#e65100;color:#fff}.clean{background:#2e7d32;color:#fff}.not-present{background:#546e7a;color:#fff}.inconclusive{background:#6a1b9a;color:#fff}
code{font-size:8.5pt;word-break:break-all}.observed{color:#b00020;font-weight:bold}.not-assessed{color:#6a1b9a}@page{size:A4;margin:15mm}`;

export function renderHtmlReport(r: ScanResult): string {
  const counts = new Map<string, number>();
  for (const h of r.hosts) counts.set(h.verdict, (counts.get(h.verdict) ?? 0) + 1);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>3CX triage report ${esc(r.case?.name ?? '')}</title><style>${CSS}</style></head><body>
<h1>3CX supply-chain compromise — triage report</h1>
<table><tr><th>Case</th><td>${esc(r.case?.name ?? '—')}</td><th>Examiner</th><td>${esc(r.case?.examiner ?? '—')}</td></tr>
<tr><th>Tool</th><td>${esc(r.tool.name)} ${esc(r.tool.version)}</td><th>Indicators</th><td>${esc(r.iocSet.name)} ${esc(r.iocSet.version)}<br><code>sha256 ${esc(r.iocSet.sha256)}</code>${r.iocSet.extra.map((e) => `<br>+ ${esc(e)}`).join('')}</td></tr>
<tr><th>Started (UTC)</th><td>${esc(r.startedAt)}</td><th>Finished (UTC)</th><td>${esc(r.finishedAt)}</td></tr></table>
<p>Summary: ${[...counts].map(([v, n]) => `${n} ${esc(v)}`).join(', ') || 'no hosts'}.</p>
<table><tr><th>Evidence</th><th>Kind</th><th>Path</th><th>Errors</th></tr>${r.evidence.map((e) => `<tr><td>${esc(e.id)}</td><td>${esc(e.kind)}</td><td><code>${esc(e.path)}</code></td><td>${e.errors.length}</td></tr>`).join('')}</table>
${r.hosts.map(hostSection).join('\n')}
${r.errors.length ? `<h2>Errors met</h2><table><tr><th>Evidence</th><th>Path</th><th>Message</th></tr>${r.errors.map((e) => `<tr><td>${esc(e.evidenceId)}</td><td><code>${esc(e.path)}</code></td><td>${esc(e.message)}</td></tr>`).join('')}</table>` : ''}
</body></html>\n`;
}

function hostSection(h: HostResult): string {
  return `<h2>${esc(h.id)} ${esc(h.name)} <span class="v ${esc(h.verdict)}">${esc(h.verdict)}</span></h2>
<p>${esc(h.verdictReason ?? '')} (OS: ${esc(h.os)}; evidence ${esc(h.evidence.join(', '))})</p>
<h3>Installs</h3>${h.installs.length ? `<table><tr><th>Platform</th><th>Version</th><th>Trojanized</th><th>User</th><th>Path</th><th>Source</th></tr>${h.installs.map((i) => `<tr><td>${esc(i.platform)}</td><td>${esc(i.version ?? '?')}</td><td>${i.affected === null ? 'unknown' : i.affected ? 'yes' : 'no'}</td><td>${esc(i.user ?? '—')}</td><td><code>${esc(i.path)}</code></td><td>${esc(i.source)}</td></tr>`).join('')}</table>` : '<p>None found.</p>'}
<h3>Chain of infection</h3><table><tr><th>Stage</th><th>Status</th><th>First seen (UTC)</th><th>Evidence</th></tr>${h.stages.map((s) => `<tr><td>${esc(s.id)}</td><td class="${esc(s.status)}">${esc(s.status)}</td><td>${esc(s.firstSeen ?? '—')}</td><td>${s.evidence.map((e) => `${esc(e.detail)}<br><code>${esc(e.citation ?? `${e.evidenceId} ${e.path}`)}</code>${e.sha256 ? `<br><code>sha256 ${esc(e.sha256)}</code>` : ''}`).join('<hr>')}</td></tr>`).join('')}</table>
<h3>Indicator matches</h3>${h.iocHits.length ? `<table><tr><th>Type</th><th>Value</th><th>Path</th><th>Indicator source</th></tr>${h.iocHits.map((i) => `<tr><td>${esc(i.type)}</td><td><code>${esc(i.value)}</code><br>${esc(i.description)}</td><td><code>${esc(i.path)}</code></td><td>${esc(i.source)} (${esc(i.confidence ?? '')})</td></tr>`).join('')}</table>` : '<p>None.</p>'}
<h3>Timeline (UTC)</h3>${h.timeline.length ? `<table><tr><th>Time</th><th>Event</th><th>Source</th></tr>${h.timeline.map((t) => `<tr><td>${esc(t.time)}</td><td>${esc(t.event)}</td><td><code>${esc(t.source)}</code></td></tr>`).join('')}</table>` : '<p>No dated facts.</p>'}`;
}

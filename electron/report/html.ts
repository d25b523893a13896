/**
 * The printable case report: cover, summary, evidence integrity, one section per host (verdict,
 * installs with provenance and conflicts, chain diagram, findings with exhibit numbers, IOC hits,
 * limitations, timeline), the exhibits, methodology and appendices. No script; every string from
 * evidence escaped; a CSP that forbids everything but inline styles.
 */
import type { ScanResult } from '../common/scan-result.js';
import { reportCss } from './css.js';
import { esc } from './escape.js';
import { hostHtml } from './html-host.js';
import { buildReportModel, type ReportModel } from './model.js';
import { METHODOLOGY } from './methodology.js';

export interface ReportOptions {
  generatedAt?: string;
  paper?: 'A4' | 'Letter';
  /** The case's audit log (desktop app); a command-line run has none. */
  audit?: { entries: { seq: number; time: string; action: string; detail: string; examiner: string }[]; chainIntact: boolean };
}

const t = (s: string | null | undefined): string => (s ? esc(s) : '—');
const mib = (n: number): string => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${n} bytes`);

export function renderHtmlReport(result: ScanResult, opts: ReportOptions = {}): string {
  const m = buildReportModel(result, opts);
  const caseName = result.case?.name ?? 'untitled case';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(`3CX triage report — ${caseName}`)}</title><style>${reportCss(m.paper, `${caseName} — 3CX supply-chain triage`)}</style></head><body>
${cover(m)}
${summary(m)}
${integrity(m)}
${m.hosts.map(hostHtml).join('\n')}
${exhibits(m)}
<section class="host"><h2>Methodology</h2>${METHODOLOGY.map((p) => `<p>${esc(p)}</p>`).join('')}</section>
${appendix(m)}
${auditAppendix(opts.audit)}
<div class="sig"><div>Examiner signature and date</div><div>Reviewer signature and date</div></div>
</body></html>
`;
}

function cover(m: ReportModel): string {
  const r = m.result;
  return `<div class="cover"><h1>3CX supply-chain compromise — triage report</h1>
<table><tr><th>Case</th><td>${t(r.case?.name)}</td><th>Examiner</th><td>${t(r.case?.examiner)}</td></tr>
<tr><th>Report generated (UTC)</th><td>${esc(m.generatedAt)}</td><th>Scan (UTC)</th><td>${esc(r.startedAt)} → ${esc(r.finishedAt)}</td></tr>
<tr><th>Tool</th><td>${esc(r.tool.name)} ${esc(r.tool.version)}</td><th>Result schema</th><td>${esc(r.schema)}</td></tr>
<tr><th>Indicator set</th><td colspan="3">${esc(r.iocSet.name)} ${esc(r.iocSet.version)} · <code>SHA-256 ${esc(r.iocSet.sha256)}</code>${r.iocSet.extra.map((e) => `<br>plus <code>${esc(e)}</code>`).join('')}</td></tr></table>
<p class="small muted">The SHA-256 of this report file is written beside it (<code>.sha256</code>). Times are UTC throughout.</p></div>`;
}

function summary(m: ReportModel): string {
  const r = m.result;
  return `<h2>Summary</h2><p>${r.hosts.length} host(s) from ${r.evidence.length} evidence item(s): ${m.verdictCounts.map(([v, n]) => `<span class="v ${esc(v)}">${n} ${esc(v)}</span>`).join(' ') || 'none'}.</p>
<table><tr><th>Host</th><th>OS</th><th>Verdict</th><th>Why</th></tr>${m.hosts.map(({ host: h }) => `<tr><td><a href="#host-${esc(h.id)}">${esc(h.id)}</a> ${esc(h.name)}</td><td>${esc(h.os)}</td><td><span class="v ${esc(h.verdict)}">${esc(h.verdict)}</span></td><td>${esc(h.verdictReason ?? '')}</td></tr>`).join('')}</table>`;
}

function integrity(m: ReportModel): string {
  const rows = m.result.evidence.map((e) => `<tr><td>${esc(e.id)}</td><td>${esc(e.kind)}${e.layout ? ` / ${esc(e.layout)}` : ''}</td><td><code>${esc(e.path)}</code></td><td>${e.sizeBytes ? esc(mib(e.sizeBytes)) : '—'}</td><td>${e.verification ? `${esc(e.verification.algorithm)} ${e.verification.ok ? 'verified' : '<b>MISMATCH</b>'}<br><code>stored ${esc(e.verification.expected)}<br>computed ${esc(e.verification.actual)}</code>` : 'no stored hash'}</td><td>${e.errors.length}</td></tr>`).join('');
  return `<h2>Evidence and its handling</h2><table><tr><th>Item</th><th>Kind</th><th>Path as given</th><th>Size</th><th>Integrity</th><th>Problems met</th></tr>${rows}</table>
<p class="small">Every evidence item was opened read-only; files were opened with O_NOATIME where the operating system allowed it; symbolic links inside the evidence were not followed; nothing was extracted into or written to the evidence.</p>`;
}

const AUDIT_ROWS = 200;

function auditAppendix(audit: ReportOptions['audit']): string {
  if (!audit) return '<section><h2>Appendix E — examiner audit trail</h2><p>This report was produced from the command line, outside a case folder: there is no case audit log. The command, its inputs and the indicator set are recorded in the result document.</p></section>';
  const e = audit.entries;
  const rows = e.slice(-AUDIT_ROWS).map((x) => `<tr><td>${x.seq}</td><td class="mono">${esc(x.time)}</td><td>${esc(x.examiner)}</td><td>${esc(x.action)}</td><td>${esc(x.detail)}</td></tr>`).join('');
  return `<section><h2>Appendix E — examiner audit trail</h2><p>${e.length} action(s) recorded${e.length ? ` from ${esc(e[0]!.time)} to ${esc(e[e.length - 1]!.time)}` : ''}; the hash chain over the log is ${audit.chainIntact ? 'intact' : '<b>BROKEN</b> (the log was edited)'}.${e.length > AUDIT_ROWS ? ` The last ${AUDIT_ROWS} are listed.` : ''}</p>
<table><tr><th>#</th><th>Time (UTC)</th><th>Examiner</th><th>Action</th><th>Detail</th></tr>${rows}</table></section>`;
}

function exhibits(m: ReportModel): string {
  if (m.exhibits.length === 0) return '';
  return `<section class="host"><h2>Exhibits</h2><table><tr><th>Ex.</th><th>Host · stage</th><th>Evidence › path › artefact</th><th>Time (UTC)</th><th>SHA-256</th></tr>${m.exhibits
    .map((e) => `<tr><td class="ex">${e.n}</td><td>${esc(e.hostId)} · ${t(e.stage)}</td><td><code>${esc(e.citation ?? `${e.evidenceId} › ${e.path}`)}</code><br>${esc(e.artefact)}</td><td class="mono">${t(e.time)}</td><td><code>${t(e.sha256)}</code></td></tr>`)
    .join('')}</table></section>`;
}

function appendix(m: ReportModel): string {
  const files = m.hosts.flatMap(({ host: h }) => (h.files ?? []).map((f) => ({ h, f })));
  const hashes = files.length
    ? `<table><tr><th>Host</th><th>Path</th><th>Size</th><th>MD5 / SHA-1 / SHA-256</th><th>Modified (UTC)</th></tr>${files.map(({ h, f }) => `<tr><td>${esc(h.id)}</td><td><code>${esc(f.path)}</code><br><span class="small muted">${esc(f.role)}</span></td><td>${f.size}</td><td><code>${t(f.md5)}<br>${t(f.sha1)}<br>${t(f.sha256)}</code></td><td class="mono">${t(f.modified)}</td></tr>`).join('')}</table>`
    : '<p>No files were hashed.</p>';
  const errors = m.result.errors.length
    ? `<table><tr><th>Item</th><th>Path</th><th>Message</th></tr>${m.result.errors.map((e) => `<tr><td>${t(e.evidenceId)}</td><td><code>${esc(e.path)}</code></td><td>${esc(e.message)}</td></tr>`).join('')}</table>`
    : '<p>None.</p>';
  const sources = [...new Set(m.result.hosts.flatMap((h) => h.iocHits.map((x) => x.source)))];
  return `<section class="host"><h2>Appendix A — hashes of examined files</h2>${hashes}
<h2>Appendix B — provenance of matched indicators</h2>${sources.length ? `<ul>${sources.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>` : '<p>No indicator matched.</p>'}
<h2>Appendix C — problems met while reading the evidence</h2>${errors}
<h2>Appendix D — reproducibility</h2><p>Re-running ${esc(m.result.tool.name)} ${esc(m.result.tool.version)} with the indicator set above (SHA-256 ${esc(m.result.iocSet.sha256)}) over the same evidence items yields the same findings; the machine-readable result (schema ${esc(m.result.schema)}) holds every value shown here.</p></section>`;
}

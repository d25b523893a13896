/** One host's section of the HTML report. Every value from evidence goes through esc(). */
import { chainSvg } from './chain-svg.js';
import { esc } from './escape.js';
import type { HostSection } from './model.js';
import { STAGE_LABEL } from './stage-labels.js';

/** Date over time: a narrow column that never breaks a timestamp in the middle of a number. */
function whenCell(iso: string): string {
  const t = iso.indexOf('T');
  return t > 0 ? `${esc(iso.slice(0, t))}<br>${esc(iso.slice(t + 1))}` : esc(iso);
}

const t = (s: string | null | undefined): string => (s ? esc(s) : '—');

export function hostHtml(sec: HostSection): string {
  const h = sec.host;
  const installs = h.installs.length
    ? `<table><tr><th>Platform</th><th>Version</th><th>Trojanized build</th><th>User</th><th>Where</th><th>Source (provenance)</th></tr>${h.installs
        .map((i) => `<tr><td>${esc(i.platform)}</td><td>${t(i.version)}</td><td>${i.affected === null ? 'unknown' : i.affected ? '<b>yes</b>' : 'no'}</td><td>${t(i.user)}</td><td><code>${esc(i.path)}</code></td><td class="small">${esc(i.source)}</td></tr>`)
        .join('')}</table>`
    : '<p>No installation of the 3CX Desktop App was found.</p>';
  const conflicts = sec.conflicts.length ? `<p><b>Conflicting sources:</b></p><ul>${sec.conflicts.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>` : '';
  const stages = `<table><tr><th>#</th><th>Stage</th><th>Status</th><th>First seen (UTC)</th><th>Findings</th></tr>${h.stages
    .map((s, i) => {
      const ex = sec.stageExhibits[s.id] ?? [];
      const findings = s.evidence.map((e, j) => `<div><span class="ex">[Ex. ${ex[j]}]</span> ${esc(e.detail)}</div>`).join('') || (s.status === 'not-observed' ? '<span class="muted">Looked for; not present in the evidence examined.</span>' : '<span class="muted">Could not be assessed; see limitations.</span>');
      return `<tr><td>${i + 1}</td><td>${esc(STAGE_LABEL[s.id])}</td><td class="s-${esc(s.status)}">${esc(s.status)}</td><td>${t(s.firstSeen)}</td><td>${findings}</td></tr>`;
    })
    .join('')}</table>`;
  const hits = h.iocHits.length
    ? `<table><tr><th>Type</th><th>Value</th><th>Where</th><th>Indicator and its source</th><th>Confidence</th></tr>${h.iocHits
        .map((x) => `<tr><td>${esc(x.type)}</td><td><code>${esc(x.value)}</code></td><td><code>${esc(x.path)}</code></td><td class="small">${esc(x.description)}<br><span class="muted">${esc(x.source)}</span></td><td>${t(x.confidence)}</td></tr>`)
        .join('')}</table>`
    : '<p>No indicator matched.</p>';
  const limits = sec.limitations.length ? `<ul>${sec.limitations.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : '<p>Every stage could be assessed from the evidence.</p>';
  const examined = (h.coverage ?? []).filter((c) => c.state === 'examined');
  const coverage = examined.length ? `<p class="small muted">Examined: ${examined.map((c) => `${esc(c.area)} (${esc(c.platform)}: ${esc(c.detail)})`).join('; ')}.</p>` : '';
  const timeline = h.timeline.length
    ? `<table><tr><th>Time (UTC)</th><th>Event</th><th>Source</th></tr>${h.timeline.map((e) => `<tr><td class="mono when">${whenCell(e.time)}</td><td>${esc(e.event)}</td><td><code>${esc(e.source)}</code></td></tr>`).join('')}</table>`
    : '<p>No dated facts.</p>';
  return `<section class="host" id="host-${esc(h.id)}">
<h2>${esc(h.id)} · ${esc(h.name)} <span class="v ${esc(h.verdict)}">${esc(h.verdict)}</span></h2>
<p><b>${esc(h.verdictReason ?? '')}</b></p>
<p class="small muted">Operating system: ${esc(h.os)} · evidence: ${esc(h.evidence.join(', '))}</p>
<h3>Installations</h3>${installs}${conflicts}
<h3>Chain of infection</h3>${chainSvg(h.stages)}
${stages}
<h3>Indicator matches</h3>${hits}
<h3>Coverage and limitations</h3>${limits}${coverage}
<h3>Timeline</h3>${timeline}
</section>`;
}

/**
 * Negative findings need their coverage: "not observed" (looked, absent) versus "not assessed"
 * (could not look). This turns each host's stage statuses and coverage notes into the sentences
 * the report's limitations section states, so the examiner never retypes them.
 */
import type { HostResult, StageId } from '../common/scan-result.js';
import { STAGE_SHORT } from './stage-labels.js';

const WHY_NOT_ASSESSED: Partial<Record<StageId, (h: HostResult) => string>> = {
  installer: () => 'no user profile folders were available to search for installers or update packages',
  installed: () => 'no application install locations could be examined',
  'trojanized-library': () => 'no application install locations could be examined',
  'encrypted-payload': (h) =>
    h.os === 'macos'
      ? 'the macOS build carries its payload inside libffmpeg.dylib; there is no separate carrier file to examine'
      : 'no Windows application tree could be examined for d3dcompiler_47.dll',
  executed: (h) =>
    h.os === 'windows'
      ? 'the 3CX install tree that would hold the loader\'s "manifest" file is absent; execution artefacts outside it (Prefetch, Amcache, event logs) were not available to this scan'
      : 'no user support folder could be examined for .main_storage',
  'dormancy-timer': (h) =>
    h.os === 'macos' ? 'no dormancy-timer file is documented for the macOS build' : 'the install tree that would hold the "manifest" timer file is absent',
  beacon: () => 'no network artefacts (DNS or proxy logs, Sysmon network events, browser history) were available; only the app\'s own logs and configuration were searched for attacker domains',
  'second-stage': (h) => (h.os === 'windows' ? 'the Windows system folders (System32) were not part of this evidence' : 'no user support folder could be examined for UpdateAgent'),
};

export function limitationsFor(h: HostResult): string[] {
  const out: string[] = [];
  for (const s of h.stages) {
    if (s.status !== 'not-assessed') continue;
    const why = WHY_NOT_ASSESSED[s.id]?.(h) ?? 'the artefacts that could show it were absent or unreadable';
    out.push(`${STAGE_SHORT[s.id]}: not assessed — ${why}.`);
  }
  if (h.stages.some((s) => s.id === 'second-stage' && s.status === 'not-observed') && h.os === 'macos') {
    out.push('Second stage: UpdateAgent normally deletes itself and Apple\'s XProtect Remediator removes it; its absence does not prove it never ran.');
  }
  if (h.installs.some((i) => i.source.startsWith('installer file name only'))) {
    out.push('Installer versions stated by file names only are listed for completeness and were not relied on.');
  }
  if ((h.files ?? []).some((f) => f.sha256 === null)) out.push('Some examined files could not be hashed; see the errors appendix.');
  for (const c of h.coverage ?? []) {
    if (c.state === 'unreadable') out.push(`${c.area} (${c.platform}): unreadable — ${c.detail}.`);
    else if (c.state === 'not-parsed') out.push(`${c.area} (${c.platform}): present but not parsed — ${c.detail}.`);
  }
  return out;
}

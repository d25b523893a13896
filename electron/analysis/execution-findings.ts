/**
 * Execution evidence recorded by Windows itself (Prefetch): the app ran, and with which DLLs.
 * Running the 3CX app proves trojanized code ran only where a trojanized build was on the host;
 * otherwise the runs are kept as context, never as the executed stage.
 */
import { formatRef } from '../common/evidence-ref.js';
import type { TimelineEntry } from '../common/scan-result.js';
import { earliestTime } from '../common/vfs.js';
import type { ArtefactRecord, PrefetchRecord } from '../artefacts/records.js';
import type { StageBoard } from './stage-board.js';

function describe(p: PrefetchRecord): string {
  const dlls = [p.loadsFfmpeg ? 'FFMPEG.DLL' : null, p.loadsD3dcompiler ? 'D3DCOMPILER_47.DLL' : null].filter(Boolean).join(' and ');
  const runs = p.lastRuns.length ? `; last run${p.lastRuns.length > 1 ? 's' : ''} ${p.lastRuns.join(', ')}` : '';
  return `Prefetch ${p.entry.name}: ${p.executable} ran ${p.runCount} time(s)${runs}${dlls ? `; loaded ${dlls} from the 3CX app folder` : ''}${p.user ? ` (user ${p.user})` : ''}`;
}

/** The earliest moment the record shows a run: the .pf file's birth is the first run; else the oldest kept run time. */
function firstRun(p: PrefetchRecord): string | null {
  return [earliestTime(p.entry), ...p.lastRuns].filter((t): t is string => !!t).sort()[0] ?? null;
}

export function executionFindings(records: readonly ArtefactRecord[], board: StageBoard, trojanizedPresent: boolean): void {
  for (const r of records) {
    if (r.type === 'prefetch-coverage' && r.state === 'examined') board.assess('executed');
    if (r.type !== 'prefetch') continue;
    const e = { evidenceId: r.ref.evidenceId, path: r.ref.path, artefact: `Prefetch v${r.formatVersion} (windows.prefetch)`, detail: describe(r), time: firstRun(r), citation: formatRef(r.ref) };
    if (r.subject === '3cx-app' && r.loadsFfmpeg && trojanizedPresent) board.observe('executed', { ...e, detail: `${e.detail}: the trojanized build on this host ran` });
    else if (r.subject === '3cx-msi-install') board.note('installer', e);
    else board.note('executed', { ...e, detail: `${e.detail}${trojanizedPresent ? '' : ' (no trojanized build was identified on this host, so this alone does not show trojanized code ran)'}` });
  }
}

export function executionTimeline(records: readonly ArtefactRecord[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const r of records) {
    if (r.type !== 'prefetch') continue;
    const src = `Prefetch › ${formatRef(r.ref)}`;
    r.lastRuns.forEach((t, i) => out.push({ time: t, event: `${r.executable} ran (Prefetch last-run ${i + 1} of ${r.lastRuns.length}; run count ${r.runCount})`, source: src }));
    if (r.entry.created) out.push({ time: r.entry.created, event: `${r.entry.name} created (first run of ${r.executable} on this volume)`, source: `file system times › ${formatRef(r.ref)}` });
  }
  return out;
}

/**
 * The NTFS change journal onto the chain. The journal keeps what happened to a name and when,
 * even after the file is gone, but never what the file held: it dates an install, an update, a
 * removal or the loader's timer file; it cannot tell a trojanized build from a clean one. So a
 * journaled install counts as `installed` only where a trojanized build is otherwise established;
 * the timer file and the known second-stage locations are decisive on their own, as their file
 * presence is (host-analysis runtimeFindings, windows.second-stage). A silent journal assesses
 * nothing: it speaks only for its own window (days to weeks), which the coverage notes state.
 */
import { formatRef } from '../common/evidence-ref.js';
import type { StageEvidence, TimelineEntry } from '../common/scan-result.js';
import type { ArtefactRecord, UsnJournalRecord } from '../artefacts/records.js';
import type { StageBoard } from './stage-board.js';

/** Second-stage paths that decide on their own (the same set windows.second-stage checks on disk). */
const DECISIVE_SECOND_STAGE = /^\/Windows\/System32\/(wlbsctrl\.dll|krwve\.jat|catroot2\/edb\.chk\.log)$/i;

const ARTEFACT = 'NTFS change journal $UsnJrnl:$J (windows.usnjrnl)';

function evidence(r: UsnJournalRecord, detail: string): StageEvidence {
  return { evidenceId: r.ref.evidenceId, path: r.path, artefact: ARTEFACT, detail, time: r.time, citation: formatRef(r.ref) };
}

function sentence(r: UsnJournalRecord): string {
  const where = r.pathResolved ? r.path : `${r.path} (parent folder no longer on the volume)`;
  return `the journal records ${r.name} ${r.action} at ${r.time ?? 'an unknown time'} (USN ${r.usn}; ${r.reasons.join(' | ')}): ${where}`;
}

export function usnFindings(records: readonly ArtefactRecord[], board: StageBoard, trojanizedPresent: boolean): void {
  for (const r of records) {
    if (r.type !== 'usn') continue;
    const e = evidence(r, sentence(r));
    switch (r.subject) {
      case 'timer-manifest':
        if (r.action === 'created' && r.in3cxFolder) {
          board.observe('executed', { ...e, detail: `${e.detail} — the loader's "manifest" timer file was created: trojanized code ran` });
          board.observe('dormancy-timer', { ...e, detail: `${e.detail} — dormancy timer started` });
        } else board.note('dormancy-timer', e);
        break;
      case 'second-stage':
        if (r.pathResolved && DECISIVE_SECOND_STAGE.test(r.path) && r.action !== 'deleted') board.observe('second-stage', { ...e, detail: `${e.detail} — ${r.rule ?? 'second-stage location'}` });
        else board.note('second-stage', { ...e, detail: `${e.detail}${r.rule ? ` — ${r.rule}` : ''}` });
        break;
      case 'installer-msi':
      case 'update-nupkg':
        board.note('installer', { ...e, detail: `${e.detail} — the version in a file name is a claim only` });
        break;
      default:
        if (r.in3cxFolder && r.action === 'created' && trojanizedPresent) board.observe('installed', { ...e, detail: `${e.detail} — the 3CX app was laid down then` });
        else board.note('installed', r.action === 'deleted' ? { ...e, detail: `${e.detail} — removed then: absence afterwards is removal, not "never installed"` } : e);
    }
  }
}

export function usnTimeline(records: readonly ArtefactRecord[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const r of records) {
    if (r.type !== 'usn' || !r.time) continue;
    out.push({ time: r.time, event: `${r.name} ${r.action} (change journal: ${r.reasons.join(' | ')})`, source: `$UsnJrnl › ${formatRef(r.ref)}` });
  }
  return out;
}

/** A journaled trace of the app itself (not a second-stage name) makes the host one that had 3CX. */
export const usnTrace = (r: ArtefactRecord): boolean => r.type === 'usn' && r.subject !== 'second-stage' && (r.in3cxFolder || r.subject === 'installer-msi');

/** The journal's window for the report's coverage and limitations. */
export function usnCoverage(records: readonly ArtefactRecord[]): { area: string; platform: 'windows'; state: 'examined' | 'unreadable'; detail: string }[] {
  return records.flatMap((r) => {
    if (r.type !== 'usn-coverage' || r.state === 'absent') return [];
    const window = r.firstTime && r.lastTime ? `covers ${r.firstTime} to ${r.lastTime}` : 'holds no dated record';
    const detail = `NTFS change journal ${r.journalPath ?? ''}: ${r.records} records, ${r.matched} about 3CX; it ${window} — anything older is outside what it can show${r.issues ? `; ${r.issues} damaged region(s)` : ''}`;
    return [{ area: 'usnjrnl', platform: 'windows' as const, state: r.state, detail }];
  });
}

/** Every dated fact of a host, in UTC order, each naming its artefact and path. */
import { formatRef } from '../common/evidence-ref.js';
import type { StageResult, TimelineEntry } from '../common/scan-result.js';
import type { ArtefactRecord } from '../artefacts/records.js';

export function buildTimeline(records: readonly ArtefactRecord[], stages: StageResult[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const add = (time: string | null | undefined, event: string, source: string): void => {
    if (time) out.push({ time, event, source });
  };
  for (const r of records) {
    switch (r.type) {
      case 'app-file': {
        const what = r.role === 'other' ? r.entry.name : `${r.entry.name} (${r.role})`;
        const src = `file system times › ${formatRef(r.ref)}`;
        add(r.entry.created, `${what} created`, src);
        add(r.entry.modified, `${what} last modified`, src);
        add(r.pe?.linkTime, `${r.entry.name} PE link time (compile time stated by the file)`, `PE header › ${formatRef(r.ref)}`);
        add(r.pe?.signer?.signingTime, `${r.entry.name} Authenticode signing time (${r.pe?.signer?.subject ?? ''})`, `PE certificate table › ${formatRef(r.ref)}`);
        break;
      }
      case 'install':
        add(r.time, `3CX Desktop App ${r.version ?? '(version unknown)'} on disk at ${r.path}${r.user ? ` (user ${r.user})` : ''}`, `${r.versionSource} › ${formatRef(r.ref)}`);
        break;
      case 'timer':
        add(r.entry.created, 'loader "manifest" timer file created (dormancy timer started)', `file system times › ${formatRef(r.ref)}`);
        add(r.entry.modified, 'loader "manifest" timer file last modified', `file system times › ${formatRef(r.ref)}`);
        add(r.wakeUp?.time, `planned wake-up time stored in "manifest" (${r.wakeUp?.encoding ?? ''})`, `manifest content › ${formatRef(r.ref)}`);
        break;
      case 'main-storage':
        add(r.entry.created, '.main_storage created', `file system times › ${formatRef(r.ref)}`);
        add(r.time, `.main_storage stored time (victim UUID ${r.uuid ?? '?'})`, `.main_storage content › ${formatRef(r.ref)}`);
        break;
      case 'app-data':
        add(r.entry.created, `3CX app data folder created${r.user ? ` for ${r.user}` : ''}`, `file system times › ${formatRef(r.ref)}`);
        add(r.sessionLock?.modified, '.session-lock last modified', `file system times › ${formatRef(r.ref)}/.session-lock`);
        break;
      default:
        break;
    }
  }
  for (const s of stages) add(s.firstSeen, `stage ${s.id} first seen`, 'analysis (earliest cited evidence)');
  const seen = new Set<string>();
  return out
    .filter((e) => {
      const k = `${e.time}|${e.event}|${e.source}`;
      return seen.has(k) ? false : (seen.add(k), true);
    })
    .sort((a, b) => a.time.localeCompare(b.time) || a.event.localeCompare(b.event));
}

/** Merge further dated facts into a sorted timeline, dropping exact duplicates. */
export function mergeTimeline(a: TimelineEntry[], b: TimelineEntry[]): TimelineEntry[] {
  const seen = new Set<string>();
  return [...a, ...b]
    .filter((e) => {
      const k = `${e.time}|${e.event}|${e.source}`;
      return seen.has(k) ? false : (seen.add(k), true);
    })
    .sort((x, y) => x.time.localeCompare(y.time) || x.event.localeCompare(y.event));
}

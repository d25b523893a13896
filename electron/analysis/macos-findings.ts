/**
 * macOS system records onto the chain: downloads of the DMG (QuarantineEventsV2), app use
 * (KnowledgeC), updates (Squirrel ShipIt), persistence (launch items) and Apple's own remediation
 * (XProtect), which can explain why .main_storage or UpdateAgent are missing.
 */
import { formatRef } from '../common/evidence-ref.js';
import type { StageEvidence, TimelineEntry } from '../common/scan-result.js';
import type { ArtefactRecord } from '../artefacts/records.js';
import { versionStatus, type IocSet } from './ioc/index.js';
import type { StageBoard } from './stage-board.js';

const ev = (r: { ref: Parameters<typeof formatRef>[0] }, artefact: string, detail: string, time: string | null): StageEvidence => ({ evidenceId: r.ref.evidenceId, path: r.ref.path, artefact, detail, time, citation: formatRef(r.ref) });

export function macosFindings(records: readonly ArtefactRecord[], iocs: IocSet, board: StageBoard, trojanizedPresent: boolean): void {
  for (const r of records) {
    switch (r.type) {
      case 'macos-artefact-coverage':
        if (r.state === 'examined' && r.artefact === 'knowledgec') board.assess('executed');
        if (r.state === 'examined' && r.artefact === 'quarantine') board.assess('installer');
        break;
      case 'macos-quarantine-event': {
        const trojan = versionStatus(iocs, 'macos', r.nameVersion).status === 'trojanized';
        const e = ev(r, 'QuarantineEventsV2 (macos.quarantine)', `${r.agentName ?? 'an app'} downloaded ${r.fileName ?? r.dataUrl ?? 'a 3CX file'}${r.dataUrl ? ` from ${r.dataUrl}` : ''}${r.user ? ` for ${r.user}` : ''}`, r.time);
        // The version comes from the file name; with a trojanized build on the Mac the download is its installer.
        if (r.match === '3cx-dmg' && trojan && trojanizedPresent) board.observe('installer', e);
        else board.note('installer', e);
        break;
      }
      case 'macos-knowledgec-usage': {
        const e = ev(r, `KnowledgeC ${r.stream} (macos.knowledgec)`, `macOS recorded ${r.bundleId} ${r.stream === '/app/inFocus' ? 'in focus' : 'in use'} ${r.start ?? '?'} → ${r.end ?? '?'}${r.user ? ` (user ${r.user})` : ''}`, r.start);
        if (trojanizedPresent) board.observe('executed', e);
        else board.note('executed', e);
        break;
      }
      case 'macos-shipit-update-bundle': {
        const trojan = versionStatus(iocs, 'macos', r.version).status === 'trojanized';
        const e = ev(r, 'Squirrel ShipIt staged update (macos.shipit)', `an update to ${r.bundleId ?? '3CX'} ${r.version ?? '(version unknown)'} was staged for ${r.user}${trojan ? ': a trojanized build' : ''}`, r.time);
        if (trojan) board.observe('installer', e);
        else board.note('installer', e);
        break;
      }
      case 'macos-launch-item':
        if (r.indicators.some((i) => i !== '3cx-name')) board.observe('second-stage', ev(r, `launch item (${r.scope})`, `${r.label ?? r.entry.name} runs ${r.program ?? r.programArguments.join(' ')}: persistence pointing at ${r.indicators.join(', ')}`, r.entry.modified));
        else board.note('second-stage', ev(r, `launch item (${r.scope})`, `${r.label ?? r.entry.name} names 3CX`, r.entry.modified));
        break;
      case 'macos-fsevents':
        fseventsFinding(r, board, trojanizedPresent);
        break;
      case 'macos-xprotect-trace':
        if (r.remediation) board.note('second-stage', ev(r, 'XProtect Remediator trace', `Apple's XProtect Remediator acted (${r.mentions.join(', ')}): files such as .main_storage and UpdateAgent may have been removed — their absence proves nothing`, null));
        break;
      default:
        break;
    }
  }
}

type FseventsRec = Extract<ArtefactRecord, { type: 'macos-fsevents' }>;

/**
 * FSEvents says a path changed, not when: its time is the bracket of the log file that holds it
 * (logged after the previous file's mtime, no later than its own). Like the USN journal, a name
 * dates a step but cannot tell a trojanized build from a clean one, except for the files only
 * the trojanized dylib writes (.main_storage, UpdateAgent).
 */
function fseventsFinding(r: FseventsRec, board: StageBoard, trojanizedPresent: boolean): void {
  const when = r.timeBracket.notAfter ? `logged no later than ${r.timeBracket.notAfter}${r.timeBracket.notBefore ? ` and after ${r.timeBracket.notBefore}` : ''}` : 'log time unknown';
  const e = ev(r, 'FSEvents (macos.fsevents)', `${r.path}: ${r.flagNames.join(', ') || 'no flags'} (event 0x${r.eventId}; ${when})`, r.timeBracket.notAfter);
  const created = r.flagNames.includes('Created') || r.flagNames.includes('Modified') || r.flagNames.includes('Renamed');
  const removed = r.flagNames.includes('Removed');
  switch (r.indicator) {
    case 'main-storage':
      if (created) board.observe('executed', { ...e, detail: `${e.detail} — .main_storage is written only by the trojanized libffmpeg.dylib: it ran` });
      else board.note('executed', e);
      break;
    case 'update-agent':
      if (r.flagNames.includes('Created')) board.observe('second-stage', { ...e, detail: `${e.detail} — UpdateAgent (the second stage) was written${removed ? ' and removed again, as it does itself' : ''}` });
      else board.note('second-stage', removed ? { ...e, detail: `${e.detail} — UpdateAgent removed: its absence now proves nothing` } : e);
      break;
    case 'app-bundle':
    case 'libffmpeg':
      if (created && trojanizedPresent) board.observe('installed', { ...e, detail: `${e.detail} — the app was laid down or updated then` });
      else board.note('installed', e);
      break;
    case 'support-folder':
    case 'session-lock':
      if (trojanizedPresent && created) board.observe('executed', { ...e, detail: `${e.detail} — the app ran while a trojanized build was on this Mac` });
      else board.note('executed', e);
      break;
    default:
      board.note('installer', e);
  }
}

export function macosTimeline(records: readonly ArtefactRecord[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const r of records) {
    if (r.type === 'macos-quarantine-event' && r.time) out.push({ time: r.time, event: `downloaded ${r.fileName ?? r.dataUrl ?? '3CX file'} (${r.agentName ?? 'unknown agent'})`, source: `QuarantineEventsV2 › ${formatRef(r.ref)}` });
    else if (r.type === 'macos-knowledgec-usage' && r.start) out.push({ time: r.start, event: `${r.bundleId} ${r.stream} until ${r.end ?? '?'}`, source: `KnowledgeC › ${formatRef(r.ref)}` });
    else if (r.type === 'macos-shipit-update-bundle' && r.time) out.push({ time: r.time, event: `ShipIt staged update ${r.version ?? ''}`, source: formatRef(r.ref) });
    else if (r.type === 'macos-fsevents' && r.timeBracket.notAfter) out.push({ time: r.timeBracket.notAfter, event: `${r.path} ${r.flagNames.join(', ')} (FSEvents: logged no later than this)`, source: `FSEvents › ${formatRef(r.ref)}` });
    else if (r.type === 'app-file' && r.macho && (r.macho.timestampTime ?? r.macho.signingTime)) {
      const m = r.macho;
      out.push({ time: (m.timestampTime ?? m.signingTime)!, event: `${r.entry.name} code-signed${m.signer?.commonName ? ` by ${m.signer.commonName}` : ''}${m.signer?.teamId ? ` (team ${m.signer.teamId})` : ''}${m.timestampTime ? ' (Apple timestamp)' : ' (signer clock)'}`, source: `Mach-O code signature › ${formatRef(r.ref)}` });
    } else if (r.type === 'macos-install-history' && r.time) out.push({ time: r.time, event: `installed package ${r.displayName ?? ''} ${r.displayVersion ?? ''}`, source: formatRef(r.ref) });
  }
  return out;
}

/** The span FSEvents and the unified logs can speak for, for the report's coverage and limitations. */
export function macosCoverage(records: readonly ArtefactRecord[]): { area: string; platform: 'macos'; state: 'examined' | 'unreadable'; detail: string }[] {
  return records.flatMap((r) => {
    if (r.type !== 'macos-fsevents-coverage' || r.state === 'absent') return [];
    const span = r.span.from && r.span.to ? `its logs span ${r.span.from} to ${r.span.to}` : 'its logs carry no usable times';
    return [{ area: 'fsevents', platform: 'macos' as const, state: r.state, detail: `FSEvents: ${r.files} log file(s), ${r.records} records, ${r.matched} about 3CX; ${span} — older changes are outside what it can show${r.damagedFiles ? `; ${r.damagedFiles} damaged file(s)` : ''}` }];
  });
}

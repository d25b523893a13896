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
      case 'macos-xprotect-trace':
        if (r.remediation) board.note('second-stage', ev(r, 'XProtect Remediator trace', `Apple's XProtect Remediator acted (${r.mentions.join(', ')}): files such as .main_storage and UpdateAgent may have been removed — their absence proves nothing`, null));
        break;
      default:
        break;
    }
  }
}

export function macosTimeline(records: readonly ArtefactRecord[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const r of records) {
    if (r.type === 'macos-quarantine-event' && r.time) out.push({ time: r.time, event: `downloaded ${r.fileName ?? r.dataUrl ?? '3CX file'} (${r.agentName ?? 'unknown agent'})`, source: `QuarantineEventsV2 › ${formatRef(r.ref)}` });
    else if (r.type === 'macos-knowledgec-usage' && r.start) out.push({ time: r.start, event: `${r.bundleId} ${r.stream} until ${r.end ?? '?'}`, source: `KnowledgeC › ${formatRef(r.ref)}` });
    else if (r.type === 'macos-shipit-update-bundle' && r.time) out.push({ time: r.time, event: `ShipIt staged update ${r.version ?? ''}`, source: formatRef(r.ref) });
    else if (r.type === 'macos-install-history' && r.time) out.push({ time: r.time, event: `installed package ${r.displayName ?? ''} ${r.displayVersion ?? ''}`, source: formatRef(r.ref) });
  }
  return out;
}

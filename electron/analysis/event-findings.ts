/**
 * Windows event logs onto the chain: MsiInstaller (installer and install history), Sysmon
 * (process, image load, file create, DNS, network, children), Defender detections, crashes and
 * process audit. An event about the 3CX app shows trojanized code ran only when the event itself
 * names a trojanized version or hash, or a trojanized build is on the host.
 */
import { formatRef } from '../common/evidence-ref.js';
import type { InstallRecord, IocHit, StageEvidence, StageId, TimelineEntry } from '../common/scan-result.js';
import type { ArtefactRecord, EventLogRecord } from '../artefacts/records.js';
import { findNetworkIndicators, matchHashes, versionStatus, type IocSet } from './ioc/index.js';
import type { StageBoard } from './stage-board.js';

const isEvent = (r: ArtefactRecord): r is EventLogRecord => r.type.startsWith('evtx-');

function cite(r: EventLogRecord, detail: string): StageEvidence {
  const log = r.log.split('/').pop() ?? r.log;
  return { evidenceId: r.ref.evidenceId, path: r.ref.path, artefact: `${log} record ${r.recordId} (${r.provider} ${r.eventId})`, detail: `${detail}${r.recovered ? ' [recovered from a damaged chunk or slack]' : ''}`, time: r.time, citation: formatRef(r.ref) };
}

function sysmonHashes(h: Record<string, string> | undefined): { md5?: string; sha1?: string; sha256?: string } {
  const out: { md5?: string; sha1?: string; sha256?: string } = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    const key = k.toLowerCase().replace('-', '');
    if (key === 'md5' || key === 'sha1' || key === 'sha256') out[key] = v.toLowerCase();
  }
  return out;
}

/** SID → profile name from the registry's ProfileList, so events name users as the host knew them. */
function sidNames(records: readonly ArtefactRecord[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of records) if (r.type === 'host-facts') for (const p of r.profiles) m.set(p.sid.toUpperCase(), p.user);
  return m;
}

export function eventFindings(records: readonly ArtefactRecord[], iocs: IocSet, board: StageBoard, hits: IocHit[], installs: InstallRecord[], trojanizedPresent: boolean): void {
  const names = sidNames(records);
  const who = (sid: string | null): string | null => (sid ? (names.has(sid.toUpperCase()) ? `${names.get(sid.toUpperCase())} (${sid})` : sid) : null);
  const strong = (stage: StageId, e: StageEvidence, proven: boolean): void => (proven ? board.observe(stage, e) : board.note(stage, e));
  for (const r of records) {
    if (r.type === 'coverage' && r.area === 'network' && r.state === 'examined') board.assess('beacon', 'executed');
    if (!isEvent(r)) continue;
    switch (r.type) {
      case 'evtx-msi-installer': {
        const vs = versionStatus(iocs, 'windows', r.version);
        const trojan = vs.status === 'trojanized';
        // 11707/11724 name no version: they date the install or removal, the timeline keeps them.
        if (r.version) installs.push({ product: r.product, platform: 'windows', version: vs.normalized ?? r.version, affected: trojan ? true : vs.status === 'unknown' ? null : false, user: who(r.userSid), path: r.log, source: `MsiInstaller ${r.eventId} ${r.action === 'install' ? 'installed' : 'removed'} (${formatRef(r.ref)} › record ${r.recordId})` });
        if (r.action === 'install') {
          const e = cite(r, `Windows Installer installed ${r.product} ${r.version ?? '(version not stated)'}${r.manufacturer ? ` (${r.manufacturer})` : ''}${r.userSid ? ` for ${who(r.userSid)}` : ''}${trojan ? ': a trojanized build' : ''}`);
          strong('installer', e, trojan);
          strong('installed', e, trojan);
        }
        break;
      }
      case 'evtx-sysmon': {
        const digests = sysmonHashes(r.hashes);
        const matched = matchHashes(iocs, digests).filter((i) => i.confidence !== 'low');
        for (const i of matched) hits.push({ type: i.algorithm, value: i.value, path: r.image ?? r.imageLoaded ?? r.log, source: `${i.pack}: ${i.sources.join('; ')}`, description: `${i.fileName ?? 'file'} — ${i.stage} (Sysmon ${r.eventId} record ${r.recordId})`, evidenceId: r.ref.evidenceId, confidence: i.confidence });
        const ver = r.fileVersion ? versionStatus(iocs, 'windows', r.fileVersion) : null;
        const trojanEvent = matched.length > 0 || ver?.status === 'trojanized';
        if (r.match === 'app-process') strong('executed', cite(r, `Sysmon: ${r.image} started${r.fileVersion ? ` (FileVersion ${r.fileVersion})` : ''}${r.userName ? ` by ${r.userName}` : ''}`), trojanEvent || trojanizedPresent);
        else if (r.match === 'dll-load') strong('executed', cite(r, `Sysmon: ${r.image} loaded ${r.imageLoaded}${matched.length ? ' (hash matches a trojanized library)' : ''}`), trojanEvent || trojanizedPresent);
        else if (r.match === 'manifest') {
          const e = cite(r, `Sysmon: ${r.image} created ${r.targetFilename}: the loader's dormancy timer`);
          board.observe('dormancy-timer', e);
          board.observe('executed', e);
        } else if (r.match === 'dns' || r.match === 'network') {
          const text = [r.queryName, r.destinationHostname].filter(Boolean).join(' ');
          for (const m of findNetworkIndicators(iocs, text)) {
            if (m.indicator.confidence === 'low') continue;
            hits.push({ type: m.indicator.kind, value: m.indicator.value, path: r.log, source: `${m.indicator.pack}: ${m.indicator.sources.join('; ')}`, description: `${m.indicator.stage} (Sysmon ${r.eventId} record ${r.recordId})`, evidenceId: r.ref.evidenceId, confidence: m.indicator.confidence });
            board.observe('beacon', cite(r, `Sysmon: ${r.image} ${r.match === 'dns' ? 'resolved' : 'connected to'} ${m.match} (${m.indicator.role})${r.destinationIp ? ` ${r.destinationIp}` : ''}`));
          }
        } else if (r.match === 'child-of-app') strong('second-stage', cite(r, `Sysmon: 3CXDesktopApp.exe started ${r.image}${r.commandLine ? ` (${r.commandLine})` : ''}`), r.suspiciousChild === true);
        else if (r.match === 'updater') board.note('installer', cite(r, `Sysmon: updater ran ${r.commandLine ?? r.image}`));
        break;
      }
      case 'evtx-defender': {
        const p = (r.path ?? '').toLowerCase();
        const stage: StageId = /\.s[bc]\b|\.co\b/i.test(r.threatName ?? '') ? 'second-stage' : p.includes('d3dcompiler') ? 'encrypted-payload' : p.endsWith('.msi') ? 'installer' : 'trojanized-library';
        board.observe(stage, cite(r, `Microsoft Defender ${r.eventId === 1117 ? 'acted on' : 'detected'} ${r.threatName ?? 'a threat'} in ${r.path ?? 'an unnamed file'}${r.action ? ` (${r.action})` : ''}: the file was present even if it is gone now`));
        break;
      }
      case 'evtx-app-crash':
        strong('executed', cite(r, `${r.app} ${r.kind === 'error' ? 'crashed' : 'hung'}${r.module ? ` in ${r.module}` : ''}${r.appVersion ? ` (version ${r.appVersion})` : ''}`), trojanizedPresent || versionStatus(iocs, 'windows', r.appVersion).status === 'trojanized');
        break;
      case 'evtx-process-audit':
        strong('executed', cite(r, `Security 4688: ${r.newProcessName} started${r.commandLine ? ` (${r.commandLine})` : ''}`), trojanizedPresent && !r.updater);
        break;
    }
  }
}

export function eventTimeline(records: readonly ArtefactRecord[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const r of records) {
    if (!isEvent(r) || !r.time) continue;
    const what = r.type === 'evtx-msi-installer' ? `Windows Installer ${r.action} ${r.product} ${r.version ?? ''}` : r.type === 'evtx-sysmon' ? `Sysmon ${r.eventId} ${r.match}: ${r.queryName ?? r.targetFilename ?? r.imageLoaded ?? r.image ?? ''}` : r.type === 'evtx-defender' ? `Defender ${r.eventId}: ${r.threatName ?? ''} ${r.path ?? ''}` : r.type === 'evtx-app-crash' ? `${r.app} ${r.kind}` : `process ${r.newProcessName} started`;
    out.push({ time: r.time, event: what.trim(), source: `${r.log} › record ${r.recordId} (${formatRef(r.ref)})` });
  }
  return out;
}

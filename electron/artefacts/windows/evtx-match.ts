/**
 * Which event log entries matter for the 3CX chain (dossier §4.1, §4.6, §8.1), as a pure function
 * from a parsed EVTX record to a typed record. Matching is on provider + event id, then on the
 * 3CX-specific content, so unrelated events cost nothing but the parse.
 */
import type { EvidenceRef } from '../../common/evidence-ref.js';
import type { EvtxRecord } from '../../formats/evtx/index.js';
import type { EventLogRecord, SysmonEventRecord } from './event-records.js';

const APP_EXE = '3cxdesktopapp.exe';
/** Sigma proc_creation_win_malware_3cx_compromise_susp_children. */
const SUSPICIOUS_CHILDREN = new Set(['cmd.exe', 'cscript.exe', 'mshta.exe', 'powershell.exe', 'pwsh.exe', 'regsvr32.exe', 'rundll32.exe', 'wscript.exe']);

const base = (p: string | null | undefined): string => (p ?? '').split(/[\\/]/).pop()!.toLowerCase();
const in3cxTree = (p: string | null | undefined): boolean => /[\\/]3cxdesktopapp[\\/]/i.test(p ?? '');
const isUpdater = (p: string | null | undefined, cmd: string | null | undefined): boolean =>
  base(p) === 'update.exe' && (in3cxTree(p) || /--update\b.*\/electron\/update\/win32\//i.test(cmd ?? ''));

/** 3CX Desktop App, not the older 3CXPhone for Windows (dossier §1.2: MSI ProductName). */
export const is3cxDesktopApp = (product: string | null | undefined): boolean => /^\s*3CX\s*Desktop\s*App\b/i.test(product ?? '');

function hashes(s: string | null): Record<string, string> | undefined {
  if (!s) return undefined;
  const out: Record<string, string> = {};
  for (const part of s.split(',')) {
    const m = /^\s*([A-Za-z0-9]+)=([0-9A-Fa-f]+)\s*$/.exec(part);
    if (m) out[m[1]!.toUpperCase()] = m[2]!.toLowerCase();
  }
  return out;
}

export function matchEvent(r: EvtxRecord, log: string, ref: EvidenceRef): EventLogRecord | null {
  const sys = r.event.System;
  const provider = sys.Provider.Name ?? '';
  const eventId = sys.EventID ?? -1;
  const fields = r.event.EventData ?? [];
  const list = Array.isArray(fields) ? fields : Object.values(fields);
  const named = (k: string): string | null => (Array.isArray(fields) ? null : (fields[k] ?? null));
  const common = { log, recordId: r.recordId, eventId, provider, time: sys.TimeCreated ?? r.time, userSid: sys.Security.UserID, recovered: r.recovered, fields, ref };

  if (provider === 'MsiInstaller') {
    if (eventId === 1033 || eventId === 1034) {
      if (!is3cxDesktopApp(list[0])) return null;
      return { ...common, type: 'evtx-msi-installer', action: eventId === 1033 ? 'install' : 'remove', product: list[0]!, version: list[1] || null, manufacturer: list[4] || null, status: list[3] ?? null };
    }
    if (eventId === 11707 || eventId === 11724) {
      const product = /^Product:\s*(.*?)\s+--\s/.exec(list[0] ?? '')?.[1] ?? null;
      if (!is3cxDesktopApp(product)) return null;
      return { ...common, type: 'evtx-msi-installer', action: eventId === 11707 ? 'install' : 'remove', product: product!, version: null, manufacturer: null, status: null };
    }
    return null;
  }
  if ((provider === 'Application Error' && eventId === 1000) || (provider === 'Application Hang' && eventId === 1002)) {
    if (base(list[0]) !== APP_EXE) return null;
    const error = eventId === 1000;
    return {
      ...common, type: 'evtx-app-crash', kind: error ? 'error' : 'hang', app: list[0]!, appVersion: list[1] || null,
      module: error ? list[3] || null : null, moduleVersion: error ? list[4] || null : null,
      appPath: error ? list[10] || null : list.find((v) => /\\3cxdesktopapp\.exe$/i.test(v)) ?? null, modulePath: error ? list[11] || null : null,
    };
  }
  if (provider === 'Microsoft-Windows-Sysmon') return matchSysmon(eventId, named, common);
  if (provider === 'Microsoft-Windows-Windows Defender' && (eventId === 1116 || eventId === 1117)) {
    const threat = named('Threat Name');
    const path = named('Path');
    if (!/SamScissors/i.test(threat ?? '') && !/3CXDesktopApp/i.test(path ?? '')) return null;
    return { ...common, type: 'evtx-defender', threatName: threat, path, action: named('Action Name') };
  }
  if (provider === 'Microsoft-Windows-Security-Auditing' && eventId === 4688) {
    const img = named('NewProcessName');
    const cmd = named('CommandLine');
    const updater = isUpdater(img, cmd);
    if (base(img) !== APP_EXE && !updater) return null;
    return { ...common, userSid: named('SubjectUserSid') ?? common.userSid, type: 'evtx-process-audit', newProcessName: img!, commandLine: cmd, parentProcessName: named('ParentProcessName'), updater };
  }
  return null;
}

type Common = Omit<SysmonEventRecord, 'type' | 'match' | 'image' | 'userName'>;

function matchSysmon(eventId: number, f: (k: string) => string | null, common: Common): SysmonEventRecord | null {
  const image = f('Image');
  const appImage = base(image) === APP_EXE;
  const rec = (match: SysmonEventRecord['match'], extra: Partial<SysmonEventRecord>): SysmonEventRecord => ({ ...common, type: 'evtx-sysmon', match, image, userName: f('User'), ...extra });
  switch (eventId) {
    case 1: {
      const parent = f('ParentImage');
      const cmd = f('CommandLine');
      const extra = { commandLine: cmd, parentImage: parent, hashes: hashes(f('Hashes')), product: f('Product'), fileVersion: f('FileVersion') };
      if (appImage) return rec('app-process', extra);
      if (isUpdater(image, cmd)) return rec('updater', extra);
      if (base(parent) === APP_EXE) return rec('child-of-app', { ...extra, suspiciousChild: SUSPICIOUS_CHILDREN.has(base(image)) });
      return null;
    }
    case 3:
      return appImage ? rec('network', { destinationIp: f('DestinationIp'), destinationHostname: f('DestinationHostname'), destinationPort: f('DestinationPort') }) : null;
    case 7: {
      const dll = f('ImageLoaded');
      if (!['ffmpeg.dll', 'd3dcompiler_47.dll'].includes(base(dll)) || (!appImage && !in3cxTree(dll))) return null;
      return rec('dll-load', { imageLoaded: dll, hashes: hashes(f('Hashes')), signed: f('Signed') });
    }
    case 11: {
      const target = f('TargetFilename');
      return base(target) === 'manifest' && in3cxTree(target) ? rec('manifest', { targetFilename: target }) : null;
    }
    case 22:
      return appImage ? rec('dns', { queryName: f('QueryName'), queryResults: f('QueryResults') }) : null;
    default:
      return null;
  }
}

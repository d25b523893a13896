/**
 * Records the windows.evtx-events plugin yields (one per matching event log entry). Each cites
 * the log file and the record id; `fields` keeps the event's raw EventData for the examiner.
 * The lead adds these to the ArtefactRecord union and maps them onto stages.
 */
import type { EvidenceRef } from '../../common/evidence-ref.js';

interface EventLogBase {
  /** Log path inside the evidence (`/Windows/System32/winevt/Logs/Application.evtx`). */
  log: string;
  recordId: number;
  eventId: number;
  provider: string;
  /** UTC ISO time the event was created (System/TimeCreated, else the record's written time). */
  time: string | null;
  /** Security identifier of the user the event names (System/Security/UserID or SubjectUserSid). */
  userSid: string | null;
  /** True when the record came from slack or a damaged chunk rather than the live log. */
  recovered: boolean;
  fields: Record<string, string> | string[];
  ref: EvidenceRef;
}

/** MsiInstaller 1033/1034 (installed/removed) and 11707/11724 (completed) for the 3CX Desktop App. */
export interface MsiInstallerEventRecord extends EventLogBase {
  type: 'evtx-msi-installer';
  action: 'install' | 'remove';
  product: string;
  version: string | null;
  manufacturer: string | null;
  /** Installation/removal success or error status (0 = success); null for 11707/11724. */
  status: string | null;
}

/** Application Error 1000 / Application Hang 1002 for 3CXDesktopApp.exe. */
export interface AppCrashEventRecord extends EventLogBase {
  type: 'evtx-app-crash';
  kind: 'error' | 'hang';
  app: string;
  appVersion: string | null;
  /** Faulting module (e.g. ffmpeg.dll) for 1000. */
  module: string | null;
  moduleVersion: string | null;
  appPath: string | null;
  modulePath: string | null;
}

export type SysmonMatch = 'app-process' | 'updater' | 'child-of-app' | 'network' | 'dll-load' | 'manifest' | 'dns';

/** Sysmon 1/3/7/11/22 entries that involve the 3CX Desktop App. */
export interface SysmonEventRecord extends EventLogBase {
  type: 'evtx-sysmon';
  match: SysmonMatch;
  image: string | null;
  /** Sysmon's `User` (DOMAIN\name). */
  userName: string | null;
  commandLine?: string | null;
  parentImage?: string | null;
  hashes?: Record<string, string>;
  product?: string | null;
  fileVersion?: string | null;
  /** 1: child process of 3CXDesktopApp.exe is a shell or script host (Sigma 63f3605b). */
  suspiciousChild?: boolean;
  imageLoaded?: string | null;
  signed?: string | null;
  targetFilename?: string | null;
  queryName?: string | null;
  queryResults?: string | null;
  destinationIp?: string | null;
  destinationHostname?: string | null;
  destinationPort?: string | null;
}

/** Defender 1116 (detected) / 1117 (action taken) naming SamScissors or a 3CXDesktopApp path. */
export interface DefenderEventRecord extends EventLogBase {
  type: 'evtx-defender';
  threatName: string | null;
  path: string | null;
  action: string | null;
}

/** Security 4688 (process creation) of 3CXDesktopApp.exe or its Update.exe. */
export interface ProcessAuditEventRecord extends EventLogBase {
  type: 'evtx-process-audit';
  newProcessName: string;
  commandLine: string | null;
  parentProcessName: string | null;
  updater: boolean;
}

export type EventLogRecord = MsiInstallerEventRecord | AppCrashEventRecord | SysmonEventRecord | DefenderEventRecord | ProcessAuditEventRecord;

/**
 * What artefact plugins yield: typed records, each citing its evidence. Analysis reads these and
 * never the bytes, formats or evidence layers behind them.
 */
import type { UsnCoverageRecord, UsnJournalRecord } from './windows/usnjrnl-records.js';
import type { FseventsArtefactRecord } from './macos/fsevents-records.js';
import type { MachoSigningFacts } from './macos/code-signing.js';
import type { EvidenceRef } from '../common/evidence-ref.js';
import type { FileEntry, HostFileHash } from '../common/vfs.js';
import type { PrefetchCoverageRecord, PrefetchRecord } from './windows/prefetch-records.js';
import type { EventLogRecord } from './windows/event-records.js';
import type { RegistryRecord } from './windows/registry-records.js';
import type { MacSystemRecord } from './macos/macos-records.js';

export type * from './macos/macos-records.js';
export type * from './windows/registry-records.js';
export type * from './windows/event-records.js';
export type { PrefetchCoverageRecord, PrefetchRecord } from './windows/prefetch-records.js';

export type Platform = 'windows' | 'macos';

/** What a file is in the 3CX layout (dossier §2). */
export type FileRole =
  | 'app-exe'
  | 'launcher-exe'
  | 'updater'
  | 'ffmpeg'
  | 'd3dcompiler'
  | 'libffmpeg'
  | 'mac-main'
  | 'installer-msi'
  | 'update-nupkg'
  | 'installer-dmg'
  | 'update-agent'
  | 'second-stage'
  | 'other';

export interface PeSummary {
  machine: string;
  isDll: boolean;
  linkTime: string | null;
  fileVersion: string | null;
  productVersion: string | null;
  productName: string | null;
  companyName: string | null;
  originalFilename: string | null;
  signer: { subject: string; serialHex: string; signingTime: string | null } | null;
  /** Bytes hidden after the PKCS#7 object inside the certificate table (CVE-2013-3900). */
  certTrailingBytes: number;
  feedfaceOffsets: number[];
  payload: { offset: number; length: number; sha256: string; embeddedPe: boolean; startsWithCode: boolean } | null;
}

/** Signing facts (signature kind, CMS signing time, Apple timestamp, signer) are optional: older results lack them. */
export interface MachoSummary extends Partial<MachoSigningFacts> {
  kind: 'fat' | 'thin';
  archs: string[];
  identifier: string | null;
  teamId: string | null;
  cdhashes: string[];
}

export interface AppFileRecord {
  type: 'app-file';
  platform: Platform;
  role: FileRole;
  user: string | null;
  installRoot: string | null;
  entry: FileEntry;
  ref: EvidenceRef;
  pe?: PeSummary;
  macho?: MachoSummary;
  /** Loader markers found in the bytes (ids from formats/pe or formats/macho). */
  markers: { id: string; offset: number }[];
  /** Version stated by the file name (installers), never trusted alone. */
  nameVersion?: string | null;
  /** Why this file matters when its role is second-stage. */
  rule?: string;
}

export interface InstallFactRecord {
  type: 'install';
  platform: Platform;
  product: string;
  version: string | null;
  /** Which artefact stated the version: `pe-version`, `info-plist`, `folder-name`. */
  versionSource: string;
  user: string | null;
  path: string;
  ref: EvidenceRef;
  time: string | null;
  bundleId?: string | null;
}

/** Windows `manifest` next to ffmpeg.dll: written by the loader; its creation starts the dormancy timer. */
export interface TimerRecord {
  type: 'timer';
  user: string | null;
  entry: FileEntry;
  ref: EvidenceRef;
  contentHex: string;
  /** A wake-up time if the content reads as one (the encoding is not published; see dossier §11.3). */
  wakeUp: { time: string; encoding: string } | null;
}

/** macOS `.main_storage`: written by the trojanized libffmpeg.dylib (victim UUID + time). */
export interface MainStorageRecord {
  type: 'main-storage';
  user: string | null;
  entry: FileEntry;
  ref: EvidenceRef;
  uuid: string | null;
  time: string | null;
  wellFormed: boolean;
  notes: string[];
}

/** A user's app data folder (`%APPDATA%\3CXDesktopApp`, `~/Library/Application Support/3CX Desktop App`). */
export interface AppDataRecord {
  type: 'app-data';
  platform: Platform;
  user: string | null;
  entry: FileEntry;
  ref: EvidenceRef;
  files: string[];
  sessionLock: FileEntry | null;
  pbxUrl: string | null;
}

/** Text found in small logs/configs of the app that names a network indicator (analysis matches). */
export interface TextSampleRecord {
  type: 'text-sample';
  user: string | null;
  ref: EvidenceRef;
  text: string;
}

/** Which locations a plugin examined, for `not-assessed` versus `not-observed`. */
export interface CoverageRecord {
  type: 'coverage';
  area: 'app-install' | 'installers' | 'app-data' | 'second-stage' | 'network' | 'logs';
  platform: Platform;
  /** `not-parsed`: present in the evidence, but in a format this tool does not read (a limitation, not a finding). */
  state: 'examined' | 'unreadable' | 'not-parsed';
  detail: string;
}

/** A hash a triage collector recorded for a host file (Velociraptor results, KAPE copy log, UAC lists). */
export interface CollectorHashRecord extends HostFileHash {
  type: 'collector-hash';
  ref: EvidenceRef;
}

/** A statement a collection makes about what it holds or could not hold. */
export interface CollectionNoteRecord {
  type: 'collection-note';
  kind: 'coverage' | 'note';
  text: string;
}

export type ArtefactRecord =
  | AppFileRecord
  | InstallFactRecord
  | TimerRecord
  | MainStorageRecord
  | AppDataRecord
  | TextSampleRecord
  | CoverageRecord
  | PrefetchRecord
  | PrefetchCoverageRecord
  | EventLogRecord
  | RegistryRecord
  | MacSystemRecord
  | CollectorHashRecord
  | CollectionNoteRecord
  | UsnJournalRecord
  | UsnCoverageRecord
  | FseventsArtefactRecord;
export type * from './windows/usnjrnl-records.js';
export type * from './macos/fsevents-records.js';

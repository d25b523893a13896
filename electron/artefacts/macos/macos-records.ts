/**
 * Records of the macOS system-artefact plugins (quarantine, knowledgec, install-history, shipit,
 * xprotect, launch-items). The lead adds them to the ArtefactRecord union in records.ts and maps
 * them onto stages; until then plugins emit them through `emitMacRecord`. What each proves:
 * - `macos-quarantine-event`: a browser/mail/AirDrop download of a 3CX file (usually the DMG),
 *   with time, URL and the downloading app → **installer** stage (acquisition). In-app updates
 *   do not create quarantine events.
 * - `macos-knowledgec-usage`: CoreDuet logged `com.electron.3cx-desktop-app` in focus / in use
 *   between two times → **executed** stage with times (the app ran; which build ran is decided by
 *   the install facts, not by this record).
 * - `macos-install-history`: a .pkg install naming 3CX → **installer**; normally absent because
 *   the app is a drag-installed DMG (the coverage record says so).
 * - `macos-shipit-*`: Squirrel.Mac staged or installed an update of the 3CX app; the staged
 *   bundle's Info.plist gives its version → **installer** stage for an update to that version.
 * - `macos-xprotect` / `macos-xprotect-trace`: which XProtect Remediator modules the Mac had, and
 *   log/report lines naming RankStank/RoachFlight or the 3CX paths → Apple may have **removed**
 *   `.main_storage`/`UpdateAgent`: their absence is not proof that stage 1 or 2 never happened.
 * - `macos-launch-item`: a LaunchAgent/Daemon plist pointing at the 3CX support folder,
 *   UpdateAgent or the POOLRAT/SIMPLESEA paths → **second stage / persistence**.
 */
import type { EvidenceRef } from '../../common/evidence-ref.js';
import type { FileEntry } from '../../common/vfs.js';
import type { PluginContext } from '../plugin.js';

/** LSQuarantineTypeNumber names (LSQuarantine.h kLSQuarantineType*). */
export type QuarantineTypeName = 'web-download' | 'other-download' | 'email-attachment' | 'message-attachment' | 'calendar-attachment' | 'other-attachment';

export interface QuarantineEventRecord {
  type: 'macos-quarantine-event';
  platform: 'macos';
  user: string | null;
  /** LSQuarantineEventIdentifier (a UUID; the same value is in the file's com.apple.quarantine xattr). */
  eventId: string;
  /** LSQuarantineTimeStamp as UTC ISO, and raw (Core Data seconds since 2001-01-01). */
  time: string | null;
  timeRaw: number | null;
  agentName: string | null;
  agentBundleId: string | null;
  /** LSQuarantineDataURLString: where the bytes came from. */
  dataUrl: string | null;
  /** LSQuarantineOriginURLString: the page that linked it. */
  originUrl: string | null;
  originTitle: string | null;
  senderName: string | null;
  senderAddress: string | null;
  quarantineType: number | null;
  quarantineTypeName: QuarantineTypeName | null;
  /** Last path component of the data URL, percent-decoded. */
  fileName: string | null;
  /** Version stated by the file name (3CXDesktopApp-18.12.416.dmg), never trusted alone. */
  nameVersion: string | null;
  /** `3cx-dmg`: a 3CXDesktopApp*.dmg name; `3cx-other`: another URL or name mentioning 3cx. */
  match: '3cx-dmg' | '3cx-other';
  /** Citation: within.key = `LSQuarantineEvent/<identifier>`, recordId = SQLite rowid. */
  ref: EvidenceRef;
}

export type KnowledgeStream = '/app/inFocus' | '/app/usage' | '/app/activity';

export interface KnowledgeCUsageRecord {
  type: 'macos-knowledgec-usage';
  platform: 'macos';
  /** Owner of the per-user database; null for the system database (user not recorded per row). */
  user: string | null;
  database: 'system' | 'user';
  stream: KnowledgeStream;
  bundleId: string;
  /** ZSTARTDATE / ZENDDATE as UTC ISO, raw Core Data seconds kept. */
  start: string | null;
  end: string | null;
  startRaw: number | null;
  endRaw: number | null;
  durationSeconds: number | null;
  /** ZCREATIONDATE (when CoreDuet wrote the row). */
  created: string | null;
  /** ZSECONDSFROMGMT: the host's UTC offset at the time (local time = UTC + this). */
  secondsFromGmt: number | null;
  /** ZSOURCE → ZSOURCE.ZDEVICEID (set for rows synced from another device). */
  deviceId: string | null;
  /** Z_PK of the ZOBJECT row. */
  objectId: number | null;
  ref: EvidenceRef;
}

export interface InstallHistoryRecord {
  type: 'macos-install-history';
  platform: 'macos';
  /** Position in the top-level array. */
  index: number;
  time: string | null;
  displayName: string | null;
  displayVersion: string | null;
  packageIdentifiers: string[];
  processName: string | null;
  ref: EvidenceRef;
}

export interface ShipItStateRecord {
  type: 'macos-shipit-state';
  platform: 'macos';
  user: string;
  /** ShipItState.plist is JSON despite its name (Squirrel.Mac); XML/binary plists are read too. */
  format: 'json' | 'plist';
  bundleIdentifier: string | null;
  updateBundleUrl: string | null;
  targetBundleUrl: string | null;
  launchAfterInstallation: boolean | null;
  entry: FileEntry;
  ref: EvidenceRef;
}

export type ShipItEvent = 'install-request' | 'install-begin' | 'bundle-moved' | 'install-done' | 'install-error' | 'quit' | 'other';

export interface ShipItLogRecord {
  type: 'macos-shipit-log';
  platform: 'macos';
  user: string;
  file: string;
  /** 1-based line number. */
  line: number;
  /** NSLog time as written: host local time without a zone (`2023-03-22T10:15:32.123`). */
  localTime: string | null;
  pid: number | null;
  event: ShipItEvent;
  message: string;
  /** x.y.z versions named in the line (bundle paths rarely carry them). */
  versions: string[];
  ref: EvidenceRef;
}

/** An app bundle staged by ShipIt in an `update.XXXXXX` folder: the version it was about to install. */
export interface ShipItUpdateBundleRecord {
  type: 'macos-shipit-update-bundle';
  platform: 'macos';
  user: string;
  path: string;
  bundleId: string | null;
  version: string | null;
  /** Earliest time of the staged Info.plist (download/staging time). */
  time: string | null;
  ref: EvidenceRef;
}

export interface XProtectRecord {
  type: 'macos-xprotect';
  platform: 'macos';
  /** XProtect.app CFBundleShortVersionString (the XProtect Remediator release). */
  remediatorVersion: string | null;
  /** XProtectRemediator* executables found in XProtect.app/Contents/MacOS. */
  remediators: string[];
  hasRankStank: boolean;
  hasRoachFlight: boolean;
  /** XProtect.bundle CFBundleShortVersionString (the YARA signature set), when present. */
  signaturesVersion: string | null;
  /** Time of XProtect.app's Info.plist (≈ when that release was installed). */
  time: string | null;
  ref: EvidenceRef;
}

export type XProtectMention = 'RankStank' | 'RoachFlight' | '3cx-support-folder' | 'main_storage' | 'session-lock' | 'UpdateAgent' | 'payload2' | 'libffmpeg';

export interface XProtectTraceRecord {
  type: 'macos-xprotect-trace';
  platform: 'macos';
  file: string;
  line: number;
  /** The line (at most 2000 characters). */
  text: string;
  mentions: XProtectMention[];
  /** The line speaks of removing/remediating/killing (the named files may be gone). */
  remediation: boolean;
  /** A leading timestamp as written (zone as in the text, if any). */
  timeText: string | null;
  ref: EvidenceRef;
}

export type LaunchIndicator = '3cx-support-folder' | 'update-agent' | 'poolrat-quartz' | 'poolrat-apdl' | '3cx-name';

export interface LaunchItemRecord {
  type: 'macos-launch-item';
  platform: 'macos';
  scope: 'user-agent' | 'agent' | 'daemon';
  user: string | null;
  label: string | null;
  program: string | null;
  programArguments: string[];
  runAtLoad: boolean | null;
  /** False when the plist did not parse and the indicators come from its raw text. */
  parsed: boolean;
  indicators: LaunchIndicator[];
  entry: FileEntry;
  time: string | null;
  ref: EvidenceRef;
}

export type MacArtefact = 'quarantine' | 'knowledgec' | 'install-history' | 'shipit' | 'xprotect' | 'launch-items';

/** What a plugin examined: absent is `not-assessed`, examined-without-match is `not-observed`. */
export interface MacArtefactCoverageRecord {
  type: 'macos-artefact-coverage';
  platform: 'macos';
  artefact: MacArtefact;
  state: 'examined' | 'absent' | 'unreadable';
  /** Paths looked at (present or not). */
  locations: string[];
  /** Rows, entries, lines or files examined, and how many matched 3CX. */
  examined: number;
  matched: number;
  detail: string;
  /** WAL replay, caps hit, remediation caveats. */
  notes: string[];
}

export type MacSystemRecord =
  | QuarantineEventRecord
  | KnowledgeCUsageRecord
  | InstallHistoryRecord
  | ShipItStateRecord
  | ShipItLogRecord
  | ShipItUpdateBundleRecord
  | XProtectRecord
  | XProtectTraceRecord
  | LaunchItemRecord
  | MacArtefactCoverageRecord;

/** Until these types join the ArtefactRecord union. */
export function emitMacRecord(ctx: PluginContext, rec: MacSystemRecord): void {
  ctx.emit(rec);
}

/**
 * Records of the USN change journal plugin (windows/usnjrnl.ts). The lead adds them to the
 * ArtefactRecord union in records.ts and maps them onto stages. The journal keeps what happened to
 * a name and when, even after the file is gone; it covers only its own time window
 * (`UsnCoverageRecord.firstTime`..`lastTime`, typically days to weeks).
 *
 * What a `UsnJournalRecord` proves, by subject and action:
 * - `installer-msi` created (Downloads, Temp, Installer cache): a 3CXDesktopApp-<ver>.msi arrived on
 *   the host at that time (download/copy) — **delivery**; the version in the name is a claim only.
 * - `app-folder` created (`...\Programs\3CXDesktopApp`, `app`, `app-<ver>`) and `ffmpeg` /
 *   `d3dcompiler` / `app-exe` / `launcher-exe` / `updater` created **inside a 3CXDesktopApp folder**
 *   (`in3cxFolder`): the app was **installed or updated** at that time (the DLL pair is what a
 *   trojanised build lays down; names alone are common to every Electron app, hence `in3cxFolder`).
 *   `renamed-to` an `app-<ver>` folder = a Squirrel update switching versions.
 * - `timer-manifest` created in the 3CX `app` folder: the trojanised ffmpeg.dll **ran** (it writes
 *   `manifest` on first execution; dossier §4.1 step 8): execution time = dormancy timer start.
 * - `deleted` for any of these: the file was **removed** then (uninstall, AV quarantine, cleanup);
 *   absence on disk after a delete is remediation, not "never installed".
 * - `modified` (DATA_OVERWRITE/EXTEND/TRUNCATION without create) of ffmpeg.dll/d3dcompiler_47.dll:
 *   replaced or patched in place (update).
 * - `second-stage` (wlbsctrl.dll in System32, edb.chk.log in catroot2, krwve.jat, files under
 *   ProgramData\TPM, X_TRADER installers): follow-on implant or upstream-vector activity at that
 *   time, even if the file is gone. `guard64.dll` is weak (Comodo ships the same name).
 * Unresolved paths (`pathResolved: false`) keep the MFT parent reference: the name and time stand,
 * the location does not.
 */
import type { EvidenceRef } from '../../common/evidence-ref.js';

export type UsnSubject =
  | 'installer-msi'
  | 'update-nupkg'
  | 'app-folder'
  | 'app-exe'
  | 'launcher-exe'
  | 'updater'
  | 'ffmpeg'
  | 'd3dcompiler'
  | 'timer-manifest'
  | 'shortcut'
  | 'app-data-folder'
  | 'second-stage';

/** The change a record states, from its reason flags (strongest first: create, delete, rename, data). */
export type UsnAction = 'created' | 'deleted' | 'renamed-from' | 'renamed-to' | 'modified' | 'other';

export interface UsnJournalRecord {
  type: 'usn';
  platform: 'windows';
  subject: UsnSubject;
  action: UsnAction;
  /** The name as journaled (the old name for `renamed-from`). */
  name: string;
  /** Volume path `/Users/alice/...` when every parent resolved; else `?<entry-seq>/.../name`. */
  path: string;
  pathResolved: boolean;
  /** A component of the (partial) path is a 3CX app folder (`3CXDesktopApp`, `3CX Desktop App`). */
  in3cxFolder: boolean;
  /** Profile owning the path (`/Users/<name>/`), matched to the target's users. */
  user: string | null;
  /** MFT references as `entry-sequence`; null entry for non-NTFS 128-bit ids (then the hex). */
  fileRef: string;
  parentRef: string;
  usn: number;
  /** UTC ISO; the FILETIME as a decimal string beside it. */
  time: string | null;
  timeRaw: string | null;
  reasons: string[];
  isDirectory: boolean;
  majorVersion: number;
  /** Why a second-stage name matters (and how strong it is). */
  rule?: string;
  /** Citation: the journal stream, within.offset/length = the record's bytes. */
  ref: EvidenceRef;
}

/** What the plugin read: absent journal is `not-assessed`; present but silent means not seen in its window. */
export interface UsnCoverageRecord {
  type: 'usn-coverage';
  platform: 'windows';
  state: 'examined' | 'absent' | 'unreadable';
  /** Path of the stream read, e.g. `/$Extend/$UsnJrnl:$J`. */
  journalPath: string | null;
  size: number;
  records: number;
  matched: number;
  /** Oldest and newest record time: the window the journal speaks for. */
  firstTime: string | null;
  lastTime: string | null;
  bytesScanned: number;
  bytesSkippedSparse: number;
  issues: number;
  detail: string;
}

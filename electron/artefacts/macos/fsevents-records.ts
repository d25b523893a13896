/**
 * Records of the macOS FSEvents plugin (fsevents.ts). The lead adds them to the ArtefactRecord
 * union in records.ts and maps them onto stages; until then the plugin emits them through
 * `emitFseventsRecord`. What each proves (dossier §2.2, §8.2):
 * - `macos-fsevents` with indicator `main-storage` + Created/Modified: the trojanised
 *   libffmpeg.dylib wrote its victim id → **executed** (stage 1 ran), time bracketed by the
 *   log file times. Removed on it: deleted later (e.g. by XProtect RankStank).
 * - indicator `update-agent` + Created: the second stage was written → **second-stage**
 *   delivered; + Removed in the same or a later record: it deleted itself (or was remediated),
 *   which explains its absence on disk.
 * - indicator `libffmpeg` / `app-bundle` + Created/Renamed/Modified: the app or its dylib was
 *   installed or replaced (update) in that interval → **installed** timing (which build it was is
 *   decided by hashes/versions, not by FSEvents).
 * - indicator `dmg` + Created: a 3CX DMG was downloaded/copied → **installer** acquisition timing.
 * - indicator `shipit`: Squirrel.Mac staged an update → **installer** (update) timing.
 * - indicator `support-folder` / `session-lock`: the app's data folder changed → app ran.
 * FSEvents records carry no per-record time: `timeBracket` is the interval in which the event
 * was logged (previous log file's mtime → this log file's mtime), not an event time.
 */
import type { EvidenceRef } from '../../common/evidence-ref.js';
import type { PluginContext } from '../plugin.js';

export type FseventsIndicator = 'app-bundle' | 'libffmpeg' | 'support-folder' | 'main-storage' | 'session-lock' | 'update-agent' | 'dmg' | 'shipit';

export interface FseventsRecord {
  type: 'macos-fsevents';
  platform: 'macos';
  /** Host path: the stored volume-relative path with a leading `/` (Data-volume paths read the same). */
  path: string;
  /** Home folder owner when the path is under /Users/<name>/. */
  user: string | null;
  indicator: FseventsIndicator;
  /** Event id as 16 hex digits (the form log file names use) and its stored flags. */
  eventId: string;
  flags: number;
  flagNames: string[];
  /** File-system node id (v2+) as a decimal string; null in v1 logs. */
  nodeId: string | null;
  formatVersion: 1 | 2 | 3;
  /** The log file (`/.fseventsd/0000000000002030`) and the last event id its name states. */
  logFile: string;
  logFileLastEventId: string | null;
  /**
   * When the event was logged: after the previous log file's mtime (null for the first file) and
   * no later than this log file's mtime. FSEvents records have no time of their own.
   */
  timeBracket: { notBefore: string | null; notAfter: string | null };
  /** Citation: the log file, within.recordId = page:offset in the decompressed stream. */
  ref: EvidenceRef;
}

/** What the plugin examined (absent is not-assessed; examined without matches is not-observed). */
export interface FseventsCoverageRecord {
  type: 'macos-fsevents-coverage';
  platform: 'macos';
  state: 'examined' | 'absent' | 'unreadable';
  /** .fseventsd folders looked at (present or not). */
  locations: string[];
  files: number;
  /** Files that ended in damage (records before it were kept). */
  damagedFiles: number;
  records: number;
  matched: number;
  /** Earliest and latest log file times: the span FSEvents can speak for. */
  span: { from: string | null; to: string | null };
  notes: string[];
}

export type FseventsArtefactRecord = FseventsRecord | FseventsCoverageRecord;

export function emitFseventsRecord(ctx: PluginContext, rec: FseventsArtefactRecord): void {
  ctx.emit(rec);
}

/**
 * The NTFS change journal ($Extend\$UsnJrnl:$J) for the 3CX names (dossier §2.1, §4.5, §7): when
 * the installer arrived, when the app folder and its DLL pair were laid down or replaced, when
 * the loader's `manifest` appeared, and when any of them was deleted — facts that survive the
 * files themselves. The journal is walked once; directory records give the paths (see
 * usnjrnl-paths.ts); only records for relevant names are emitted.
 */
import { issueFromError } from '../../common/issues.js';
import type { Target } from '../../common/vfs.js';
import type { Reader } from '../../io/reader.js';
import { hasReason, newStats, walkUsnJournal, type UsnRecord } from '../../formats/usnjrnl/index.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { MAX_TRACKED_DIRS, refKey, UsnPathResolver } from './usnjrnl-paths.js';
import type { UsnAction, UsnCoverageRecord, UsnJournalRecord, UsnSubject } from './usnjrnl-records.js';

const ID = 'windows.usnjrnl';
const VERSION = '1';
const PARSER = `${ID}@${VERSION}`;
/** Where the stream sits: on an NTFS volume, and as collectors store it (Velociraptor, KAPE). */
export const USN_JOURNAL_PATHS = ['/$Extend/$UsnJrnl:$J', '/$Extend/$UsnJrnl%3A$J', '/$Extend/$J'];
/** Matched records kept (a 3CX install journals a few dozen; a hostile journal could hold millions). */
export const USN_MAX_MATCHED = 20_000;

const IN_3CX = /(^|\/)(3CXDesktopApp|3CX Desktop App)(\/|$)/i;

interface Rule { test: RegExp; subject: UsnSubject; in3cxOnly?: boolean; where?: RegExp; rule?: string }

/** Name rules, first match wins. Names every Electron app ships count only inside a 3CX folder. */
const RULES: Rule[] = [
  { test: /^3CXDesktopApp.*\.msi$/i, subject: 'installer-msi' },
  { test: /^3CXDesktopApp.*\.nupkg$/i, subject: 'update-nupkg' },
  { test: /^(3CXDesktopApp|3CX Desktop App)$/i, subject: 'app-folder' },
  { test: /^app(-\d+(\.\d+)*)?$/i, subject: 'app-folder', in3cxOnly: true },
  { test: /^3CXDesktopApp\.exe$/i, subject: 'app-exe' },
  { test: /^ffmpeg\.dll$/i, subject: 'ffmpeg', in3cxOnly: true },
  { test: /^d3dcompiler_47\.dll$/i, subject: 'd3dcompiler', in3cxOnly: true },
  { test: /^update\.exe$/i, subject: 'updater', in3cxOnly: true },
  { test: /^manifest$/i, subject: 'timer-manifest', in3cxOnly: true },
  { test: /^3CX Desktop App\.lnk$/i, subject: 'shortcut' },
  { test: /^wlbsctrl\.dll$/i, subject: 'second-stage', where: /\/Windows\/System32\//i, rule: 'wlbsctrl.dll in System32: IKEEXT phantom-DLL side-load used by TAXHAUL and Gopuram' },
  { test: /^edb\.chk\.log$/i, subject: 'second-stage', rule: 'edb.chk.log (catroot2): Gopuram artefact (Kaspersky)' },
  { test: /^krwve\.jat$/i, subject: 'second-stage', rule: 'krwve.jat: Gopuram artefact (Nextron)' },
  { test: /^guard64\.dll$/i, subject: 'second-stage', rule: 'guard64.dll: loaded into 3CXDesktopApp.exe on Gopuram victims (Kaspersky) — weak: Comodo Internet Security ships the same name' },
  { test: /^(TpmVscMgrSvr\.exe|winscard\.dll)$/i, subject: 'second-stage', where: /\/ProgramData\/TPM\//i, rule: 'ProgramData\\TPM host + side-loaded DLL: VEILEDSIGNAL dropper (upstream X_TRADER compromise)' },
  { test: /^X_TRADER.*\.exe$/i, subject: 'second-stage', rule: 'X_TRADER installer: the upstream Trading Technologies supply-chain vector' },
];

export function classifyUsnName(name: string, path: string, resolved: boolean): { subject: UsnSubject; rule?: string } | null {
  for (const r of RULES) {
    if (!r.test.test(name)) continue;
    const dir = path.slice(0, path.length - name.length);
    if (r.in3cxOnly && !IN_3CX.test(dir)) return null;
    if (r.where && resolved && !r.where.test(path)) return null;
    if (r.subject === 'app-folder' && /^3CX/i.test(name) && /\/AppData\/Roaming\/$/i.test(dir)) return { subject: 'app-data-folder' };
    return r.rule ? { subject: r.subject, rule: r.rule } : { subject: r.subject };
  }
  return null;
}

export function usnAction(flags: number): UsnAction {
  if (hasReason(flags, 'FILE_CREATE')) return 'created';
  if (hasReason(flags, 'FILE_DELETE')) return 'deleted';
  if (hasReason(flags, 'RENAME_OLD_NAME')) return 'renamed-from';
  if (hasReason(flags, 'RENAME_NEW_NAME')) return 'renamed-to';
  if (hasReason(flags, 'DATA_OVERWRITE') || hasReason(flags, 'DATA_EXTEND') || hasReason(flags, 'DATA_TRUNCATION')) return 'modified';
  return 'other';
}

async function openJournal(t: Target): Promise<{ path: string; reader: Reader } | null> {
  // Only a name the live /$Extend lists is opened: opening a missing one makes an NTFS volume look
  // among its deleted files too (a scan of the whole MFT) for a journal that is not there.
  let listed: Set<string>;
  try {
    listed = new Set((await t.fs.readdir('/$Extend')).map((e) => e.name.toLowerCase()));
  } catch {
    return null;
  }
  for (const p of USN_JOURNAL_PATHS) {
    // The stream's file (NTFS), or a file named as the stream (a collection on another file system).
    const leaf = p.slice(p.lastIndexOf('/') + 1).toLowerCase();
    if (!listed.has(leaf) && !listed.has(leaf.split(':')[0]!)) continue;
    try {
      return { path: p, reader: (await t.fs.open(p)) as Reader };
    } catch {
      // Not at this path (ENOENT) — try the next spelling.
    }
  }
  return null;
}

/** A cheap name test before a record is kept for path resolution. */
const CANDIDATE = new RegExp(RULES.map((r) => r.test.source).join('|'), 'i');

export const windowsUsnJournal: ArtefactPlugin = {
  id: ID,
  version: VERSION,
  compatible: (t: Target) => t.os === 'windows' && t.shape === 'windows-system',
  async run(ctx: PluginContext): Promise<void> {
    const t = ctx.target;
    const emit = (r: UsnJournalRecord | UsnCoverageRecord): void => ctx.emit(r);
    const j = await openJournal(t);
    if (!j) {
      emit(coverage('absent', null, 0, newStats(0), 0, null, null, 'no $UsnJrnl:$J on this volume or in this collection'));
      return;
    }
    const stats = newStats(j.reader.size);
    const paths = new UsnPathResolver(t.fs);
    const kept: UsnRecord[] = [];
    let first: string | null = null;
    let last: string | null = null;
    let failed: unknown = null;
    try {
      await paths.seed(t);
      for await (const r of walkUsnJournal(j.reader, stats, ctx.signal ? { signal: ctx.signal } : {})) {
        if (r.timestamp) {
          if (first === null || r.timestamp < first) first = r.timestamp;
          if (last === null || r.timestamp > last) last = r.timestamp;
        }
        paths.observe(r);
        if (r.name !== null && CANDIDATE.test(r.name) && kept.length < USN_MAX_MATCHED) kept.push(r);
      }
    } catch (e) {
      failed = e;
      ctx.issue(issueFromError(e, PARSER, t.ref(j.path)));
    } finally {
      await j.reader.close();
    }
    let matched = 0;
    for (const r of kept) {
      const { path, resolved } = await paths.pathOf(r.parent, r.name!, r.usn);
      const hit = classifyUsnName(r.name!, path, resolved);
      if (!hit) continue;
      matched++;
      emit(toRecord(t, j.path, r, path, resolved, hit));
    }
    for (const i of stats.issues) {
      ctx.issue({ severity: 'warning', code: 'decode', message: i.message, parser: PARSER, evidence: t.ref(j.path, { within: { offset: i.offset }, parser: { id: ID, version: VERSION } }), recovered: true });
    }
    const notes = [
      `${stats.records} records (V2 ${stats.byVersion[2] ?? 0}, V3 ${stats.byVersion[3] ?? 0}, V4 ${stats.byVersion[4] ?? 0})`,
      stats.usedRangeMap ? `${stats.bytesSkippedSparse} sparse bytes skipped unread` : `${stats.bytesScanned} bytes scanned`,
    ];
    if (kept.length >= USN_MAX_MATCHED) notes.push(`stopped keeping candidates at ${USN_MAX_MATCHED}`);
    if (paths.dropped > 0) notes.push(`${paths.dropped} directory records past the tracking cap (${MAX_TRACKED_DIRS}): some paths unresolved`);
    if (stats.issuesDropped > 0) notes.push(`${stats.issuesDropped} further damaged regions not itemised`);
    emit(coverage(failed ? 'unreadable' : 'examined', j.path, j.reader.size, stats, matched, first, last, notes.join('; ')));
  },
};

function toRecord(t: Target, jPath: string, r: UsnRecord, path: string, resolved: boolean, hit: { subject: UsnSubject; rule?: string }): UsnJournalRecord {
  const user = resolved ? (t.users.find((u) => path.toLowerCase().startsWith(`${u.home.toLowerCase()}/`))?.name ?? null) : null;
  const rec: UsnJournalRecord = {
    type: 'usn', platform: 'windows', subject: hit.subject, action: usnAction(r.reasonFlags), name: r.name!, path, pathResolved: resolved,
    in3cxFolder: IN_3CX.test(path.slice(0, path.length - r.name!.length)), user, fileRef: refKey(r.file), parentRef: refKey(r.parent),
    usn: r.usn, time: r.timestamp, timeRaw: r.timestampRaw, reasons: [...r.reasons], isDirectory: ((r.fileAttributes ?? 0) & 0x10) !== 0,
    majorVersion: r.majorVersion, ref: t.ref(jPath, { within: { offset: r.offset, length: r.length }, parser: { id: ID, version: VERSION } }),
  };
  if (hit.rule) rec.rule = hit.rule;
  return rec;
}

function coverage(state: UsnCoverageRecord['state'], journalPath: string | null, size: number, s: ReturnType<typeof newStats>, matched: number, firstTime: string | null, lastTime: string | null, detail: string): UsnCoverageRecord {
  return {
    type: 'usn-coverage', platform: 'windows', state, journalPath, size, records: s.records, matched, firstTime, lastTime,
    bytesScanned: s.bytesScanned, bytesSkippedSparse: s.bytesSkippedSparse, issues: s.issues.length + s.issuesDropped, detail,
  };
}

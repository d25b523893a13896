/**
 * macOS FSEvents logs (dossier §8.2): every fseventsd file under `/.fseventsd` and the Data
 * volume's `/System/Volumes/Data/.fseventsd`, streamed record by record; records whose path is a
 * 3CX location (bundle, libffmpeg.dylib, support folder files, UpdateAgent, DMGs, ShipIt) become
 * `macos-fsevents` records with decoded flags and the log file's time bracket. See
 * fsevents-records.ts for what each proves.
 */
import { issueFromError, ParseError } from '../../common/issues.js';
import type { FileEntry } from '../../common/vfs.js';
import { fseventFlagNames, fseventsFileLastEventId, FSEVENTS_PARSER, readFsevents, type DlsRecord, type FseventsSummary } from '../../formats/fsevents/index.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { listDir, withReader } from '../read-file.js';
import { emitFseventsRecord, type FseventsCoverageRecord, type FseventsIndicator } from './fsevents-records.js';

const ID = 'macos.fsevents';
const PARSER = `${FSEVENTS_PARSER.id}@${FSEVENTS_PARSER.version}`;
export const FSEVENTS_DIRS = ['/.fseventsd', '/System/Volumes/Data/.fseventsd'];
/** Matched records emitted per scan; a Mac that churned a 3CX path more often than this is noted. */
export const FSEVENTS_MAX_MATCHES = 100_000;

/** Which 3CX location a volume path is, or null. `path` has a leading `/`. */
export function fseventsIndicator(path: string): FseventsIndicator | null {
  const p = path.toLowerCase();
  const name = p.slice(p.lastIndexOf('/') + 1);
  if (p.endsWith('/3cx desktop app/updateagent')) return 'update-agent';
  if (p.endsWith('/3cx desktop app/.main_storage')) return 'main-storage';
  if (p.endsWith('/3cx desktop app/.session-lock')) return 'session-lock';
  if (p.includes('/com.electron.3cx-desktop-app.shipit')) return 'shipit';
  if (p.includes('/3cx desktop app.app/') && name === 'libffmpeg.dylib') return 'libffmpeg';
  // The bundle itself, its Info.plist and main executable; its other ~1000 files are noise.
  if (/\/3cx desktop app\.app(\/contents(\/info\.plist|\/macos(\/[^/]+)?)?)?$/.test(p)) return 'app-bundle';
  if (/\/library\/application support\/3cx desktop app(\/[^/]+)?$/.test(p)) return 'support-folder';
  if (/^3cx.*\.dmg$/.test(name)) return 'dmg';
  return null;
}

export const macosFsevents: ArtefactPlugin = {
  id: ID,
  version: '1',
  compatible: (t) => t.os === 'macos',
  async run(ctx: PluginContext): Promise<void> {
    const cov: FseventsCoverageRecord = {
      type: 'macos-fsevents-coverage', platform: 'macos', state: 'absent', locations: FSEVENTS_DIRS, files: 0, damagedFiles: 0, records: 0, matched: 0, span: { from: null, to: null },
      notes: ['FSEvents records carry no time of their own: each is dated only by the interval between two log files\' modification times.'],
    };
    const seen = new Set<string>();
    for (const dir of FSEVENTS_DIRS) {
      const entries = await listDir(ctx, dir, PARSER);
      const logs = entries.filter((e) => e.type === 'file' && fseventsFileLastEventId(e.name) !== null && !seen.has(e.path)).sort((a, b) => a.name.localeCompare(b.name));
      if (logs.length === 0) continue;
      cov.state = 'examined';
      let previous: string | null = null;
      for (const log of logs) {
        seen.add(log.path);
        await readLog(ctx, log, previous, cov);
        previous = log.modified;
        const t = log.modified;
        if (t && (cov.span.from === null || t < cov.span.from)) cov.span.from = t;
        if (t && (cov.span.to === null || t > cov.span.to)) cov.span.to = t;
      }
    }
    if (cov.matched >= FSEVENTS_MAX_MATCHES) cov.notes.push(`stopped emitting after ${FSEVENTS_MAX_MATCHES} matching records; later matches were counted but not listed`);
    if (cov.damagedFiles > 0) cov.notes.push(`${cov.damagedFiles} log file(s) ended in damage; their records before it were used (see issues)`);
    emitFseventsRecord(ctx, cov);
  },
};

async function readLog(ctx: PluginContext, log: FileEntry, notBefore: string | null, cov: FseventsCoverageRecord): Promise<void> {
  const summary: FseventsSummary = { pages: 0, records: 0, decompressedBytes: 0 };
  cov.files++;
  try {
    await withReader(ctx, log, async (r) => {
      for await (const rec of readFsevents(r, ctx.signal ? { signal: ctx.signal } : {}, summary)) {
        const path = `/${rec.path.replace(/^\/+/, '')}`;
        const indicator = fseventsIndicator(path);
        if (!indicator) continue;
        if (++cov.matched > FSEVENTS_MAX_MATCHES) continue;
        emit(ctx, log, rec, path, indicator, notBefore);
      }
    });
  } catch (err) {
    if (!(err instanceof ParseError) && (err as Error).name === 'AbortError') throw err;
    cov.damagedFiles++;
    ctx.issue(issueFromError(err, PARSER, ctx.target.ref(log.path)));
  } finally {
    cov.records += summary.records;
  }
}

function emit(ctx: PluginContext, log: FileEntry, rec: DlsRecord, path: string, indicator: FseventsIndicator, notBefore: string | null): void {
  const eventId = rec.eventId.toString(16).padStart(16, '0');
  const last = fseventsFileLastEventId(log.name);
  emitFseventsRecord(ctx, {
    type: 'macos-fsevents',
    platform: 'macos',
    path,
    user: /^\/Users\/([^/]+)\//.exec(path)?.[1] ?? null,
    indicator,
    eventId,
    flags: rec.flags,
    flagNames: fseventFlagNames(rec.flags),
    nodeId: rec.nodeId === null ? null : rec.nodeId.toString(),
    formatVersion: rec.version,
    logFile: log.path,
    logFileLastEventId: last === null ? null : last.toString(16).padStart(16, '0'),
    timeBracket: { notBefore, notAfter: log.modified },
    ref: ctx.target.ref(log.path, { within: { key: `event 0x${eventId} (page ${rec.page}, inflated offset ${rec.offset})` }, parser: { id: FSEVENTS_PARSER.id, version: FSEVENTS_PARSER.version } }),
  });
}

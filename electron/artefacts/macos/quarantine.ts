/**
 * QuarantineEventsV2 (dossier §8.2): each user's LaunchServices quarantine database records files
 * downloaded by quarantine-aware apps (browsers, Mail, AirDrop) — URL, time, downloading agent.
 * A row naming `3CXDesktopApp-*.dmg` (or any 3cx URL) is the acquisition of the installer. Also
 * holds the SQLite glue the other macOS plugins share: open a database and its `-wal` via the Target.
 */
import { issueFromError } from '../../common/issues.js';
import type { FileEntry, Target } from '../../common/vfs.js';
import { coreDataTime, openSqlite, type OpenedSqlite, type SqliteDb, type SqlValue } from '../../formats/sqlite/index.js';
import type { Reader } from '../../io/reader.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { emitMacRecord, type QuarantineEventRecord, type QuarantineTypeName } from './macos-records.js';

const ID = 'macos.quarantine';
const VERSION = '1';
const PARSER = `${ID}@${VERSION}`;
export const QUARANTINE_DB = 'Library/Preferences/com.apple.LaunchServices.QuarantineEventsV2';
const MAX_ROWS = 200_000;
const TYPE_NAMES: readonly QuarantineTypeName[] = ['web-download', 'other-download', 'email-attachment', 'message-attachment', 'calendar-attachment', 'other-attachment'];
const COLUMNS = [
  'LSQuarantineEventIdentifier',
  'LSQuarantineTimeStamp',
  'LSQuarantineAgentBundleIdentifier',
  'LSQuarantineAgentName',
  'LSQuarantineDataURLString',
  'LSQuarantineSenderName',
  'LSQuarantineSenderAddress',
  'LSQuarantineTypeNumber',
  'LSQuarantineOriginTitle',
  'LSQuarantineOriginURLString',
] as const;

/** Open a database through the Target with its `-wal` (replayed in memory); null + issue on failure. */
export async function openTargetSqlite(ctx: PluginContext, entry: FileEntry, parser: string, notes: string[]): Promise<OpenedSqlite | null> {
  const t = ctx.target;
  const walEntry = await t.resolve(`${entry.path}-wal`);
  const journal = await t.resolve(`${entry.path}-journal`);
  if (journal?.type === 'file' && journal.size > 0) notes.push(`${journal.path}: rollback journal present and not applied (rows of an interrupted transaction may differ)`);
  let main: Reader | null = null;
  let wal: Reader | null = null;
  try {
    main = (await t.fs.open(entry.path)) as Reader;
    if (walEntry?.type === 'file') wal = (await t.fs.open(walEntry.path)) as Reader;
    const opened = await openSqlite(main, wal);
    const w = opened.info.wal;
    if (walEntry?.type === 'file') {
      notes.push(w.applied ? `${walEntry.path}: ${w.committedFrames} committed WAL frame(s) replayed in memory (${w.pagesApplied} page(s))${w.note ? `; ${w.note}` : ''}` : `${walEntry.path}: WAL not applied (${w.note ?? 'unknown reason'})`);
    }
    return opened;
  } catch (err) {
    ctx.issue(issueFromError(err, parser, t.ref(entry.path)));
    return null;
  } finally {
    await main?.close();
    await wal?.close();
  }
}

export interface QuarantineRow {
  rowid: number | null;
  eventId: string;
  timeRaw: number | null;
  agentBundleId: string | null;
  agentName: string | null;
  dataUrl: string | null;
  senderName: string | null;
  senderAddress: string | null;
  quarantineType: number | null;
  originTitle: string | null;
  originUrl: string | null;
}

const str = (v: SqlValue | undefined): string | null => (typeof v === 'string' ? v : null);
const num = (v: SqlValue | undefined): number | null => (typeof v === 'number' ? v : null);

/** Every row of LSQuarantineEvent (bounded), oldest first; empty when the table is absent. */
export function readQuarantineRows(db: SqliteDb): { rows: QuarantineRow[]; truncated: boolean } {
  if (!db.hasTable('LSQuarantineEvent')) return { rows: [], truncated: false };
  const r = db.select({ table: 'LSQuarantineEvent', columns: COLUMNS, orderBy: '"LSQuarantineTimeStamp"', maxRows: MAX_ROWS, maxCellLength: 8192 });
  const rows = r.rows.map((x) => ({
    rowid: x._rowid,
    eventId: str(x['LSQuarantineEventIdentifier']) ?? String(x._rowid ?? ''),
    timeRaw: num(x['LSQuarantineTimeStamp']),
    agentBundleId: str(x['LSQuarantineAgentBundleIdentifier']),
    agentName: str(x['LSQuarantineAgentName']),
    dataUrl: str(x['LSQuarantineDataURLString']),
    senderName: str(x['LSQuarantineSenderName']),
    senderAddress: str(x['LSQuarantineSenderAddress']),
    quarantineType: num(x['LSQuarantineTypeNumber']),
    originTitle: str(x['LSQuarantineOriginTitle']),
    originUrl: str(x['LSQuarantineOriginURLString']),
  }));
  return { rows, truncated: r.truncated };
}

/** Last path component of a URL, percent-decoded where possible. */
export function urlFileName(url: string | null): string | null {
  if (!url) return null;
  const path = url.replace(/[?#].*$/, '');
  const last = path.split('/').filter((p) => p.length > 0).pop() ?? null;
  if (!last || /^[a-z]+:$/i.test(last)) return null;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

const DMG_NAME = /^3cx ?desktop ?app.*\.dmg$/i;

export function classifyQuarantine(row: QuarantineRow): { match: QuarantineEventRecord['match']; fileName: string | null } | null {
  const fileName = urlFileName(row.dataUrl);
  const fromQuery = /[?&](?:file)?name=([^&#]+)/i.exec(row.dataUrl ?? '')?.[1] ?? null;
  if ((fileName && DMG_NAME.test(fileName)) || (fromQuery && DMG_NAME.test(fromQuery))) return { match: '3cx-dmg', fileName };
  if ([row.dataUrl, row.originUrl, row.originTitle].some((s) => s !== null && /3cx/i.test(s))) return { match: '3cx-other', fileName };
  return null;
}

export const macosQuarantine: ArtefactPlugin = {
  id: ID,
  version: VERSION,
  compatible: (t: Target) => t.os === 'macos' && t.users.length > 0,
  async run(ctx: PluginContext): Promise<void> {
    const t = ctx.target;
    const locations: string[] = [];
    const notes: string[] = [];
    let opened = 0;
    let present = 0;
    let examined = 0;
    let matched = 0;
    for (const u of t.users) {
      const path = `${u.home === '/' ? '' : u.home}/${QUARANTINE_DB}`;
      locations.push(path);
      const e = await t.resolve(path);
      if (e?.type !== 'file') continue;
      present++;
      const o = await openTargetSqlite(ctx, e, PARSER, notes);
      if (!o) continue;
      opened++;
      try {
        const { rows, truncated } = readQuarantineRows(o.db);
        if (truncated) notes.push(`${e.path}: stopped after ${MAX_ROWS} rows`);
        examined += rows.length;
        for (const row of rows) {
          const m = classifyQuarantine(row);
          if (!m) continue;
          matched++;
          const qt = row.quarantineType;
          emitMacRecord(ctx, {
            type: 'macos-quarantine-event',
            platform: 'macos',
            user: u.name,
            eventId: row.eventId,
            time: coreDataTime(row.timeRaw),
            timeRaw: row.timeRaw,
            agentName: row.agentName,
            agentBundleId: row.agentBundleId,
            dataUrl: row.dataUrl,
            originUrl: row.originUrl,
            originTitle: row.originTitle,
            senderName: row.senderName,
            senderAddress: row.senderAddress,
            quarantineType: qt,
            quarantineTypeName: qt !== null && Number.isInteger(qt) ? (TYPE_NAMES[qt] ?? null) : null,
            fileName: m.fileName,
            nameVersion: /(\d+\.\d+\.\d+)/.exec(m.fileName ?? '')?.[1] ?? null,
            match: m.match,
            ref: t.ref(e.path, { within: { key: `LSQuarantineEvent/${row.eventId}`, ...(row.rowid !== null ? { recordId: row.rowid } : {}) }, parser: { id: ID, version: VERSION } }),
          });
        }
      } catch (err) {
        ctx.issue(issueFromError(err, PARSER, t.ref(e.path)));
        opened--;
      } finally {
        o.db.close();
      }
    }
    emitMacRecord(ctx, {
      type: 'macos-artefact-coverage',
      platform: 'macos',
      artefact: 'quarantine',
      state: present === 0 ? 'absent' : opened === 0 ? 'unreadable' : 'examined',
      locations,
      examined,
      matched,
      detail: `LSQuarantineEvent rows of ${opened}/${present} QuarantineEventsV2 database(s); in-app updates leave no quarantine event; the com.apple.quarantine xattr is not read`,
      notes,
    });
  },
};

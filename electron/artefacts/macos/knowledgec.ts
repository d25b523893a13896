/**
 * KnowledgeC (dossier §8.2): CoreDuet's knowledgeC.db logs which app was in focus or in use and
 * when (ZOBJECT rows, stream `/app/inFocus`, `/app/usage`, `/app/activity`, ZVALUESTRING = bundle
 * id, ZSTARTDATE/ZENDDATE in Core Data seconds). Rows for `com.electron.3cx-desktop-app` are
 * intervals in which the 3CX app ran. macOS 11+ moved most of this to Biome; an empty result on a
 * new system is therefore weak (the coverage notes the database's age through its row count).
 */
import { issueFromError } from '../../common/issues.js';
import type { Target } from '../../common/vfs.js';
import { coreDataTime, type SqliteDb, type SqlValue } from '../../formats/sqlite/index.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { BUNDLE_ID } from './app-bundles.js';
import { emitMacRecord, type KnowledgeStream } from './macos-records.js';
import { openTargetSqlite } from './quarantine.js';

const ID = 'macos.knowledgec';
const VERSION = '1';
const PARSER = `${ID}@${VERSION}`;
export const KNOWLEDGE_STREAMS: readonly KnowledgeStream[] = ['/app/inFocus', '/app/usage', '/app/activity'];
const SYSTEM_DBS = ['/private/var/db/CoreDuet/Knowledge/knowledgeC.db', '/var/db/CoreDuet/Knowledge/knowledgeC.db'];
const USER_DB = 'Library/Application Support/Knowledge/knowledgeC.db';
const MAX_ROWS = 100_000;

export interface UsageRow {
  objectId: number | null;
  stream: KnowledgeStream;
  bundleId: string;
  startRaw: number | null;
  endRaw: number | null;
  createdRaw: number | null;
  secondsFromGmt: number | null;
  deviceId: string | null;
}

const num = (v: SqlValue | undefined): number | null => (typeof v === 'number' ? v : null);

/** ZOBJECT app rows for one bundle id (case-insensitive), by start time; null when ZOBJECT is unusable. */
export function readAppUsage(db: SqliteDb, bundleId: string): { rows: UsageRow[]; truncated: boolean; total: number } | null {
  if (!db.hasTable('ZOBJECT')) return null;
  const cols = new Set(db.columns('ZOBJECT').map((c) => c.name.toUpperCase()));
  if (!cols.has('ZSTREAMNAME') || !cols.has('ZVALUESTRING')) return null;
  const r = db.select({
    table: 'ZOBJECT',
    columns: ['Z_PK', 'ZSTREAMNAME', 'ZVALUESTRING', 'ZSTARTDATE', 'ZENDDATE', 'ZCREATIONDATE', 'ZSECONDSFROMGMT', 'ZSOURCE'],
    where: `"ZSTREAMNAME" IN (${KNOWLEDGE_STREAMS.map(() => '?').join(', ')}) AND "ZVALUESTRING" = ? COLLATE NOCASE`,
    params: [...KNOWLEDGE_STREAMS, bundleId],
    orderBy: '"ZSTARTDATE", "Z_PK"',
    maxRows: MAX_ROWS,
    maxCellLength: 1024,
  });
  const devices = deviceIds(db, r.rows.map((x) => num(x['ZSOURCE'])).filter((n): n is number => n !== null));
  const rows = r.rows.map((x) => ({
    objectId: num(x['Z_PK']),
    stream: x['ZSTREAMNAME'] as KnowledgeStream,
    bundleId: String(x['ZVALUESTRING']),
    startRaw: num(x['ZSTARTDATE']),
    endRaw: num(x['ZENDDATE']),
    createdRaw: num(x['ZCREATIONDATE']),
    secondsFromGmt: num(x['ZSECONDSFROMGMT']),
    deviceId: devices.get(num(x['ZSOURCE']) ?? -1) ?? null,
  }));
  return { rows, truncated: r.truncated, total: db.count('ZOBJECT') };
}

function deviceIds(db: SqliteDb, sources: number[]): Map<number, string> {
  const out = new Map<number, string>();
  if (sources.length === 0 || !db.hasTable('ZSOURCE')) return out;
  const wanted = [...new Set(sources)].slice(0, 500);
  const r = db.select({ table: 'ZSOURCE', columns: ['Z_PK', 'ZDEVICEID'], where: `"Z_PK" IN (${wanted.map(() => '?').join(', ')})`, params: wanted, maxRows: 500, maxCellLength: 256 });
  for (const x of r.rows) if (typeof x['Z_PK'] === 'number' && typeof x['ZDEVICEID'] === 'string') out.set(x['Z_PK'], x['ZDEVICEID']);
  return out;
}

export const macosKnowledgeC: ArtefactPlugin = {
  id: ID,
  version: VERSION,
  compatible: (t: Target) => t.os === 'macos',
  async run(ctx: PluginContext): Promise<void> {
    const t = ctx.target;
    const candidates: { path: string; user: string | null }[] = [
      ...SYSTEM_DBS.map((path) => ({ path, user: null })),
      ...t.users.map((u) => ({ path: `${u.home === '/' ? '' : u.home}/${USER_DB}`, user: u.name })),
    ];
    const notes: string[] = [];
    const seen = new Set<string>();
    let present = 0;
    let opened = 0;
    let examined = 0;
    let matched = 0;
    for (const c of candidates) {
      const e = await t.resolve(c.path);
      if (e?.type !== 'file' || seen.has(e.path)) continue;
      seen.add(e.path);
      present++;
      const o = await openTargetSqlite(ctx, e, PARSER, notes);
      if (!o) continue;
      try {
        const u = readAppUsage(o.db, BUNDLE_ID);
        if (!u) {
          notes.push(`${e.path}: no ZOBJECT table with ZSTREAMNAME/ZVALUESTRING`);
          continue;
        }
        opened++;
        examined += u.total;
        if (u.truncated) notes.push(`${e.path}: stopped after ${MAX_ROWS} matching rows`);
        for (const row of u.rows) {
          matched++;
          const dur = row.startRaw !== null && row.endRaw !== null && row.endRaw >= row.startRaw ? row.endRaw - row.startRaw : null;
          emitMacRecord(ctx, {
            type: 'macos-knowledgec-usage',
            platform: 'macos',
            user: c.user,
            database: c.user === null ? 'system' : 'user',
            stream: row.stream,
            bundleId: row.bundleId,
            start: coreDataTime(row.startRaw),
            end: coreDataTime(row.endRaw),
            startRaw: row.startRaw,
            endRaw: row.endRaw,
            durationSeconds: dur,
            created: coreDataTime(row.createdRaw),
            secondsFromGmt: row.secondsFromGmt,
            deviceId: row.deviceId,
            objectId: row.objectId,
            ref: t.ref(e.path, { within: { key: `ZOBJECT/${row.objectId ?? '?'}`, ...(row.objectId !== null ? { recordId: row.objectId } : {}) }, parser: { id: ID, version: VERSION } }),
          });
        }
      } catch (err) {
        ctx.issue(issueFromError(err, PARSER, t.ref(e.path)));
      } finally {
        o.db.close();
      }
    }
    emitMacRecord(ctx, {
      type: 'macos-artefact-coverage',
      platform: 'macos',
      artefact: 'knowledgec',
      state: present === 0 ? 'absent' : opened === 0 ? 'unreadable' : 'examined',
      locations: candidates.map((c) => c.path),
      examined,
      matched,
      detail: `ZOBJECT ${KNOWLEDGE_STREAMS.join(', ')} rows for ${BUNDLE_ID} in ${opened}/${present} knowledgeC.db; macOS 11+ keeps app usage mostly in Biome (not read)`,
      notes,
    });
  },
};

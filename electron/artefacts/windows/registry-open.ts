/**
 * Opening hives through a Target: case-insensitive path, transaction logs beside the hive
 * (`.LOG1`, `.LOG2`, `.LOG`) replayed in memory, hive issues forwarded as ParseIssues.
 */
import type { EvidenceRef } from '../../common/evidence-ref.js';
import { issueFromError, ParseError } from '../../common/issues.js';
import type { FileEntry } from '../../common/vfs.js';
import { openHive, type Hive } from '../../formats/regf/index.js';
import type { Reader } from '../../io/reader.js';
import type { PluginContext } from '../plugin.js';
import type { HiveSource, RegistryRecord } from './registry-records.js';

export interface OpenedHive {
  hive: Hive;
  entry: FileEntry;
  source: HiveSource;
  ref(key: string, cellOffset?: number): EvidenceRef;
  close(): Promise<void>;
}

/** Opens `path` if it exists; null when absent or unreadable (the latter with an issue). */
export async function openTargetHive(ctx: Pick<PluginContext, 'target' | 'issue'>, path: string, parser: { id: string; version: string }): Promise<OpenedHive | null> {
  const t = ctx.target;
  const entry = await t.resolve(path);
  if (!entry || entry.type !== 'file') return null;
  const readers: Reader[] = [];
  const logPaths: string[] = [];
  const pid = `${parser.id}@${parser.version}`;
  try {
    const main = (await t.fs.open(entry.path)) as Reader;
    readers.push(main);
    for (const ext of ['.LOG1', '.LOG2', '.LOG']) {
      const le = await t.resolve(entry.path + ext);
      if (le?.type === 'file' && le.size > 0) {
        readers.push((await t.fs.open(le.path)) as Reader);
        logPaths.push(le.path);
      }
    }
    const hive = await openHive(main, { logs: readers.slice(1) });
    const r = hive.replayed;
    const source: HiveSource = { hive: entry.path, dirty: hive.dirty, logs: logPaths, replayed: r ? { format: r.format, entries: r.entries, firstSeq: r.firstSeq, lastSeq: r.lastSeq } : null };
    const ref = (key: string, cellOffset?: number): EvidenceRef =>
      t.ref(entry.path, { within: cellOffset === undefined ? { key } : { key, offset: cellOffset + 4096 }, parser });
    return {
      hive,
      entry,
      source,
      ref,
      close: async () => {
        // Issues met while the plugin read the hive are reported once, when it is done with it.
        for (const i of hive.issues) {
          const e = new ParseError(i.code, { what: i.message, ...(i.offset !== undefined ? { offset: i.offset } : {}) }, i.message);
          ctx.issue({ ...issueFromError(e, pid, t.ref(entry.path, { parser })), severity: 'warning' });
        }
        await Promise.all(readers.map((x) => x.close()));
      },
    };
  } catch (err) {
    ctx.issue(issueFromError(err, pid, t.ref(entry.path, { parser }), false));
    await Promise.all(readers.map((x) => x.close()));
    return null;
  }
}

export function emitRecord(ctx: PluginContext, rec: RegistryRecord): void {
  ctx.emit(rec);
}

export function str(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (Array.isArray(v)) return v.length > 0 ? String(v[0]) : null;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return null;
}

/** `C:\Users\alice` → `alice`. */
export function userFromProfilePath(p: string | null): string | null {
  if (!p) return null;
  const parts = p.split(/[\\/]/).filter((x) => x.length > 0);
  return parts.length > 0 ? parts[parts.length - 1]! : null;
}

/** The control set Select\Current names (ControlSet001 when unreadable). */
export async function currentControlSet(hive: Hive): Promise<string> {
  const sel = await hive.key('Select');
  const cur = sel ? (await sel.value('Current'))?.data : null;
  const n = typeof cur === 'number' && cur > 0 && cur < 1000 ? cur : 1;
  return `ControlSet${String(n).padStart(3, '0')}`;
}

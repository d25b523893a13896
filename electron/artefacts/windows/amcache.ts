/**
 * Amcache.hve (dossier §8.1): Windows 10+ `Root\InventoryApplicationFile` / `InventoryApplication`
 * and the Windows 8 `Root\File\{volume}\{file}` layout (numbered values). The plugin keeps only
 * 3CX-relevant entries; `amcacheFiles()` yields every file entry for the lead's SHA-1 matching.
 * Amcache's SHA-1 covers the first 31,457,280 bytes only: `sha1CoversWholeFile` says when it is
 * comparable with a published whole-file hash.
 */
import type { Target } from '../../common/vfs.js';
import { filetimeIso, type Hive, type Value } from '../../formats/regf/index.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { emitRecord, openTargetHive, str, type OpenedHive } from './registry-open.js';
import { AMCACHE_SHA1_LIMIT, type AmcacheApplicationRecord, type AmcacheFileRecord } from './registry-records.js';

const ID = 'windows.amcache';
const VERSION = '1';
const PARSER = { id: ID, version: VERSION };
export const AMCACHE_HIVE = '/Windows/AppCompat/Programs/Amcache.hve';

export type AmcacheFile = Omit<AmcacheFileRecord, 'type' | 'reason' | 'hive' | 'ref'> & { cellOffset: number };

function val(values: Value[], name: string): Value | undefined {
  const n = name.toLowerCase();
  return values.find((v) => v.name.toLowerCase() === n);
}
function text(values: Value[], name: string): string | null {
  const v = val(values, name);
  return v ? str(v.data) : null;
}
function num(values: Value[], name: string): number | null {
  const d = val(values, name)?.data;
  if (typeof d === 'number') return d;
  if (typeof d === 'bigint') return d <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(d) : null;
  if (typeof d === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(d.trim())) return Number(d.trim());
  return null;
}

/** FileId / value 101: `0000` + 40 hex digits → the SHA-1. */
export function sha1FromFileId(id: string | null): string | null {
  const m = id ? /^(?:0000)?([0-9a-f]{40})$/i.exec(id.trim()) : null;
  return m ? m[1]!.toLowerCase() : null;
}

/** Amcache's `MM/dd/yyyy HH:mm:ss` (UTC) → ISO. */
export function amcacheDate(s: string | null): string | null {
  const m = s ? /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(s.trim()) : null;
  return m ? new Date(Date.UTC(+m[3]!, +m[1]! - 1, +m[2]!, +m[4]!, +m[5]!, +m[6]!)).toISOString() : null;
}

function covers(size: number | null): boolean | null {
  return size === null ? null : size <= AMCACHE_SHA1_LIMIT;
}

/** Every file entry in the hive, both layouts. */
export async function* amcacheFiles(hive: Hive): AsyncGenerator<AmcacheFile> {
  const inv = await hive.key('Root\\InventoryApplicationFile');
  for (const k of inv ? await inv.subkeys() : []) {
    const v = await k.values();
    const size = num(v, 'Size');
    const path = text(v, 'LowerCaseLongPath');
    yield {
      format: 'inventory', path, name: text(v, 'Name') ?? (path ? path.split('\\').pop()! : null),
      sha1: sha1FromFileId(text(v, 'FileId')), size, sha1CoversWholeFile: covers(size),
      version: text(v, 'Version') ?? text(v, 'BinFileVersion'), productName: text(v, 'ProductName'), publisher: text(v, 'Publisher'),
      linkDate: amcacheDate(text(v, 'LinkDate')) ?? text(v, 'LinkDate'), lastModified: null,
      keyPath: k.path, keyLastWritten: k.lastWritten, cellOffset: k.offset,
    };
  }
  const old = await hive.key('Root\\File');
  for (const vol of old ? await old.subkeys() : []) {
    for (const k of await vol.subkeys()) {
      const v = await k.values();
      const size = num(v, '6');
      const path = text(v, '15');
      const mod = val(v, '17')?.data;
      const link = num(v, 'f');
      yield {
        format: 'win8-file', path, name: path ? path.split('\\').pop()! : null,
        sha1: sha1FromFileId(text(v, '101')), size, sha1CoversWholeFile: covers(size),
        version: text(v, '5') ?? text(v, '2'), productName: text(v, '0'), publisher: text(v, '1'),
        linkDate: link ? new Date(link * 1000).toISOString() : null,
        lastModified: typeof mod === 'bigint' ? filetimeIso(mod) : null,
        keyPath: k.path, keyLastWritten: k.lastWritten, cellOffset: k.offset,
      };
    }
  }
}

/** Why an entry matters for 3CX, or null. */
export function relevance(f: Pick<AmcacheFile, 'path' | 'name' | 'sha1'>, sha1s: ReadonlySet<string> = new Set()): string | null {
  if (f.sha1 && sha1s.has(f.sha1)) return 'sha1-match';
  const p = (f.path ?? '').toLowerCase();
  const name = (f.name ?? p.split('\\').pop() ?? '').toLowerCase();
  if (/^3cxdesktopapp.*\.(msi|exe)$/.test(name) && !p.includes('\\3cxdesktopapp\\')) return '3cx-installer';
  if (!p.includes('\\3cxdesktopapp\\')) return null;
  return name === 'ffmpeg.dll' || name === 'd3dcompiler_47.dll' ? '3cx-dll' : '3cx-path';
}

async function applications(ctx: PluginContext, h: OpenedHive): Promise<void> {
  const inv = await h.hive.key('Root\\InventoryApplication');
  for (const k of inv ? await inv.subkeys() : []) {
    const v = await k.values();
    const name = text(v, 'Name');
    const root = text(v, 'RootDirPath');
    if (!name || !(/3CX Desktop App|3CXDesktopApp/i.test(name) || /\\3CXDesktopApp\b/i.test(root ?? ''))) continue;
    const rec: AmcacheApplicationRecord = {
      type: 'amcache-app', name, version: text(v, 'Version'), publisher: text(v, 'Publisher'),
      installDate: amcacheDate(text(v, 'InstallDate')) ?? text(v, 'InstallDate'), rootDirPath: root,
      msiProductCode: text(v, 'MsiProductCode'), keyPath: k.path, keyLastWritten: k.lastWritten, hive: h.source, ref: h.ref(k.path, k.offset),
    };
    emitRecord(ctx, rec);
  }
}

/** The plugin; `sha1s` (lower-case) adds entries whose SHA-1 the lead wants, wherever they are. */
export function makeAmcachePlugin(sha1s: ReadonlySet<string> = new Set()): ArtefactPlugin {
  return {
    id: ID,
    version: VERSION,
    compatible: (t: Target) => t.os === 'windows' && t.shape === 'windows-system',
    async run(ctx: PluginContext): Promise<void> {
      const h = await openTargetHive(ctx, AMCACHE_HIVE, PARSER);
      if (!h) return;
      try {
        for await (const f of amcacheFiles(h.hive)) {
          const reason = relevance(f, sha1s);
          if (!reason) continue;
          const { cellOffset, ...rest } = f;
          emitRecord(ctx, { type: 'amcache-file', ...rest, reason, hive: h.source, ref: h.ref(f.keyPath, cellOffset) });
        }
        await applications(ctx, h);
      } finally {
        await h.close();
      }
    },
  };
}

export const windowsAmcache: ArtefactPlugin = makeAmcachePlugin();

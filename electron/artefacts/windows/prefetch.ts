/**
 * Windows Prefetch (dossier §8.1): `Windows/Prefetch/*.pf` for 3CXDESKTOPAPP.EXE (every file:
 * one per executable path), UPDATE.EXE whose loaded-file list touches the 3CXDesktopApp folder,
 * and MSIEXEC.EXE that opened a 3CXDesktopApp*.msi. Each yields a PrefetchRecord with run count,
 * last run times and whether ffmpeg.dll / d3dcompiler_47.dll were loaded from the 3CX app folder.
 */
import { LIMITS } from '../../common/limits.js';
import { issueFromError } from '../../common/issues.js';
import type { FileEntry, Target } from '../../common/vfs.js';
import { parsePrefetch, PREFETCH_MAX_FILE_BYTES, type Prefetch } from '../../formats/prefetch/index.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { readSmallFile } from '../read-file.js';
import type { PrefetchCoverageRecord, PrefetchLoadedFile, PrefetchRecord, PrefetchSubject } from './prefetch-records.js';

const ID = 'windows.prefetch';
const VERSION = '1';
const PARSER = `${ID}@${VERSION}`;
const CANDIDATE = /^(3CXDESKTOPAPP\.EXE|UPDATE\.EXE|MSIEXEC\.EXE)-[0-9A-F]{8}\.pf$/i;
const APP_FOLDER = /\\3CXDESKTOPAPP\\APP(?:-[\d.]+)?\\[^\\]+$/i;

export const windowsPrefetch: ArtefactPlugin = {
  id: ID,
  version: VERSION,
  // Triage collections (KAPE, Velociraptor) can carry Windows/Prefetch without a full system tree.
  compatible: (t: Target) => t.os === 'windows',
  async run(ctx: PluginContext): Promise<void> {
    const dir = await ctx.target.resolve('/Windows/Prefetch');
    if (dir?.type !== 'dir') {
      emit(ctx, coverage('absent', 0, 0, 0, 'no Windows/Prefetch folder (prefetching off, or not collected)'));
      return;
    }
    let entries: FileEntry[];
    try {
      entries = await ctx.target.fs.readdir(dir.path);
    } catch (err) {
      ctx.issue(issueFromError(err, PARSER, ctx.target.ref(dir.path)));
      emit(ctx, coverage('unreadable', 0, 0, 0, `could not list ${dir.path}`));
      return;
    }
    const pf = entries.filter((e) => e.type === 'file' && /\.pf$/i.test(e.name)).slice(0, LIMITS.dirMaxEntries);
    let parsed = 0;
    let failed = 0;
    for (const e of pf) {
      ctx.signal?.throwIfAborted();
      const m = CANDIDATE.exec(e.name);
      if (!m) continue;
      const bytes = await readSmallFile(ctx, e, PREFETCH_MAX_FILE_BYTES, PARSER);
      if (!bytes) {
        failed++;
        continue;
      }
      let p: Prefetch;
      try {
        p = parsePrefetch(bytes);
        parsed++;
      } catch (err) {
        failed++;
        ctx.issue(issueFromError(err, PARSER, ctx.target.ref(e.path)));
        continue;
      }
      for (const i of p.issues) {
        ctx.issue({ severity: 'warning', code: 'decode', message: i.message, parser: PARSER, evidence: ctx.target.ref(e.path, i.offset === undefined ? {} : { within: { offset: i.offset } }), recovered: true });
      }
      const rec = toRecord(ctx.target, e, m[1]!.toUpperCase(), p);
      if (rec) emit(ctx, rec);
    }
    emit(ctx, coverage('examined', pf.length, parsed, failed, `${pf.length} prefetch file(s) in ${dir.path}; ${parsed} candidate(s) parsed`));
  },
};

function emit(ctx: PluginContext, r: PrefetchRecord | PrefetchCoverageRecord): void {
  ctx.emit(r);
}

function coverage(state: PrefetchCoverageRecord['state'], seen: number, parsed: number, failed: number, detail: string): PrefetchCoverageRecord {
  return { type: 'prefetch-coverage', platform: 'windows', state, seen, parsed, failed, detail };
}

/** Roles of the loaded files that matter for the 3CX chain; null for everything else. */
export function loadedRole(path: string): PrefetchLoadedFile | null {
  const up = path.toUpperCase();
  const inAppFolder = APP_FOLDER.test(up);
  const name = up.slice(up.lastIndexOf('\\') + 1);
  if (name === 'FFMPEG.DLL' && inAppFolder) return { path, role: 'ffmpeg', inAppFolder };
  if (name === 'D3DCOMPILER_47.DLL') return { path, role: 'd3dcompiler', inAppFolder };
  if (!up.includes('3CXDESKTOPAPP')) return null;
  if (name === '3CXDESKTOPAPP.EXE') return { path, role: 'app-exe', inAppFolder };
  if (/^3CXDESKTOPAPP[^\\]*\.MSI$/.test(name)) return { path, role: 'installer-msi', inAppFolder };
  if (name.endsWith('.NUPKG')) return { path, role: 'update-nupkg', inAppFolder };
  return { path, role: 'other-3cx', inAppFolder };
}

export function toRecord(target: Target, entry: FileEntry, nameExe: string, p: Prefetch): PrefetchRecord | null {
  const loaded = p.files.map(loadedRole).filter((x): x is PrefetchLoadedFile => x !== null);
  let subject: PrefetchSubject;
  if (nameExe === '3CXDESKTOPAPP.EXE') subject = '3cx-app';
  else if (nameExe === 'UPDATE.EXE') {
    if (!p.files.some((f) => /\\3CXDESKTOPAPP(\\|$)/i.test(f))) return null;
    subject = '3cx-updater';
  } else {
    if (!loaded.some((l) => l.role === 'installer-msi')) return null;
    subject = '3cx-msi-install';
  }
  const notes: string[] = [];
  if (p.executable.toUpperCase() !== nameExe) notes.push(`file name says ${nameExe}, header says ${p.executable}`);
  if (!entry.name.toUpperCase().includes(p.hash)) notes.push(`header hash ${p.hash} differs from the file name`);
  if (p.compression?.crc && !p.compression.crc.ok) notes.push(`MAM CRC-32 mismatch (stored ${p.compression.crc.stored}, computed ${p.compression.crc.computed})`);
  const exeName = `\\${p.executable.toUpperCase()}`;
  const executablePath = p.files.find((f) => f.toUpperCase().endsWith(exeName)) ?? null;
  // The owner: the profile holding the executable, else (msiexec in System32) the 3CX file it opened.
  const owner = [executablePath, ...loaded.map((l) => l.path)].map((f) => (f ? /\\USERS\\([^\\]+)\\/i.exec(f)?.[1] : undefined)).find((u) => u !== undefined);
  const user = owner ? (target.users.find((u) => u.name.toUpperCase() === owner.toUpperCase())?.name ?? owner) : null;
  const compressed = p.compression !== null;
  return {
    type: 'prefetch',
    platform: 'windows',
    subject,
    executable: p.executable,
    prefetchHash: p.hash,
    formatVersion: p.version,
    compressed,
    entry,
    user,
    executablePath,
    runCount: p.runCount,
    lastRuns: p.lastRuns,
    lastRunsRaw: p.lastRunsRaw,
    loaded,
    loadsFfmpeg: loaded.some((l) => l.role === 'ffmpeg'),
    loadsD3dcompiler: loaded.some((l) => l.role === 'd3dcompiler' && l.inAppFolder),
    loadedFileCount: p.files.length,
    volumes: p.volumes.map((v) => ({ devicePath: v.devicePath, serial: v.serial, created: v.created })),
    ref: target.ref(entry.path, {
      parser: { id: ID, version: VERSION },
      within: {
        offset: p.fields.lastRunOffset,
        length: p.fields.lastRunLength,
        key: compressed ? 'last run times (offset in the MAM-decompressed SCCA data)' : 'last run times',
      },
    }),
    runCountOffset: p.fields.runCountOffset,
    notes,
  };
}

/**
 * Windows 3CX Desktop App trees (dossier §2.1): every `3CXDesktopApp` folder under each user's
 * `AppData/Local/Programs` and under `Program Files`. The whole tree is listed, because builds
 * use `app/` or `app-<version>/` and `Update.exe` sits at the root or in `app/`.
 * Yields one app-file record per binary that matters, an install fact per version found, and the
 * `manifest` timer file written by the trojanized loader.
 */
import { LIMITS } from '../../common/limits.js';
import { splitPath, type FileEntry, type Target } from '../../common/vfs.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { fileTime, readSmallFile } from '../read-file.js';
import type { AppFileRecord, FileRole } from '../records.js';
import { walkFiles } from '../walk.js';
import { decodeTimerFile } from './timer-file.js';
import { summarisePe } from './pe-summary.js';

const ID = 'windows.app-tree';
const VERSION = '1';
const PARSER = `${ID}@${VERSION}`;

export const windowsAppTree: ArtefactPlugin = {
  id: ID,
  version: VERSION,
  compatible: (t: Target) => t.os === 'windows',
  async run(ctx: PluginContext): Promise<void> {
    const t = ctx.target;
    const roots: { path: string; user: string | null }[] = [];
    for (const u of t.users) roots.push({ path: `${u.home}/AppData/Local/Programs/3CXDesktopApp`, user: u.name });
    if (t.shape === 'windows-system') {
      roots.push({ path: '/Program Files/3CXDesktopApp', user: null }, { path: '/Program Files (x86)/3CXDesktopApp', user: null });
    }
    for (const r of roots) {
      const root = await t.resolve(r.path.replace(/^\/\//, '/'));
      if (root?.type === 'dir') await scanRoot(ctx, root, r.user);
    }
    ctx.emit({ type: 'coverage', area: 'app-install', platform: 'windows', state: 'examined', detail: `looked in ${roots.length} install location(s)` });
  },
};

async function scanRoot(ctx: PluginContext, root: FileEntry, user: string | null): Promise<void> {
  const entries = await walkFiles(ctx, root, { maxDepth: 8, maxEntries: 50_000, parser: PARSER });
  const versions = new Map<string, AppFileRecord>();
  for (const e of entries) {
    if (e.type !== 'file') continue;
    const rel = splitPath(e.path.slice(root.path.length));
    const role = classify(rel);
    if (rel[rel.length - 1]?.toLowerCase() === 'manifest') {
      await emitTimer(ctx, e, user);
      continue;
    }
    if (role === null) continue;
    const isPe = /\.(exe|dll|node)$/i.test(e.name);
    const { pe, markers } = isPe ? await summarisePe(ctx, e, role === 'ffmpeg' || role === 'd3dcompiler' || role === 'other') : { markers: [] };
    const rec: AppFileRecord = { type: 'app-file', platform: 'windows', role, user, installRoot: root.path, entry: e, ref: ctx.target.ref(e.path), markers, ...(pe ? { pe } : {}) };
    if (role === 'update-nupkg') rec.nameVersion = versionInName(e.name);
    ctx.emit(rec);
    if (role === 'app-exe' || role === 'launcher-exe') {
      const v = installVersion(rec, rel);
      const prev = versions.get(v.version ?? '?');
      if (!prev || (prev.role === 'launcher-exe' && role === 'app-exe')) versions.set(v.version ?? '?', rec);
    }
  }
  for (const [v, rec] of versions) {
    const rel = splitPath(rec.entry.path.slice(root.path.length));
    const src = installVersion(rec, rel);
    ctx.emit({
      type: 'install',
      platform: 'windows',
      product: rec.pe?.productName || '3CX Desktop App',
      version: v === '?' ? null : v,
      versionSource: src.source,
      user,
      path: root.path,
      ref: rec.ref,
      time: fileTime(rec.entry),
    });
  }
}

/** Role from the path relative to the install root; null for files we do not need. */
export function classify(rel: string[]): FileRole | null {
  const name = (rel[rel.length - 1] ?? '').toLowerCase();
  const inApp = rel.length >= 2 && /^app(-[\d.]+)?$/i.test(rel[rel.length - 2]!);
  if (name === '3cxdesktopapp.exe') return inApp || rel.length > 1 ? 'app-exe' : 'launcher-exe';
  if (name === 'update.exe') return 'updater';
  if (name === 'ffmpeg.dll') return 'ffmpeg';
  if (name === 'd3dcompiler_47.dll') return 'd3dcompiler';
  if (name.endsWith('.nupkg')) return 'update-nupkg';
  if (/\.(exe|dll|node|msi)$/.test(name)) return 'other';
  return null;
}

function installVersion(rec: AppFileRecord, rel: string[]): { version: string | null; source: string } {
  const v = rec.pe?.productVersion ?? rec.pe?.fileVersion ?? null;
  if (v && /^\d+\.\d+\.\d+/.test(v)) return { version: v.match(/^\d+\.\d+\.\d+(\.\d+)?/)![0], source: 'pe-version' };
  const dir = rel.length >= 2 ? rel[rel.length - 2]! : '';
  const m = /^app-(\d+\.\d+\.\d+)/i.exec(dir);
  if (m) return { version: m[1]!, source: 'folder-name' };
  return { version: null, source: 'none' };
}

export function versionInName(name: string): string | null {
  return /(\d+\.\d+\.\d+)/.exec(name)?.[1] ?? null;
}

async function emitTimer(ctx: PluginContext, e: FileEntry, user: string | null): Promise<void> {
  const bytes = await readSmallFile(ctx, e, LIMITS.smallFileMaxBytes, PARSER);
  const contentHex = bytes ? Buffer.from(bytes.subarray(0, 64)).toString('hex') : '';
  ctx.emit({ type: 'timer', user, entry: e, ref: ctx.target.ref(e.path, { parser: { id: ID, version: VERSION } }), contentHex, wakeUp: bytes ? decodeTimerFile(bytes) : null });
}

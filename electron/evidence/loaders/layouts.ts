/**
 * Which collector wrote an archive (or folder), and its hosts: detection from content only
 * (collection-layouts.md §7), then the layout's reader, then one CollectionHost per host with its
 * coverage lines and collector hashes. A tree holding several collections (sub-folders or nested
 * archives) gives one host per collection.
 */
import type { Layer } from '../../common/evidence-ref.js';
import { splitPath, type FileEntry, type Filesystem, type OsKind } from '../../common/vfs.js';
import type { ZipOpenOptions } from '../../formats/zip/index.js';
import { TarFilesystem } from '../filesystems/tar.js';
import { ZipFilesystem } from '../filesystems/zip.js';
import { readAftermath, isAftermath } from './aftermath.js';
import { coverageLines, readText, remap, walkFiles, type CollectionHost, type CollectionResult, type CollectorHash, type Layout } from './collection.js';
import { isCylr, readCylr } from './cylr.js';
import { copyLogsIn, hasDriveFolders, isKape, readKape, type CopyLog } from './kape.js';
import { isUac, readUac } from './uac.js';
import { isVelociraptor, readVelociraptor } from './velociraptor.js';

const HOST_MARKERS = /^(windows|users|program files|programdata|applications|library|system|private|etc|home|var|appdata|ntuser\.dat)$/i;
const ARCHIVE_NAME = /\.(zip|tar|tgz|tar\.gz)$/i;
const MAX_NESTING = 2;
/** Disk-image containers KAPE writes (`--vhdx`, `--vhd`); the bytes must confirm the name. */
const DISK_NAME = /\.vhdx?$/i;
const MAX_NESTED_ARCHIVES = 64;

export interface CollectionContext {
  /** A label to fall back on (a sub-folder's name) when the collector recorded no host name. */
  fallbackLabel?: string | null;
  zip?: ZipOpenOptions;
  depth?: number;
  /** Filesystems opened here (nested archives) that the caller must close. */
  opened?: Filesystem[];
  /** Nested archives still allowed to be opened for this evidence item (42.zip-style nests stop here). */
  budget?: { archives: number };
}

/** A folder of `fs` as a filesystem of its own. */
export async function subtree(fs: Filesystem, dir: string): Promise<Filesystem> {
  const files: FileEntry[] = [];
  for await (const e of walkFiles(fs, dir)) files.push(e);
  const n = splitPath(dir).length;
  return remap(fs, files, (e) => ({ parts: splitPath(e.path).slice(n) }), { kind: fs.kind, foldCase: fs.caseInsensitive, baseLayers: fs.layersFor(dir) });
}

async function buildHost(
  layout: Layout, fs: Filesystem, label: string | null, osHint: OsKind,
  fixed: string[], notes: string[], hashes: Omit<CollectorHash, 'collected'>[], extraViews: CollectionHost['extraViews'] = [],
): Promise<CollectionHost> {
  const paths: string[] = [];
  for await (const e of walkFiles(fs)) paths.push(e.path);
  const have = new Set(paths.map((p) => p.toLowerCase()));
  const os: OsKind = osHint !== 'unknown' ? osHint : paths.some((p) => /^\/(applications|library)\//i.test(p)) ? 'macos' : paths.some((p) => /^\/(windows|users\/[^/]+\/appdata)\//i.test(p)) ? 'windows' : 'unknown';
  const collected = hashes.map((h) => ({ ...h, collected: have.has(h.path.toLowerCase()) }));
  return { fs, label, layout, osHint: os, coverage: [...coverageLines(paths, os), ...fixed], notes, extraViews, collectorHashes: () => collected };
}

const EXCLUDE_SIGNED = 'Velociraptor Windows.Triage.Targets defaults to CollectionPolicy ExcludeSigned: signed binaries (3CXDesktopApp.exe, d3dcompiler_47.dll, a signed ffmpeg.dll) are hashed in results/ but not uploaded — see the collector hashes';
const KAPE_PROGRAMS = "KAPE's stock KapeTriage target does not copy AppData\\Local\\Programs: the 3CX binaries are only here if a custom target collected them";
const UAC_APPS = 'UAC\'s stock artifacts collect neither /Applications/*.app contents nor ~/Library/Application Support/3CX Desktop App; the bodyfile still lists them with times';

/** Detect the layout at the root of `fs` and read its host(s). */
export async function openCollection(fs: Filesystem, ctx: CollectionContext = {}): Promise<CollectionResult> {
  const depth = ctx.depth ?? 0;
  ctx.budget ??= { archives: MAX_NESTED_ARCHIVES };
  const root = await fs.readdir('/').catch(() => [] as FileEntry[]);
  const names = root.map((e) => e.name);
  const set = new Set(names);
  const errors: CollectionResult['errors'] = [];
  const label = ctx.fallbackLabel ?? null;
  const result = (layout: Layout, hosts: CollectionHost[]): CollectionResult => ({ layout, hosts, errors, collectorHashes: () => hosts.flatMap((h) => h.collectorHashes()) });

  if (set.has('data.zip') && root.filter((e) => e.type === 'file').every((e) => e.name === 'data.zip' || e.name === 'metadata.json')) {
    // A protected Velociraptor container: the real collection is the inner data.zip.
    const inner = await nested(fs, '/data.zip', ctx, errors);
    if (!inner) {
      const scheme = /"Scheme"\s*:\s*"([^"]+)"/.exec((await readText(fs, '/metadata.json')) ?? '')?.[1];
      if (scheme && scheme !== 'Password') {
        errors.push({ path: '/data.zip', message: `the collection password is wrapped with the collector's ${scheme} key (metadata.json EncryptedPass): recover it with the matching private key, then give it with --password` });
      }
      return result('velociraptor', []);
    }
    const r = await openCollection(inner, { ...ctx, depth: depth + 1 });
    errors.push(...r.errors);
    return result(r.layout, r.hosts);
  }
  if (isVelociraptor(set) || (root.length > 0 && root.every((e) => e.type === 'dir' && /^[A-Z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$/.test(e.name)))) {
    // The second form: pre-0.6.7 results-only containers hold `<Artifact>/<Source>.json` at the top.
    const vr = await readVelociraptor(fs);
    const [main, ...rest] = vr.views;
    const view = main?.fs ?? (await remap(fs, [], () => ({ parts: null }), { kind: 'velociraptor', foldCase: false, baseLayers: fs.layersFor('/') }));
    const fixed = [EXCLUDE_SIGNED, `uploads.json lists ${vr.uploadsListed} upload(s)`];
    const host = await buildHost('velociraptor', view, vr.hostName ?? label, main?.windows ? 'windows' : 'unknown', fixed, vr.notes, vr.hashes, rest.map((v) => ({ label: v.label, fs: v.fs })));
    return result('velociraptor', [host]);
  }
  if (isUac(names)) {
    const u = await readUac(fs);
    return result('uac', [await buildHost('uac', u.root, u.hostName ?? label, 'unknown', [UAC_APPS, `bodyfile lists ${u.bodyfileEntries} path(s)`], u.notes, u.hashes)]);
  }
  if (isAftermath(names)) {
    const a = await readAftermath(fs);
    return result('aftermath', [await buildHost('aftermath', a.root, label, 'macos', [], a.notes, [])]);
  }
  if (isCylr(names)) {
    const c = await readCylr(fs);
    const [main, ...rest] = c.views;
    const view = main?.fs ?? (await remap(fs, await allFiles(fs), (e) => ({ parts: /^CyLR_Collection_Log_/i.test(e.name) ? null : splitPath(e.path) }), { kind: 'cylr', foldCase: false, baseLayers: fs.layersFor('/'), timeBasis: 'local-no-zone' }));
    const fixed = c.windows ? ['CyLR\'s default Windows paths do not include the 3CX app folder (a custom path list is needed)'] : [];
    return result('cylr', [await buildHost('cylr', view, label, c.windows ? 'windows' : 'unknown', fixed, c.notes, [], rest.map((v) => ({ label: v.label, fs: v.fs })))]);
  }
  if (isKape(names) || (hasDriveFolders(names) && !names.some((n) => HOST_MARKERS.test(n)))) {
    const host = await kapeHost(fs, label);
    if (host) return result('kape', [host]);
  }
  const disks = root.filter((e) => e.type === 'file' && DISK_NAME.test(e.name));
  if (disks.length > 0 && !names.some((n) => HOST_MARKERS.test(n))) {
    // KAPE --zv: the ZIP holds the .vhdx (its copy log inside it, or beside it here).
    const { openDiskMembers } = await import('./disk-member.js');
    const d = await openDiskMembers(fs, disks, copyLogsIn(fs, root), ctx, errors);
    if (d.hosts.length > 0) return result(d.layout, d.hosts);
  }
  if (depth < MAX_NESTING && !names.some((n) => HOST_MARKERS.test(n))) {
    // Several collections side by side (folders or archives), or one wrapped in a folder.
    const dirs = root.filter((e) => e.type === 'dir');
    const archives = root.filter((e) => e.type === 'file' && ARCHIVE_NAME.test(e.name));
    const subs: CollectionResult[] = [];
    for (const d of dirs) subs.push(await openCollection(await subtree(fs, d.path), { ...ctx, depth: depth + 1, fallbackLabel: d.name.replace(/^Aftermath_/, '') }));
    for (const a of archives) {
      const inner = await nested(fs, a.path, ctx, errors);
      if (inner) subs.push(await openCollection(inner, { ...ctx, depth: depth + 1, fallbackLabel: a.name.replace(ARCHIVE_NAME, '') }));
    }
    const real = subs.filter((s) => s.hosts.length > 0 && (s.layout !== 'plain' || s.hosts.some((h) => h.osHint !== 'unknown')));
    for (const s of subs) errors.push(...s.errors);
    if (real.length > 0 && (real.length > 1 || dirs.length + archives.length === 1)) {
      const layouts = new Set(real.map((s) => s.layout));
      return result(layouts.size === 1 ? real[0]!.layout : 'plain', real.flatMap((s) => s.hosts));
    }
  }
  return result('plain', [await buildHost('plain', fs, label, 'unknown', [], [], [])]);
}

/** The KAPE layout at the root of `fs` as one host (null when it holds no drive folder). `logs`: copy logs from beside a container. */
export async function kapeHost(fs: Filesystem, label: string | null, logs: CopyLog[] = []): Promise<CollectionHost | null> {
  const k = await readKape(fs, logs);
  const [main, ...rest] = k.views;
  if (!main) return null;
  return buildHost('kape', main.fs, label, 'windows', [KAPE_PROGRAMS], k.notes, k.hashes, rest.map((v) => ({ label: v.label, fs: v.fs })));
}

async function allFiles(fs: Filesystem): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for await (const e of walkFiles(fs)) out.push(e);
  return out;
}

/** Open an archive member as a filesystem of its own (its reader is spilled only if random access needs it). */
async function nested(fs: Filesystem, path: string, ctx: CollectionContext, errors: CollectionResult['errors']): Promise<Filesystem | null> {
  const layers: Layer[] = fs.layersFor(path);
  const budget = ctx.budget ?? { archives: MAX_NESTED_ARCHIVES };
  if (budget.archives <= 0) {
    if (budget.archives === 0) errors.push({ path, message: `more than ${MAX_NESTED_ARCHIVES} nested archives: the rest are listed, not opened` });
    budget.archives--;
    return null;
  }
  budget.archives--;
  try {
    const r = await fs.open(path);
    const head = await r.read(0, 264);
    let inner: Filesystem;
    if (head[0] === 0x50 && head[1] === 0x4b) inner = await ZipFilesystem.openReader(r, layers, ctx.zip ?? {});
    else if (head[0] === 0x1f && head[1] === 0x8b) inner = await TarFilesystem.openReader(r, layers, { gzip: true });
    else if (String.fromCharCode(...head.subarray(257, 262)) === 'ustar') inner = await TarFilesystem.openReader(r, layers);
    else {
      await r.close();
      return null;
    }
    ctx.opened?.push(inner);
    const issues = (inner as ZipFilesystem | TarFilesystem).allIssues ?? [];
    for (const i of issues) errors.push({ path: `${path}${i.member ? `:${i.member}` : ''}`, message: i.message });
    return inner;
  } catch (err) {
    errors.push({ path, message: `cannot open the archive inside: ${(err as Error).message}` });
    return null;
  }
}

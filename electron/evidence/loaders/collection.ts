/**
 * What every collection layout returns, and the helpers they share: walking a Filesystem,
 * re-rooting stored copies onto host paths (an OverlayFilesystem), reading small text members
 * under a cap, JSON Lines and CSV rows, and the per-host 3CX coverage lines.
 */
import type { Layer } from '../../common/evidence-ref.js';
import { LIMITS } from '../../common/limits.js';
import { joinPath, splitPath, type FileEntry, type Filesystem, type HostFileHash, type OsKind } from '../../common/vfs.js';
import type { Reader } from '../../io/reader.js';
import type { OpenedHost } from '../open.js';
import { OverlayFilesystem, VirtualTree, type TimeBasis } from '../filesystems/overlay.js';

export type Layout = 'velociraptor' | 'kape' | 'cylr' | 'uac' | 'aftermath' | 'plain';

/** A hash the collector recorded for a file on the host (whether or not it copied the file). */
export type CollectorHash = HostFileHash;

export interface CollectionHost extends OpenedHost {
  layout: Layout;
  /** What the layout says about the OS (drive letters mean Windows), for hosts whose view is too thin to tell. */
  osHint: OsKind;
  /** Which 3CX-relevant locations this collection holds or could not hold (report limitations). */
  coverage: string[];
  /** Other observations (time bases, sparse files, containers not opened). */
  notes: string[];
  /** Volume shadow copies and other volumes, as separate labelled views (not separate hosts). */
  extraViews: { label: string; fs: Filesystem }[];
  collectorHashes(): CollectorHash[];
}

export interface CollectionResult {
  layout: Layout;
  hosts: CollectionHost[];
  errors: { path: string; message: string }[];
  collectorHashes(): CollectorHash[];
}

/** Time overrides from collector metadata (UTC), keyed by lower-cased host path. */
export interface KnownTimes {
  created?: string | null;
  modified?: string | null;
  accessed?: string | null;
  changed?: string | null;
}

/** Every file under `root`, depth-first, names sorted (bounded depth). */
export async function* walkFiles(fs: Filesystem, root = '/', depth = 0): AsyncGenerator<FileEntry> {
  if (depth > LIMITS.walkMaxDepth) return;
  let entries: FileEntry[];
  try {
    entries = await fs.readdir(root);
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.type === 'dir') yield* walkFiles(fs, e.path, depth + 1);
    else yield e;
  }
}

export interface Mapped {
  /** Host path components, or null to leave the file out of this view. */
  parts: string[] | null;
  times?: KnownTimes | undefined;
  /** Different bytes than the stored file's own (a sparse upload re-expanded), with their citation. */
  content?: { size: number; open: () => Promise<Reader>; layers: Layer[] } | undefined;
}

/**
 * Re-root files of `src` onto host paths. `map` sees each file's path in `src`; files mapped to the
 * same host path keep the first (callers order sources by preference).
 */
export async function remap(
  src: Filesystem,
  files: FileEntry[],
  map: (e: FileEntry) => Mapped,
  o: { kind: string; foldCase: boolean; baseLayers: Layer[]; timeBasis?: TimeBasis },
): Promise<OverlayFilesystem> {
  const tree = new VirtualTree(o.foldCase);
  for (const e of files) {
    const m = map(e);
    if (!m.parts || m.parts.length === 0) continue;
    const t = m.times;
    const basis = t ? 'utc' : o.timeBasis ?? (e as { timeBasis?: TimeBasis }).timeBasis ?? 'utc';
    tree.add(m.parts, {
      size: m.content?.size ?? e.size,
      ...(e.id !== undefined ? { id: e.id } : {}),
      created: t?.created !== undefined ? t.created : e.created,
      modified: t?.modified !== undefined ? t.modified : e.modified,
      accessed: t?.accessed !== undefined ? t.accessed : e.accessed,
      changed: t?.changed !== undefined ? t.changed : e.changed,
      timeBasis: basis,
      type: e.type === 'link' ? 'link' : e.type === 'other' ? 'other' : 'file',
      open: m.content?.open ?? (() => src.open(e.path)),
      layers: m.content?.layers ?? src.layersFor(e.path),
    }, 'keep-first');
  }
  return new OverlayFilesystem(o.kind, tree, o.baseLayers);
}

/** A small member as text (collector metadata); null when absent, unreadable or above `cap`. */
export async function readText(fs: Filesystem, path: string, cap: number = LIMITS.smallFileMaxBytes): Promise<string | null> {
  const st = await fs.stat(path).catch(() => null);
  if (!st || st.type !== 'file' || st.size > cap) return null;
  const r = await fs.open(path).catch(() => null);
  if (!r) return null;
  try {
    return new TextDecoder('utf-8').decode(await r.read(0, r.size));
  } catch {
    return null;
  } finally {
    await r.close();
  }
}

/** JSON Lines (or one JSON array/object) → objects; bad lines are skipped. */
export function jsonRows(text: string): Record<string, unknown>[] {
  const t = text.trim();
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t) as unknown;
      return Array.isArray(v) ? v.filter(isObject) : [];
    } catch {
      /* fall through to lines */
    }
  }
  const out: Record<string, unknown>[] = [];
  for (const line of t.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as unknown;
      if (isObject(v)) out.push(v);
    } catch {
      /* a damaged row is skipped */
    }
  }
  return out;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 4180-ish CSV (quotes, doubled quotes, CRLF); the first row is the header. */
export function csvRows(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let q = false;
  const s = text.replace(/^\ufeff/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === '"' && s[i + 1] === '"') { field += '"'; i++; } else if (c === '"') q = false; else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field); field = '';
      rows.push(row); row = [];
    } else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  const header = rows.shift() ?? [];
  return rows.filter((r) => r.length > 1 || r[0] !== '').map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), r[i] ?? ''])));
}

/** `C:\Users\bob\x` or `\\.\C:\Users\x` → { drive: 'C', parts: ['Users','bob','x'] }. */
export function windowsPath(p: string): { drive: string | null; parts: string[] } {
  let s = p.replace(/\\/g, '/');
  s = s.replace(/^\/\/[.?]\//, '');
  const m = /^([A-Za-z]):(\/|$)/.exec(s);
  const drive = m ? m[1]!.toUpperCase() : null;
  if (m) s = s.slice(2);
  return { drive, parts: splitPath(s).filter((x) => x !== '.' && x !== '..') };
}

export function hostPath(parts: string[]): string {
  return '/' + parts.join('/');
}

/** UTC ISO from a collector's time text; null when empty or unparsable (never guessed). */
export function isoTime(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return new Date(v * 1000).toISOString();
  if (typeof v !== 'string' || !v.trim() || /^0001-01-01/.test(v)) return null;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v.trim()) ? v.trim() : `${v.trim().replace(' ', 'T')}Z`);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

const WIN_3CX: [string, RegExp][] = [
  ['3CX app folder (AppData\\Local\\Programs\\3CXDesktopApp)', /^\/users\/[^/]+\/appdata\/local\/programs\/3cxdesktopapp\//],
  ['3CX per-machine install (Program Files\\3CXDesktopApp)', /^\/program files( \(x86\))?\/3cxdesktopapp\//],
  ['3CX profile data (AppData\\Roaming\\3CXDesktopApp)', /^\/users\/[^/]+\/appdata\/roaming\/3cxdesktopapp\//],
  ['SOFTWARE hive', /^\/windows\/system32\/config\/software$/],
  ['NTUSER.DAT', /^\/users\/[^/]+\/ntuser\.dat$/],
  ['Amcache.hve', /^\/windows\/appcompat\/programs\/amcache\.hve$/],
  ['Prefetch', /^\/windows\/prefetch\/[^/]+\.pf$/],
  ['event logs', /^\/windows\/system32\/winevt\/logs\/[^/]+\.evtx$/],
];
const MAC_3CX: [string, RegExp][] = [
  ['3CX app bundle (/Applications/3CX Desktop App.app)', /^\/applications\/3cx desktop app\.app\//],
  ['3CX data folder (~/Library/Application Support/3CX Desktop App)', /^\/users\/[^/]+\/library\/application support\/3cx desktop app\//],
  ['InstallHistory.plist', /^\/library\/receipts\/installhistory\.plist$/],
];

/** "holds"/"lacks" lines for the 3CX file set, from the host view's file list. */
export function coverageLines(paths: string[], os: OsKind): string[] {
  const lower = paths.map((p) => p.toLowerCase());
  const set = os === 'macos' ? MAC_3CX : os === 'windows' ? WIN_3CX : [...WIN_3CX, ...MAC_3CX];
  const holds = set.filter(([, re]) => lower.some((p) => re.test(p))).map(([n]) => n);
  const lacks = set.filter(([n]) => !holds.includes(n)).map(([n]) => n);
  const out: string[] = [];
  if (holds.length) out.push(`holds: ${holds.join('; ')}`);
  if (lacks.length) out.push(`does not hold: ${lacks.join('; ')}`);
  return out;
}

export { joinPath };

/**
 * Velociraptor offline-collector containers (collection-layouts.md §1): `uploads/<accessor>/
 * <device>/<escaped components>` mapped back to the host's paths, `auto`/`file`/`ntfs`/`lazy_ntfs`/
 * `mft`/live `ntfs_vss` merged into one volume view (first accessor wins), shadow copies as extra
 * views, times from the results rows (never from the ZIP header), host name from client_info.json,
 * and every results row that carries hashes exposed as collector hashes.
 */
import { splitPath, type FileEntry, type Filesystem } from '../../common/vfs.js';
import { OverlayFilesystem } from '../filesystems/overlay.js';
import { hostPath, isObject, isoTime, jsonRows, readText, remap, walkFiles, windowsPath, type CollectorHash, type KnownTimes, type Mapped } from './collection.js';
import { IDX_MAX_BYTES, parseSparseIndex, SPARSE_LAYER, SparseReader } from './vr-sparse.js';

const ACCESSOR_ORDER = ['auto', 'file', 'ntfs', 'lazy_ntfs', 'mft', 'ntfs_vss'];

/** Percent-decode one stored component (`%XX` → byte, then UTF-8); a `%` without two hex digits is dropped. */
export function decodeComponent(c: string): string {
  if (!c.includes('%')) return c;
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < c.length; i++) {
    if (c[i] === '%') {
      const h = c.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(h)) {
        bytes.push(parseInt(h, 16));
        i += 2;
      }
      continue;
    }
    bytes.push(...enc.encode(c[i]!));
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return String.fromCharCode(...bytes);
  }
}

export interface VrVolume { key: string; label: string; windows: boolean }

/** Which volume a decoded device component names: `C:`, `\\.\C:`, a shadow copy, or (Unix) the root. */
export function volumeOf(device: string): { vol: VrVolume; rootPart: string | null } {
  const shadow = /HarddiskVolumeShadowCopy(\d+)/i.exec(device);
  if (shadow) return { vol: { key: `VSS${shadow[1]}`, label: `shadow copy ${shadow[1]}`, windows: true }, rootPart: null };
  const drive = /^(?:\\\\[.?]\\)?([A-Za-z]):\\?$/.exec(device);
  if (drive) return { vol: { key: drive[1]!.toUpperCase(), label: `${drive[1]!.toUpperCase()}:`, windows: true }, rootPart: null };
  return { vol: { key: '/', label: '/', windows: false }, rootPart: device };
}

export function isVelociraptor(names: Set<string>): boolean {
  return names.has('uploads.json') || (names.has('uploads') && (names.has('client_info.json') || names.has('collection_context.json') || names.has('log.json')))
    || (names.has('results') && names.has('collection_context.json'));
}

export interface VrView { key: string; label: string; windows: boolean; fs: OverlayFilesystem }

export interface VrRead {
  hostName: string | null;
  hostNameSource: string | null;
  views: VrView[];
  hashes: Omit<CollectorHash, 'collected'>[];
  notes: string[];
  uploadsListed: number;
}

const HASH_KEYS: Record<string, 'md5' | 'sha1' | 'sha256'> = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sourcefilesha256: 'sha256' };
const PATH_KEYS = ['SourceFile', 'OSPath', 'FullPath', 'Path', 'Filename', 'FileName'];

/** Hashes anywhere in a row (top level, Hash, Hashes, Details.Hashes, Upload). */
function rowHashes(row: Record<string, unknown>): Partial<Record<'md5' | 'sha1' | 'sha256', string>> {
  const out: Partial<Record<'md5' | 'sha1' | 'sha256', string>> = {};
  const take = (o: Record<string, unknown>): void => {
    for (const [k, v] of Object.entries(o)) {
      const kind = HASH_KEYS[k.toLowerCase()];
      if (kind && typeof v === 'string' && /^[0-9a-fA-F]{32,64}$/.test(v) && !out[kind]) out[kind] = v.toLowerCase();
    }
  };
  take(row);
  for (const k of ['Hash', 'Hashes', 'Upload']) if (isObject(row[k])) take(row[k] as Record<string, unknown>);
  if (isObject(row['Details']) && isObject((row['Details'] as Record<string, unknown>)['Hashes'])) take((row['Details'] as Record<string, Record<string, unknown>>)['Hashes']!);
  return out;
}

function rowPath(row: Record<string, unknown>): string | null {
  for (const k of PATH_KEYS) if (typeof row[k] === 'string' && (row[k] as string).length > 1) return row[k] as string;
  return null;
}

/** Host path key for a collector path: Windows drive paths drop the drive; Unix paths stay. */
function hostKey(p: string): { drive: string | null; path: string } {
  const w = windowsPath(p);
  return { drive: w.drive, path: hostPath(w.parts) };
}

export async function readVelociraptor(fs: Filesystem): Promise<VrRead> {
  const notes: string[] = [];
  let hostName: string | null = null;
  let hostNameSource: string | null = null;
  const ci = await readText(fs, '/client_info.json');
  if (ci) {
    try {
      const v = JSON.parse(ci) as Record<string, unknown>;
      const h = v['Hostname'] ?? v['hostname'] ?? v['Fqdn'];
      if (typeof h === 'string' && h) { hostName = h; hostNameSource = 'client_info.json Hostname'; }
    } catch { notes.push('client_info.json is not valid JSON'); }
  }

  // Results rows: times for uploaded files and hashes for every file the collector looked at.
  const times = new Map<string, KnownTimes>();
  const hashes: Omit<CollectorHash, 'collected'>[] = [];
  const resultFiles: FileEntry[] = [];
  // results/ holds the rows; very old containers put `<Artifact>/<Source>.json` at the top level.
  const top = (await fs.readdir('/').catch(() => [])).filter((e) => e.type === 'dir' && e.name !== 'uploads' && (e.name === 'results' || /^[A-Za-z]+\.[A-Za-z.]+$/.test(e.name)));
  for (const d of top) {
    for await (const e of walkFiles(fs, d.path)) {
      if (/\.json$/i.test(e.name)) resultFiles.push(e);
    }
  }
  for (const rf of resultFiles) {
    const text = await readText(fs, rf.path, 256 * 1024 * 1024);
    if (text === null) { notes.push(`${rf.path} was not read (too large or unreadable)`); continue; }
    const rows = jsonRows(text);
    rows.forEach((row, i) => {
      if (!hostName && typeof row['Hostname'] === 'string' && /BasicInformation/i.test(rf.path)) { hostName = row['Hostname'] as string; hostNameSource = `${rf.path.slice(1)} Hostname`; }
      const p = rowPath(row);
      if (!p) return;
      const k = hostKey(p);
      const t: KnownTimes = {};
      const pick = (names: string[]): string | null | undefined => { for (const n of names) if (n in row) return isoTime(row[n]); return undefined; };
      const created = pick(['Created', 'BTime', 'Btime']); const modified = pick(['Modified', 'MTime', 'Mtime']);
      const accessed = pick(['LastAccessed', 'ATime', 'Atime']); const changed = pick(['Changed', 'CTime', 'Ctime']);
      if (created !== undefined) t.created = created;
      if (modified !== undefined) t.modified = modified;
      if (accessed !== undefined) t.accessed = accessed;
      if (changed !== undefined) t.changed = changed;
      if (Object.keys(t).length > 0) times.set(k.path.toLowerCase(), { ...times.get(k.path.toLowerCase()), ...t });
      const h = rowHashes(row);
      if (h.md5 || h.sha1 || h.sha256) hashes.push({ path: k.path, ...h, source: `Velociraptor ${rf.path.slice(1)} row ${i + 1} (${p})` });
    });
  }

  const uploadsText = await readText(fs, '/uploads.json', 256 * 1024 * 1024);
  const uploadsListed = uploadsText ? jsonRows(uploadsText).filter((r) => r['Type'] !== 'idx').length : 0;

  // Uploads: accessor → device → components.
  const byVol = new Map<string, { vol: VrVolume; files: { e: FileEntry; parts: string[]; rank: number }[] }>();
  const idx = new Map<string, FileEntry>();
  for await (const e of walkFiles(fs, '/uploads')) {
    const comps = splitPath(e.path).slice(1);
    if (comps.length < 3) continue;
    const accessor = comps[0]!;
    if (e.name.endsWith('.idx')) { idx.set(e.path.slice(0, -4), e); continue; }
    const device = decodeComponent(comps[1]!);
    const { vol, rootPart } = volumeOf(device);
    const parts = [...(rootPart !== null ? [rootPart] : []), ...comps.slice(2).map(decodeComponent)];
    let rank = ACCESSOR_ORDER.indexOf(accessor);
    if (rank < 0) rank = ACCESSOR_ORDER.length;
    const slot = byVol.get(vol.key) ?? { vol, files: [] };
    slot.files.push({ e, parts, rank });
    byVol.set(vol.key, slot);
  }
  const sparse = await sparseUploads(fs, idx, notes);
  const views: VrView[] = [];
  const order = [...byVol.values()].sort((a, b) => rank(a.vol) - rank(b.vol));
  for (const { vol, files } of order) {
    files.sort((a, b) => a.rank - b.rank);
    const partsOf = new Map(files.map((f) => [f.e.path, f.parts]));
    const fsView = await remap(fs, files.map((f) => f.e), (e) => {
      const parts = partsOf.get(e.path)!;
      return { parts, times: times.get(hostPath(parts).toLowerCase()), content: sparse.get(e.path) };
    }, { kind: 'velociraptor', foldCase: vol.windows, baseLayers: fs.layersFor('/'), timeBasis: 'local-no-zone' });
    views.push({ key: vol.key, label: vol.label, windows: vol.windows, fs: fsView });
  }
  return { hostName, hostNameSource, views, hashes, notes, uploadsListed };
}

/**
 * Sparse uploads re-expanded to their original size (vr-sparse.ts). The citation gains a `vr-sparse`
 * layer naming the .idx member, so a hash worker re-expands the same way from the EvidenceRef.
 * A map that does not parse leaves the stored runs as they are, with a note.
 */
async function sparseUploads(fs: Filesystem, idx: Map<string, FileEntry>, notes: string[]): Promise<Map<string, Mapped['content']>> {
  const out = new Map<string, Mapped['content']>();
  let bad = 0;
  for (const [dataPath, ie] of idx) {
    const data = await fs.stat(dataPath).catch(() => null);
    if (!data || data.type !== 'file') continue;
    try {
      const text = await readText(fs, ie.path, IDX_MAX_BYTES);
      if (text === null) throw new Error(`${ie.path} could not be read`);
      const map = parseSparseIndex(text, data.size, ie.path);
      const idxLayer = fs.layersFor(ie.path).at(-1)!;
      out.set(dataPath, {
        size: map.size,
        open: async () => new SparseReader(await fs.open(dataPath), map),
        layers: [...fs.layersFor(dataPath), { kind: SPARSE_LAYER, locator: idxLayer.locator, ...(idxLayer.offset !== undefined ? { offset: idxLayer.offset } : {}) }],
      });
    } catch (err) {
      bad++;
      notes.push(`sparse upload ${dataPath}: its .idx map is unusable (${(err as Error).message}); the stored runs are shown as they are`);
    }
  }
  if (out.size > 0) notes.push(`${out.size} sparse upload(s) re-expanded to their original size from .idx maps (holes read as zeros)`);
  if (bad > 0 && out.size === 0) notes.push(`${bad} sparse upload(s) could not be re-expanded`);
  return out;
}

function rank(v: VrVolume): number {
  if (v.key === 'C') return 0;
  if (v.key === '/') return 1;
  if (v.key.startsWith('VSS')) return 100 + Number(v.key.slice(3));
  return 10 + v.key.charCodeAt(0);
}

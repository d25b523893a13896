/**
 * KAPE target output (collection-layouts.md §2) and the drive-letter layout CyLR shares: `C/...`
 * is the C: volume, `VSS<n>/...` a shadow copy (an extra view, never merged), `*_CopyLog.csv`
 * gives each copy's source path, SHA-1 and original UTC times (the copies themselves carry copy-time
 * timestamps), and `LongFileNames/` holds files whose paths were too long.
 */
import type { Layer } from '../../common/evidence-ref.js';
import { splitPath, type FileEntry, type Filesystem } from '../../common/vfs.js';
import type { OverlayFilesystem, TimeBasis } from '../filesystems/overlay.js';
import { subdirLayer } from './subdir.js';
import type { Reader } from '../../io/reader.js';
import { csvRows, hostPath, isoTime, readText, remap, walkFiles, windowsPath, type CollectorHash, type KnownTimes } from './collection.js';

export interface DriveView { key: string; label: string; fs: OverlayFilesystem }

const DRIVE = /^[A-Za-z]$/;
const VSS = /^VSS(\d+)$/i;

export function hasDriveFolders(names: string[]): boolean {
  return names.some((n) => DRIVE.test(n));
}

export function isKape(names: string[]): boolean {
  return names.some((n) => /_CopyLog\.csv$/i.test(n)) || (hasDriveFolders(names) && names.some((n) => VSS.test(n)));
}

/** One view per drive folder (`C`, `D`) and per `VSS<n>` folder; times from `times` when known. */
export async function driveViews(fs: Filesystem, kind: string, times: Map<string, KnownTimes>, timeBasis: TimeBasis): Promise<DriveView[]> {
  const out: DriveView[] = [];
  const top = (await fs.readdir('/')).filter((e) => e.type === 'dir' && (DRIVE.test(e.name) || VSS.test(e.name)));
  top.sort((a, b) => order(a.name) - order(b.name));
  for (const d of top) {
    const files: FileEntry[] = [];
    for await (const e of walkFiles(fs, d.path)) files.push(e);
    const key = d.name.toUpperCase();
    const view = await remap(fs, files, (e) => {
      const parts = splitPath(e.path).slice(1);
      return { parts, times: times.get(`${key}|${hostPath(parts).toLowerCase()}`), content: pathBound(fs, e, d.path) };
    }, { kind, foldCase: true, baseLayers: fs.layersFor('/'), timeBasis });
    out.push({ key, label: VSS.test(key) ? `shadow copy ${VSS.exec(key)![1]}` : `${key}:`, fs: view });
  }
  return out;
}

/**
 * On a volume (a KAPE VHDX) a file's layers do not name it: the ref's path does, and the ref carries
 * the host path (`/Users/...`), not the volume's (`/C/Users/...`). A `subdir` layer records the
 * drive folder so the ref still re-opens the same bytes. Archive members name themselves already.
 */
function pathBound(fs: Filesystem, e: FileEntry, dir: string): { size: number; open: () => Promise<Reader>; layers: Layer[] } | undefined {
  const own = fs.layersFor(e.path);
  if (!sameLayers(own, fs.layersFor('/'))) return undefined;
  return { size: e.size, open: () => fs.open(e.path) as Promise<Reader>, layers: [...own, subdirLayer(dir)] };
}

function sameLayers(a: Layer[], b: Layer[]): boolean {
  return a.length === b.length && a.every((l, i) => l.kind === b[i]!.kind && l.locator === b[i]!.locator && l.offset === b[i]!.offset);
}

function order(name: string): number {
  const n = name.toUpperCase();
  if (n === 'C') return 0;
  if (VSS.test(n)) return 100 + Number(VSS.exec(n)![1]);
  return n.charCodeAt(0);
}

export interface KapeRead {
  views: DriveView[];
  hashes: Omit<CollectorHash, 'collected'>[];
  notes: string[];
}

/** A copy log and the file system it lies in (beside a VHDX in its ZIP rather than inside it). */
export interface CopyLog { fs: Filesystem; entry: FileEntry }

export function copyLogsIn(fs: Filesystem, root: FileEntry[]): CopyLog[] {
  return root.filter((e) => e.type === 'file' && /_CopyLog\.csv$/i.test(e.name)).map((entry) => ({ fs, entry }));
}

/** `outside`: copy logs found next to the container, used when the tree itself holds none. */
export async function readKape(fs: Filesystem, outside: CopyLog[] = []): Promise<KapeRead> {
  const notes: string[] = [];
  const times = new Map<string, KnownTimes>();
  const hashes: Omit<CollectorHash, 'collected'>[] = [];
  const root = await fs.readdir('/');
  const inside = copyLogsIn(fs, root);
  for (const { fs: logFs, entry: log } of inside.length > 0 ? inside : outside) {
    const text = await readText(logFs, log.path, 512 * 1024 * 1024);
    if (text === null) { notes.push(`${log.name} was not read (too large or unreadable)`); continue; }
    csvRows(text).forEach((row, i) => {
      const src = row['SourceFile'];
      if (!src) return;
      // Shadow-copy sources are written with a VSS<n> base instead of a drive letter.
      const vss = /^VSS(\d+)[\\/]/i.exec(src);
      const w = windowsPath(vss ? src.slice(vss[0].length) : src);
      const key = vss ? `VSS${vss[1]}` : w.drive ?? 'C';
      const path = hostPath(w.parts);
      // No change-time column: the copy's own (its MFT change, in a VHDX) would be the copy time.
      const t: KnownTimes = { created: isoTime(row['CreatedOnUtc']), modified: isoTime(row['ModifiedOnUtc']), accessed: isoTime(row['LastAccessedOnUtc']), changed: null };
      times.set(`${key}|${path.toLowerCase()}`, t);
      const sha1 = row['SourceFileSha1']?.trim().toLowerCase();
      if (sha1 && /^[0-9a-f]{40}$/.test(sha1) && !vss) hashes.push({ path, sha1, source: `KAPE ${log.name} row ${i + 2} (${src})` });
    });
  }
  if (times.size === 0) notes.push('no KAPE copy log: file times are the copies\' (copy time), not the originals\'');
  if (root.some((e) => e.name === 'LongFileNames')) notes.push('LongFileNames/ holds files whose paths were too long; their original paths are in the copy log');
  if (inside.length === 0 && outside.length > 0) notes.push(`copy log read from beside the container: ${outside.map((l) => l.entry.name).join(', ')}`);
  const views = await driveViews(fs, 'kape', times, 'utc');
  return { views, hashes, notes };
}

/**
 * Jamf Aftermath (collection-layouts.md §5): one `Aftermath_<serial>/` folder. Copied files are
 * flattened into module folders; `metadata.csv` lists each copy's original path and UTC times
 * (commas in paths replaced by spaces, no quoting), so copies are mapped back by file name when
 * exactly one original path carries that name. Unmatched copies stay out of the host view.
 */
import { baseName, type FileEntry, type Filesystem } from '../../common/vfs.js';
import type { OverlayFilesystem } from '../filesystems/overlay.js';
import { isoTime, readText, remap, walkFiles, type KnownTimes } from './collection.js';
import { splitPath as splitHost } from '../../common/vfs.js';

export function isAftermath(names: string[]): boolean {
  return names.includes('aftermath.log') && names.includes('metadata.csv');
}

export interface AftermathRead { root: OverlayFilesystem; mapped: number; unmatched: number; notes: string[] }

export async function readAftermath(fs: Filesystem): Promise<AftermathRead> {
  const text = (await readText(fs, '/metadata.csv', 256 * 1024 * 1024)) ?? '';
  const lines = text.split(/\r?\n/);
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim().toLowerCase());
  const col = (n: string): number => header.indexOf(n);
  const byName = new Map<string, { path: string; times: KnownTimes }[]>();
  for (const line of lines) {
    const f = line.split(',');
    const path = f[col('path')]?.trim();
    if (!path || !path.startsWith('/')) continue;
    const times: KnownTimes = { created: isoTime(f[col('birth')]), modified: isoTime(f[col('modified')]), accessed: isoTime(f[col('accessed')]) };
    const list = byName.get(baseName(path)) ?? [];
    list.push({ path, times });
    byName.set(baseName(path), list);
  }
  const files: FileEntry[] = [];
  for await (const e of walkFiles(fs, '/')) files.push(e);
  let mapped = 0;
  let unmatched = 0;
  const root = await remap(fs, files, (e) => {
    const rows = byName.get(e.name);
    if (rows?.length === 1) {
      mapped++;
      return { parts: splitHost(rows[0]!.path), times: rows[0]!.times };
    }
    if (e.path.startsWith('/FileSystem/raw/')) unmatched++;
    return { parts: null };
  }, { kind: 'aftermath', foldCase: false, baseLayers: fs.layersFor('/') });
  const notes = ['Aftermath copies folders only with --collect-dirs, flattened by file name (later files with the same name are dropped): app bundles lose their structure'];
  if (unmatched) notes.push(`${unmatched} copied file(s) under FileSystem/raw could not be matched to one original path in metadata.csv`);
  return { root, mapped, unmatched, notes };
}

/**
 * A KAPE container (`--vhdx`/`--vhd`, collection-layouts.md §2.3): the disk holds one NTFS volume
 * whose root is KAPE's tdest tree — `C/...` (and `VSS<n>/...`) plus the `*_CopyLog.csv` — rather
 * than a Windows volume. Such a volume is read with the KAPE layout (copy-log SHA-1s and original
 * UTC times, shadow-copy folders as extra views) and becomes one host with layout `kape`.
 *
 * Detected from content: a copy log at the root, or a drive-letter folder holding `Windows` or
 * `Users` (a lone letter folder on a data disk is not enough). The layout code is loaded only when
 * a volume qualifies, so opening an ordinary image does not pay for it.
 */
import type { FileEntry, Filesystem } from '../../common/vfs.js';
import type { OpenedHost } from '../open.js';
import { copyLogsIn, type CopyLog } from './kape.js';
import type { VolumeFs } from './volume-fs.js';

const DRIVE = /^[A-Za-z]$/;

export async function looksLikeKapeVolume(fs: Filesystem): Promise<boolean> {
  let root: FileEntry[];
  try {
    root = await fs.readdir('/');
  } catch {
    return false;
  }
  if (copyLogsIn(fs, root).length > 0) return true;
  for (const d of root.filter((e) => e.type === 'dir' && DRIVE.test(e.name))) {
    const inner = await fs.readdir(d.path).catch(() => [] as FileEntry[]);
    if (inner.some((e) => e.type === 'dir' && /^(windows|users)$/i.test(e.name))) return true;
  }
  return false;
}

/** Hosts for the KAPE volumes among `fss` (none when no volume is one). `logs`: copy logs found beside the container. */
export async function kapeVolumeHosts(fss: readonly VolumeFs[], errors: { path: string; message: string }[], logs: CopyLog[] = []): Promise<OpenedHost[]> {
  const out: OpenedHost[] = [];
  for (const f of fss) {
    if (!(await looksLikeKapeVolume(f.fs))) continue;
    const { kapeHost } = await import('./layouts.js');
    try {
      const h = await kapeHost(f.fs, null, logs);
      if (h) out.push({ ...h, notes: [`KAPE container volume ${f.label}`, ...h.notes] });
    } catch (e) {
      errors.push({ path: '/', message: `volume ${f.label}: KAPE layout unreadable: ${(e as Error).message}` });
    }
  }
  return out;
}

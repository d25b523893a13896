/**
 * A quick look at one collection archive of a collection folder: which collector wrote it and the
 * host name it records, from the archive's listing and at most two small metadata members — not
 * the copy logs, results or bodyfiles a full read parses, and not the path index of every file.
 * The folder needs this for all its archives before the first host is scanned (host count, names,
 * the item's layout); the full read happens later, one archive at a time (collection-folder.ts).
 *
 * The rules mirror openCollection's (layouts.ts) for the layouts whose host count (one) and name
 * can be told this way; anything else (a protected Velociraptor container, nested collections, a
 * KAPE VHDX, a plain tree, a Velociraptor collection whose name is only in its results) answers
 * null and the caller reads the archive in full. The full read stays authoritative: a host's
 * scan names it from the full read.
 */
import type { FileEntry, Filesystem } from '../../common/vfs.js';
import { isAftermath } from './aftermath.js';
import { readText, type Layout } from './collection.js';
import { isCylr } from './cylr.js';
import { hasDriveFolders, isKape } from './kape.js';
import { isUac } from './uac.js';
import { isVelociraptor } from './velociraptor.js';

/** As layouts.ts: names that mean a host tree at the top, not a collector's drive folders. */
const HOST_MARKERS = /^(windows|users|program files|programdata|applications|library|system|private|etc|home|var|appdata|ntuser\.dat)$/i;
/** As layouts.ts's results-only Velociraptor container: `<Artifact>/<Source>.json` folders at the top. */
const VR_RESULTS_DIR = /^[A-Z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$/;
/** KAPE's drive-letter and shadow-copy folders (kape.ts driveViews). */
const DRIVE_OR_VSS = /^([A-Za-z]|VSS\d+)$/i;

export interface QuickProbe {
  layout: Layout;
  label: string | null;
}

/** Layout and host label of a one-host collection at the root of `fs`, or null when only a full read can tell. */
export async function quickProbe(fs: Filesystem, fallbackLabel: string | null): Promise<QuickProbe | null> {
  const root = await fs.readdir('/').catch(() => [] as FileEntry[]);
  const names = root.map((e) => e.name);
  const set = new Set(names);
  if (set.has('data.zip') && root.filter((e) => e.type === 'file').every((e) => e.name === 'data.zip' || e.name === 'metadata.json')) return null;
  if (isVelociraptor(set) || (root.length > 0 && root.every((e) => e.type === 'dir' && VR_RESULTS_DIR.test(e.name)))) {
    const label = velociraptorName(await readText(fs, '/client_info.json'));
    return label ? { layout: 'velociraptor', label } : null;
  }
  if (isUac(names)) {
    for (const p of ['/live_response/system/hostname.txt', '/live_response/network/hostname.txt']) {
      const t = await readText(fs, p, 4096);
      if (t?.trim()) return { layout: 'uac', label: t.trim().split('\n')[0]!.trim() };
    }
    return { layout: 'uac', label: fallbackLabel };
  }
  if (isAftermath(names)) return { layout: 'aftermath', label: fallbackLabel };
  if (isCylr(names)) return { layout: 'cylr', label: fallbackLabel };
  const kape = isKape(names) || (hasDriveFolders(names) && !names.some((n) => HOST_MARKERS.test(n)));
  if (kape && root.some((e) => e.type === 'dir' && DRIVE_OR_VSS.test(e.name))) return { layout: 'kape', label: fallbackLabel };
  return null;
}

/** client_info.json's host name, as readVelociraptor takes it. */
function velociraptorName(text: string | null): string | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    const h = v['Hostname'] ?? v['hostname'] ?? v['Fqdn'];
    return typeof h === 'string' && h ? h : null;
  } catch {
    return null;
  }
}

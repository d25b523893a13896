/**
 * ShimCache (AppCompatCache) in the SYSTEM hive: entries naming 3CX binaries and installers,
 * with their recorded last-modified time and cache position. On Windows 10+ an entry proves the
 * file was present at that path, not that it ran.
 */
import { issueFromError } from '../../common/issues.js';
import type { Target } from '../../common/vfs.js';
import { parseShimCache } from '../../formats/shimcache/index.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { SYSTEM_HIVE } from './registry-host.js';
import { currentControlSet, emitRecord, openTargetHive } from './registry-open.js';

const ID = 'windows.shimcache';
const VERSION = '1';
const PARSER = { id: ID, version: VERSION };

export function isShimRelevant(path: string): boolean {
  return /\\3CXDesktopApp\\|\\3CXDesktopApp[^\\]*\.(exe|msi)$/i.test(path);
}

export const windowsShimCache: ArtefactPlugin = {
  id: ID,
  version: VERSION,
  compatible: (t: Target) => t.os === 'windows' && t.shape === 'windows-system',
  async run(ctx: PluginContext): Promise<void> {
    const h = await openTargetHive(ctx, SYSTEM_HIVE, PARSER);
    if (!h) return;
    try {
      const cs = await currentControlSet(h.hive);
      const key = await h.hive.key(`${cs}\\Control\\Session Manager\\AppCompatCache`);
      const v = key ? await key.value('AppCompatCache') : null;
      if (!key || !v || !(v.data instanceof Uint8Array)) return;
      const at = `${key.path}\\AppCompatCache`;
      let cache;
      try {
        cache = parseShimCache(v.data);
      } catch (err) {
        ctx.issue(issueFromError(err, `${ID}@${VERSION}`, h.ref(at, v.offset)));
        return;
      }
      for (const e of cache.entries) {
        if (!isShimRelevant(e.path)) continue;
        const ref = { ...h.ref(at, v.offset), within: { key: at, offset: v.offset + 4096, recordId: e.position } };
        emitRecord(ctx, { type: 'shimcache', format: cache.format, path: e.path, lastModified: e.lastModified, position: e.position, insertFlags: e.insertFlags, controlSet: cs, hive: h.source, ref });
      }
    } finally {
      await h.close();
    }
  },
};

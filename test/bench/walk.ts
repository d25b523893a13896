/**
 * Recursive listing of a Filesystem with several directories in flight, for the bench entries.
 * Directory order is kept in the output (sorted per directory) so runs are comparable.
 */
import type { FileEntry, Filesystem } from '../../electron/common/vfs.js';
import { LIMITS } from '../../electron/common/limits.js';

export async function listFiles(fs: Filesystem, root = '/', concurrency = 8): Promise<FileEntry[]> {
  const files: FileEntry[] = [];
  const pending: { path: string; depth: number }[] = [{ path: root, depth: 0 }];
  let active = 0;
  await new Promise<void>((resolve, reject) => {
    const next = (): void => {
      if (pending.length === 0 && active === 0) return resolve();
      while (active < concurrency && pending.length > 0) {
        const dir = pending.shift()!;
        active++;
        fs.readdir(dir.path).then((entries) => {
          for (const e of entries) {
            if (e.type === 'file') files.push(e);
            else if (e.type === 'dir' && dir.depth < LIMITS.walkMaxDepth) pending.push({ path: e.path, depth: dir.depth + 1 });
          }
          active--;
          next();
        }, reject);
      }
    };
    next();
  });
  return files;
}

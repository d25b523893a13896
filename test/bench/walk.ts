/**
 * Recursive listing of a Filesystem with several directories in flight, for the bench entries.
 * Directory order is kept in the output (sorted per directory) so runs are comparable.
 */
import type { FileEntry, Filesystem } from '../../electron/common/vfs.js';
import { LIMITS } from '../../electron/common/limits.js';

/** Lists every regular file; `onFiles` (if given) sees each directory's files as soon as they are listed. */
export async function listFiles(fs: Filesystem, root = '/', concurrency = 8, onFiles?: (files: FileEntry[]) => void): Promise<FileEntry[]> {
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
          const here: FileEntry[] = [];
          for (const e of entries) {
            if (e.type === 'file') here.push(e);
            else if (e.type === 'dir' && dir.depth < LIMITS.walkMaxDepth) pending.push({ path: e.path, depth: dir.depth + 1 });
          }
          files.push(...here);
          if (here.length > 0) onFiles?.(here);
          active--;
          next();
        }, reject);
      }
    };
    next();
  });
  return files;
}

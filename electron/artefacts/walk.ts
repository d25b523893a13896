/** Bounded recursive listing for plugins: depth and entry caps, no link following, issues recorded. */
import { LIMITS } from '../common/limits.js';
import { issueFromError } from '../common/issues.js';
import type { FileEntry } from '../common/vfs.js';
import type { PluginContext } from './plugin.js';

export async function walkFiles(
  ctx: PluginContext,
  root: FileEntry,
  opts: { maxDepth?: number; maxEntries?: number; parser: string },
): Promise<FileEntry[]> {
  const maxDepth = opts.maxDepth ?? LIMITS.walkMaxDepth;
  const maxEntries = opts.maxEntries ?? 100_000;
  const out: FileEntry[] = [];
  const stack: { entry: FileEntry; depth: number }[] = [{ entry: root, depth: 0 }];
  while (stack.length > 0 && out.length < maxEntries) {
    ctx.signal?.throwIfAborted();
    const { entry, depth } = stack.pop()!;
    let children: FileEntry[];
    try {
      children = await ctx.target.fs.readdir(entry.path);
    } catch (err) {
      ctx.issue(issueFromError(err, opts.parser, ctx.target.ref(entry.path)));
      continue;
    }
    for (const c of children) {
      if (c.type === 'dir') {
        out.push(c);
        if (depth + 1 < maxDepth) stack.push({ entry: c, depth: depth + 1 });
        else ctx.issue({ severity: 'warning', code: 'limit-exceeded', message: `not descending below depth ${maxDepth}`, parser: opts.parser, evidence: ctx.target.ref(c.path), recovered: true });
      } else {
        out.push(c);
      }
      if (out.length >= maxEntries) {
        ctx.issue({ severity: 'warning', code: 'limit-exceeded', message: `stopped listing after ${maxEntries} entries`, parser: opts.parser, evidence: ctx.target.ref(root.path), recovered: true });
        break;
      }
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

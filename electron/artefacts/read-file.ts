/** Small helpers plugins share for reading files through the Target with caps. */
import { issueFromError } from '../common/issues.js';
import type { FileEntry } from '../common/vfs.js';
import type { Reader } from '../io/reader.js';
import type { PluginContext } from './plugin.js';

/** Read a whole small file, or null (with an issue) when it is too big or unreadable. */
export async function readSmallFile(ctx: PluginContext, entry: FileEntry, maxBytes: number, parser: string): Promise<Uint8Array | null> {
  if (entry.size > maxBytes) {
    ctx.issue({ severity: 'warning', code: 'limit-exceeded', message: `${entry.size} bytes is over the ${maxBytes}-byte cap for this artefact`, parser, evidence: ctx.target.ref(entry.path), recovered: true });
    return null;
  }
  try {
    return await withReader(ctx, entry, (r) => r.read(0, entry.size));
  } catch (err) {
    ctx.issue(issueFromError(err, parser, ctx.target.ref(entry.path)));
    return null;
  }
}

export async function withReader<T>(ctx: PluginContext, entry: FileEntry, fn: (r: Reader) => Promise<T>): Promise<T> {
  const r = (await ctx.target.fs.open(entry.path)) as Reader;
  try {
    return await fn(r);
  } finally {
    await r.close();
  }
}

export { earliestTime as fileTime } from '../common/vfs.js';

/** The entries of a directory resolved through the target; absent → empty, unreadable → an issue. */
export async function listDir(ctx: PluginContext, path: string, parser: string): Promise<FileEntry[]> {
  const e = await ctx.target.resolve(path);
  if (e?.type !== 'dir') return [];
  try {
    return await ctx.target.fs.readdir(e.path);
  } catch (err) {
    ctx.issue(issueFromError(err, parser, ctx.target.ref(e.path)));
    return [];
  }
}

/** Shared by the Windows and macOS app-data plugins: list the folder, read config and small logs. */
import { LIMITS } from '../common/limits.js';
import type { FileEntry } from '../common/vfs.js';
import type { PluginContext } from './plugin.js';
import { readSmallFile } from './read-file.js';
import type { Platform } from './records.js';
import { walkFiles } from './walk.js';

const TEXT = /\.(log|json|txt)$/i;
const MAX_TEXT_FILES = 200;
const MAX_TEXT_BYTES = 2 * 1024 * 1024;

export async function collectAppData(ctx: PluginContext, platform: Platform, user: string, path: string, parser: string): Promise<FileEntry[]> {
  const dir = await ctx.target.resolve(path);
  if (dir?.type !== 'dir') return [];
  const files = await walkFiles(ctx, dir, { maxDepth: 4, maxEntries: 5000, parser });
  let pbxUrl: string | null = null;
  let texts = 0;
  for (const e of files) {
    if (e.type !== 'file' || !TEXT.test(e.name) || texts >= MAX_TEXT_FILES) continue;
    const bytes = await readSmallFile(ctx, e, Math.min(MAX_TEXT_BYTES, LIMITS.smallFileMaxBytes), parser);
    if (!bytes) continue;
    texts++;
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    if (e.name.toLowerCase() === 'config.json' && pbxUrl === null) pbxUrl = pbxFromConfig(text);
    ctx.emit({ type: 'text-sample', user, ref: ctx.target.ref(e.path), text });
  }
  const sessionLock = files.find((f) => f.name === '.session-lock') ?? null;
  ctx.emit({ type: 'app-data', platform, user, entry: dir, ref: ctx.target.ref(dir.path), files: files.map((f) => f.path), sessionLock, pbxUrl });
  return files;
}

function pbxFromConfig(text: string): string | null {
  try {
    const j = JSON.parse(text) as unknown;
    const seen = new Set<unknown>();
    const find = (v: unknown, depth: number): string | null => {
      if (depth > 8 || v === null || typeof v !== 'object' || seen.has(v)) return null;
      seen.add(v);
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (typeof x === 'string' && /^(url|pbxurl|provisioningurl)$/i.test(k) && /^https?:\/\//i.test(x)) return x;
        const r = find(x, depth + 1);
        if (r) return r;
      }
      return null;
    };
    return find(j, 0);
  } catch {
    return /"url"\s*:\s*"(https?:\/\/[^"]{1,300})"/i.exec(text)?.[1] ?? null;
  }
}

/**
 * UAC output (collection-layouts.md §4): collected files under `[root]/` with their source paths,
 * `bodyfile/bodyfile.txt` (TSK 3.x: `MD5|name|inode|mode|uid|gid|size|atime|mtime|ctime|crtime`,
 * epoch seconds, UTC) for times of every file on the host, and `hash_executables/*` (MD5/SHA-1 by
 * default, GNU `hash  path` or BSD `MD5 (path) = hash` lines) for executables that were not copied.
 */
import { splitPath, type FileEntry, type Filesystem } from '../../common/vfs.js';
import type { OverlayFilesystem } from '../filesystems/overlay.js';
import { readText, remap, walkFiles, type CollectorHash, type KnownTimes } from './collection.js';

export function isUac(names: string[]): boolean {
  return names.includes('uac.log') || names.includes('[root]');
}

const epoch = (v: string | undefined): string | null => {
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString() : null;
};

/** bodyfile rows → times by path (the name field may itself hold `|`, so fields are taken from both ends). */
export function parseBodyfile(text: string): Map<string, KnownTimes & { size: number }> {
  const out = new Map<string, KnownTimes & { size: number }>();
  for (const line of text.split('\n')) {
    const f = line.replace(/\r$/, '').split('|');
    if (f.length < 11) continue;
    const tail = f.slice(-9);
    let name = f.slice(1, f.length - 9).join('|').replace(/^'|'$/g, '');
    const arrow = name.indexOf(' -> ');
    if (arrow > 0) name = name.slice(0, arrow).replace(/^'|'$/g, '');
    if (!name.startsWith('/')) continue;
    // tail: inode, mode, uid, gid, size, atime, mtime, ctime, crtime
    out.set(name, { size: Number(tail[4]) || 0, accessed: epoch(tail[5]), modified: epoch(tail[6]), changed: epoch(tail[7]), created: epoch(tail[8]) });
  }
  return out;
}

/** `hash  path`, `hash *path` or `MD5 (path) = hash` lines. */
export function parseHashList(text: string, source: string): Omit<CollectorHash, 'collected'>[] {
  const out: Omit<CollectorHash, 'collected'>[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    let hash: string | undefined;
    let path: string | undefined;
    const bsd = /^(MD5|SHA1|SHA256) \((.*)\) = ([0-9a-fA-F]+)$/.exec(line);
    const gnu = /^([0-9a-fA-F]{32,64}) [ *](.+)$/.exec(line);
    if (bsd) { path = bsd[2]; hash = bsd[3]; } else if (gnu) { hash = gnu[1]; path = gnu[2]; }
    if (!hash || !path || !path.startsWith('/')) return;
    const h = hash.toLowerCase();
    const kind = h.length === 32 ? 'md5' : h.length === 40 ? 'sha1' : h.length === 64 ? 'sha256' : null;
    if (kind) out.push({ path, [kind]: h, source: `UAC ${source} line ${i + 1}` });
  });
  return out;
}

export interface UacRead { root: OverlayFilesystem; hashes: Omit<CollectorHash, 'collected'>[]; bodyfileEntries: number; notes: string[]; hostName: string | null }

export async function readUac(fs: Filesystem): Promise<UacRead> {
  const notes: string[] = [];
  const body = await readText(fs, '/bodyfile/bodyfile.txt', 1024 * 1024 * 1024);
  const times = body ? parseBodyfile(body) : new Map<string, KnownTimes & { size: number }>();
  if (!body) notes.push('no bodyfile: times are those the tar recorded');
  const hashes: Omit<CollectorHash, 'collected'>[] = [];
  for (const dir of ['/hash_executables', '/']) {
    for (const e of await fs.readdir(dir).catch(() => [] as FileEntry[])) {
      if (e.type !== 'file' || !/^hash_(executables|list)\.(md5|sha1|sha256)$/i.test(e.name)) continue;
      const t = await readText(fs, e.path, 512 * 1024 * 1024);
      if (t) hashes.push(...parseHashList(t, e.path.slice(1)));
    }
  }
  if (!hashes.some((h) => h.sha256)) notes.push('UAC hashed with MD5/SHA-1 only (its default): SHA-256-only indicators cannot be matched against its lists');
  const files: FileEntry[] = [];
  for await (const e of walkFiles(fs, '/[root]')) files.push(e);
  const root = await remap(fs, files, (e) => {
    const parts = splitPath(e.path).slice(1);
    const t = times.get('/' + parts.join('/'));
    return { parts, times: t ? { created: t.created ?? null, modified: t.modified ?? null, accessed: t.accessed ?? null, changed: t.changed ?? null } : undefined };
  }, { kind: 'uac', foldCase: false, baseLayers: fs.layersFor('/') });
  let hostName: string | null = null;
  for (const p of ['/live_response/system/hostname.txt', '/live_response/network/hostname.txt']) {
    const t = await readText(fs, p, 4096);
    if (t?.trim()) { hostName = t.trim().split('\n')[0]!.trim(); break; }
  }
  return { root, hashes, bodyfileEntries: times.size, notes, hostName };
}

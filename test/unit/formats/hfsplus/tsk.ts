/** The Sleuth Kit as an independent reader of HFS+ images: `fls -r -p` listings and `icat` contents. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HfsPlusFilesystem } from '../../../../electron/evidence/filesystems/hfsplus.js';

export function haveTool(name: string): boolean {
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface TskEntry { type: 'file' | 'dir' | 'link' | 'other'; inode: number; path: string }

/** TSK's own metadata entries at the root, which are not catalog entries. */
const TSK_META = new Set(['$ExtentsFile', '$CatalogFile', '$BadBlockFile', '$AllocationFile', '$AttributesFile', '$StartupFile']);

export function parseFls(text: string): TskEntry[] {
  const out: TskEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^(.)\/(.) (\* )?(\d+)(?:-\d+-\d+)?:\t(.*)$/.exec(line);
    if (!m || TSK_META.has(m[5]!)) continue;
    const t = m[1] === 'r' ? 'file' : m[1] === 'd' ? 'dir' : m[1] === 'l' ? 'link' : 'other';
    out.push({ type: t, inode: Number(m[4]), path: '/' + m[5]! });
  }
  return out;
}

export function fls(image: string, sectorOffset = 0): TskEntry[] {
  return parseFls(execFileSync('fls', ['-r', '-p', '-o', String(sectorOffset), image], { encoding: 'utf8', maxBuffer: 64 << 20 }));
}

export function icatSha(image: string, inode: number, sectorOffset = 0): { sha: string; size: number } {
  const b = execFileSync('icat', ['-o', String(sectorOffset), image, String(inode)], { maxBuffer: 256 << 20 });
  return { sha: createHash('sha256').update(b).digest('hex'), size: b.length };
}

/** Every entry of our reader, walked from the root (paths, types, ids, sizes). */
export async function walkAll(fs: HfsPlusFilesystem): Promise<{ path: string; type: string; id: string; size: number }[]> {
  const out: { path: string; type: string; id: string; size: number }[] = [];
  const go = async (dir: string, depth: number): Promise<void> => {
    if (depth > 64) throw new Error(`walk too deep at ${dir}`);
    for (const e of await fs.readdir(dir)) {
      out.push({ path: e.path, type: e.type, id: e.id ?? '', size: e.size });
      if (e.type === 'dir') await go(e.path, depth + 1);
    }
  };
  await go('/', 0);
  return out;
}

export async function readSha(fs: HfsPlusFilesystem, path: string): Promise<{ sha: string; size: number }> {
  const r = await fs.open(path);
  const h = createHash('sha256');
  let n = 0;
  for (let o = 0; o < r.size; o += 1 << 20) {
    const b = await r.read(o, 1 << 20);
    h.update(b);
    n += b.length;
  }
  await r.close();
  return { sha: h.digest('hex'), size: n };
}

/** A repository file found by walking up from the compiled test (out/ layouts differ). */
export function findUp(rel: string): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(d, rel))) return join(d, rel);
    if (dirname(d) === d) throw new Error(`${rel} not found above ${import.meta.url}`);
    d = dirname(d);
  }
}

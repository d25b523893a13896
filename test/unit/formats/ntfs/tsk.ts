/**
 * The Sleuth Kit as an oracle: `fls -r -p -l` listings and `icat` bytes, and the same listing
 * built from our NtfsFilesystem, in one line format so the two can be compared as sorted lists.
 * Line format: `d[*] path` for directories, `r[*] path[:stream]\tsize` for data streams and
 * `r[*] path:index` for named indexes (sizes of index roots are not comparable).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { NtfsFilesystem } from '../../../../electron/evidence/filesystems/ntfs.js';
import { forEachChunk } from '../../../../electron/io/reader.js';

export function haveTsk(): boolean {
  return spawnSync('fls', ['-V']).status === 0 && spawnSync('icat', ['-V']).status === 0;
}

export interface FlsLine {
  readonly line: string;
  readonly path: string;
  /** `entry-type-id` for icat; null for virtual entries. */
  readonly addr: string | null;
  readonly isData: boolean;
  readonly deleted: boolean;
}

export function fls(image: string, offsetSectors: number): FlsLine[] {
  const out = execFileSync('fls', ['-r', '-p', '-l', '-o', String(offsetSectors), image], { maxBuffer: 512 * 1024 * 1024 }).toString('utf8');
  const lines: FlsLine[] = [];
  for (const raw of out.split('\n')) {
    if (!raw.trim()) continue;
    const tab = raw.indexOf(':\t');
    const head = raw.slice(0, tab);
    const fields = raw.slice(tab + 2).split('\t');
    const path = fields[0]!;
    const size = fields[fields.length - 3];
    const type = head.split(' ')[0]!;
    const deleted = head.includes('*');
    const addrText = head.split(' ').pop()!.replace('(realloc)', '');
    const addr = /^\d+-\d+-\d+$/.test(addrText) ? addrText : null;
    const d = deleted ? '*' : '';
    const isDir = type.endsWith('/d') || type === 'V/V';
    const isIndex = addr !== null && addr.split('-')[1] === '144';
    if (isDir) lines.push({ line: `d${d} ${path}`, path, addr, isData: false, deleted });
    else if (isIndex) lines.push({ line: `r${d} ${path}`, path, addr, isData: false, deleted });
    else lines.push({ line: `r${d} ${path}\t${size}`, path, addr, isData: true, deleted });
  }
  return lines;
}

export function icatSha256(image: string, offsetSectors: number, addr: string): string {
  const r = spawnSync('icat', ['-o', String(offsetSectors), image, addr], { maxBuffer: 1024 * 1024 * 1024 });
  return createHash('sha256').update(r.stdout).digest('hex');
}

export interface OurLine {
  readonly line: string;
  readonly path: string;
  readonly stream: string | null;
}

/** Our listing of the whole volume (incl. deleted and orphans) in the fls line format. */
export async function ourListing(fs: NtfsFilesystem): Promise<OurLine[]> {
  const out: OurLine[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await fs.readdir(dir, { deleted: true })) {
      const rel = e.path.slice(1);
      const d = e.deleted ? '*' : '';
      const streams = e.name === '$OrphanFiles' && dir === '/' ? [] : await fs.streams(e.path);
      let printed = false;
      if (e.type === 'dir') { out.push({ line: `d${d} ${rel}`, path: e.path, stream: null }); printed = true; }
      for (const s of streams) {
        if (s.kind === 'data' && s.name === '' && e.type === 'dir') continue;
        const suffix = s.name ? `:${s.name}` : '';
        out.push({ line: s.kind === 'data' ? `r${d} ${rel}${suffix}\t${s.size}` : `r${d} ${rel}${suffix}`, path: e.path, stream: s.kind === 'data' ? s.name : null });
        printed = true;
      }
      if (!printed) out.push({ line: `r${d} ${rel}\t${e.size}`, path: e.path, stream: null });
      if (e.type === 'dir') await walk(e.path);
    }
  };
  await walk('/');
  return out;
}

export async function streamSha256(fs: NtfsFilesystem, path: string, stream: string): Promise<string> {
  const r = await fs.openStream(path, stream);
  const h = createHash('sha256');
  await forEachChunk(r, 1024 * 1024, (c) => { h.update(c); });
  return h.digest('hex');
}

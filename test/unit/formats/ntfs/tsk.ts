/**
 * The Sleuth Kit as an oracle: `fls -r -p -l` listings and `icat` bytes, and the same listing
 * built from our NtfsFilesystem, in one line format so the two can be compared as sorted lists.
 * Line format: `d[*] path` for directories, `r[*] path[:stream]\tsize` for data streams and
 * `r[*] path:index` for named indexes (sizes of index roots are not comparable).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { NtfsDeletedName, NtfsFilesystem } from '../../../../electron/evidence/filesystems/ntfs.js';
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
    // `d/-`: a directory name with no metadata (a name recovered from index slack).
    const isDir = type.endsWith('/d') || type === 'V/V' || type === 'd/-';
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

/**
 * TSK 4.11 accepts a name in index slack only when its key's created, modified and accessed
 * times fall in its `is_time` window: from 1970 to 2019-12-26 00:01:40 UTC (the cap is "2020",
 * counted 6 leap days short). We accept up to 2100; names past TSK's cap are ours alone.
 */
const TSK_SLACK_FROM = 0;
const TSK_SLACK_UNTIL = Date.UTC(2019, 11, 26, 0, 1, 40);
export function tskSeesSlack(fn: NtfsDeletedName['fileName']): boolean {
  if (!fn) return false;
  return [fn.created, fn.modified, fn.accessed].every((t) => t !== null && Date.parse(t) >= TSK_SLACK_FROM && Date.parse(t) < TSK_SLACK_UNTIL);
}

/**
 * Our listing of the whole volume (incl. deleted and orphans) in the fls line format. With
 * `pastTsk`, names only found in index slack whose key times TSK rejects (tskSeesSlack) are
 * left out of the listing and their lines collected there instead.
 */
export async function ourListing(fs: NtfsFilesystem, pastTsk?: string[]): Promise<OurLine[]> {
  const out: OurLine[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { deleted: true });
    const deleted = await fs.deletedNames(dir);
    let j = 0;
    for (const e of entries) {
      const rel = e.path.slice(1);
      const d = e.deleted ? '*' : '';
      const dn = e.deleted ? deleted[j++]! : null;
      if (dn && dn.path !== e.path) throw new Error(`deletedNames out of step at ${e.path}`);
      if (dn?.source === 'slack' && pastTsk && !tskSeesSlack(dn.fileName)) {
        pastTsk.push(`${e.type === 'dir' ? 'd' : 'r'}* ${rel}`);
        continue;
      }
      if (dn && !dn.recordMatches) {
        // Only the name is left (TSK: `r/- * N:` with size 0, or `d/- * N:`); nothing to open or descend.
        out.push({ line: e.type === 'dir' ? `d* ${rel}` : `r* ${rel}\t0`, path: e.path, stream: null });
        continue;
      }
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

/**
 * `path\tinode` of every name `fls -r -p` marks deleted (`*`; the inode is the entry number, 0
 * for a lost reference) and, apart, `nameOnly`: names it prints as allocated but without metadata
 * (`r/- 84:`). Those are entries of INDX blocks the index tree no longer reaches: TSK reads every
 * block of $INDEX_ALLOCATION and trusts each one's own entry count; we take such a block as free,
 * so its names are deleted ones for us.
 */
export function flsDeleted(image: string, offsetSectors: number): { deleted: Set<string>; nameOnly: Set<string> } {
  const out = execFileSync('fls', ['-r', '-p', '-o', String(offsetSectors), image], { maxBuffer: 512 * 1024 * 1024 }).toString('utf8');
  return deletedOfFlsText(out);
}

/** The same sets from `fls -r -p` text (an oracle section or live output). */
export function deletedOfFlsText(text: string): { deleted: Set<string>; nameOnly: Set<string> } {
  const deleted = new Set<string>();
  const nameOnly = new Set<string>();
  for (const raw of text.split('\n')) {
    const tab = raw.indexOf(':\t');
    if (tab < 0 || raw.startsWith('#')) continue;
    const head = raw.slice(0, tab).split(' ');
    const inode = head[head.length - 1]!.replace('(realloc)', '').split('-')[0]!;
    const line = `${raw.slice(tab + 2).split('\t')[0]}\t${inode}`;
    if (head.includes('*')) deleted.add(line);
    else if (/^[rd]\/-$/.test(head[0]!)) nameOnly.add(line);
  }
  return { deleted, nameOnly };
}

/**
 * `path\tentry` of every name our `readdir(…, { deleted: true })` walk lists as deleted, walking
 * into every directory as `ls -r --deleted` does. With `pastTsk`, slack names TSK cannot see
 * (tskSeesSlack) go there instead.
 */
export async function ourDeleted(fs: NtfsFilesystem, pastTsk?: string[]): Promise<Set<string>> {
  const set = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { deleted: true });
    const deleted = await fs.deletedNames(dir);
    let j = 0;
    for (const e of entries) {
      const dn = e.deleted ? deleted[j++]! : null;
      const line = `${e.path.slice(1)}\t${(e.id ?? '').split('-')[0]}`;
      if (dn?.source === 'slack' && pastTsk && !tskSeesSlack(dn.fileName)) {
        pastTsk.push(line);
        continue;
      }
      if (e.deleted) set.add(line);
      if (e.type === 'dir') await walk(e.path);
    }
  };
  await walk('/');
  return set;
}

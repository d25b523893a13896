/**
 * The Sleuth Kit as an oracle for the FAT and ext readers: `fls -r -p -l` entries (type, deleted
 * flag, address, path, size, times in whole UTC seconds) and `icat` digests, and our own listing
 * of the same volume through the Filesystem interface, in one comparable shape.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { FileEntry, Filesystem } from '../../electron/common/vfs.js';
import { forEachChunk, type Reader } from '../../electron/io/reader.js';

export function haveTsk(): boolean {
  return spawnSync('fls', ['-V']).status === 0 && spawnSync('icat', ['-V']).status === 0;
}

export interface Times { m: number; a: number; c: number; cr: number }

export interface TskEntry {
  /** `r`, `d`, `l`, `-`... (TSK's name type), with `*` when deleted: the comparable key with path. */
  readonly key: string;
  readonly path: string;
  readonly addr: number;
  readonly realloc: boolean;
  readonly size: number;
  readonly times: Times;
  readonly virtual: boolean;
}

/** `2022-02-19 19:02:14 (UTC)` → seconds; TSK's `0000-00-00 00:00:00` → 0. */
function secs(s: string | undefined): number {
  if (!s || s.startsWith('0000-00-00')) return 0;
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)/.exec(s);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000 : NaN;
}

/** `fls -r -p -l` of the file system at a sector offset (TZ=UTC so times print as UTC). */
export function tskList(image: string, offsetSectors = 0): TskEntry[] {
  const out = execFileSync('fls', ['-r', '-p', '-l', '-o', String(offsetSectors), image], { maxBuffer: 256 * 1024 * 1024, env: { ...process.env, TZ: 'UTC' } }).toString('utf8');
  const list: TskEntry[] = [];
  for (const raw of out.split('\n')) {
    const tab = raw.indexOf(':\t');
    if (tab < 0) continue;
    const head = raw.slice(0, tab).split(' ');
    const f = raw.slice(tab + 2).split('\t');
    const type = head[0]!;
    const deleted = head.includes('*');
    const addrText = head[head.length - 1]!;
    const path = f[0]!;
    const virtual = type.startsWith('v') || type.startsWith('V') || path.startsWith('$OrphanFiles');
    list.push({
      key: `${type[0]}${deleted ? '*' : ''} ${path}`,
      path,
      addr: parseInt(addrText, 10),
      realloc: addrText.includes('(realloc)'),
      size: Number(f[f.length - 3]),
      times: { m: secs(f[1]), a: secs(f[2]), c: secs(f[3]), cr: secs(f[4]) },
      virtual,
    });
  }
  return list;
}

export function icatSha256(image: string, offsetSectors: number, addr: number): string {
  const r = spawnSync('icat', ['-o', String(offsetSectors), image, String(addr)], { maxBuffer: 1024 * 1024 * 1024 });
  return createHash('sha256').update(r.stdout).digest('hex');
}

export async function readerSha256(r: Reader): Promise<string> {
  const h = createHash('sha256');
  try {
    await forEachChunk(r, 1 << 20, (c) => void h.update(c));
  } finally {
    await r.close();
  }
  return h.digest('hex');
}

export interface OurEntry {
  readonly key: string;
  readonly entry: FileEntry;
}

const letter: Record<string, string> = { file: 'r', dir: 'd', link: 'l', other: '-' };

type DeletedReaddir = Filesystem & { readdir(path: string, opts?: { deleted?: boolean }): Promise<FileEntry[]> };

/** Our whole tree, deleted entries included, in TSK's key format (paths without the leading `/`). */
export async function ourList(fs: DeletedReaddir, deleted = true): Promise<OurEntry[]> {
  const out: OurEntry[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    for (const e of await fs.readdir(dir, { deleted })) {
      out.push({ key: `${letter[e.type]}${e.deleted ? '*' : ''} ${e.path.slice(1)}`, entry: e });
      if (e.type === 'dir' && depth < 64) await walk(e.path, depth + 1);
    }
  };
  await walk('/', 0);
  return out;
}

/** Floor of an ISO time in seconds (0 for null), to compare with TSK's whole seconds. */
export function isoSecs(iso: string | null): number {
  return iso === null ? 0 : Math.floor(Date.parse(iso) / 1000);
}

export interface Agreement {
  /** Entries TSK lists (virtual ones left out) and how many we list identically. */
  tskEntries: number;
  listed: number;
  virtualSkipped: number;
  missing: string[];
  extra: string[];
  sizesChecked: number;
  sizeMismatches: string[];
  timesChecked: number;
  timeMismatches: string[];
  catChecked: number;
  catMismatches: string[];
  deletedCatChecked: number;
  deletedCatMismatches: string[];
}

/**
 * Our listing against `fls -r -p -l` (types, deleted flags, paths as a multiset; then per entry
 * with the same key and address: size, the four times, and `icat` bytes for every regular file).
 * `images` are what fls/icat read (one raw file, or the segments of a split raw set).
 */
export async function agreeWithTsk(fs: DeletedReaddir, image: string, offsetSectors = 0): Promise<Agreement> {
  const tsk = tskList(image, offsetSectors);
  const ours = await ourList(fs);
  const want = tsk.filter((t) => !t.virtual).map((t) => t.key);
  const have = ours.map((o) => o.key);
  const a: Agreement = { tskEntries: want.length, listed: 0, virtualSkipped: tsk.length - want.length, missing: [], extra: [], sizesChecked: 0, sizeMismatches: [], timesChecked: 0, timeMismatches: [], catChecked: 0, catMismatches: [], deletedCatChecked: 0, deletedCatMismatches: [] };
  const left = new Map<string, number>();
  for (const k of have) left.set(k, (left.get(k) ?? 0) + 1);
  for (const k of want) {
    const n = left.get(k) ?? 0;
    if (n > 0) {
      left.set(k, n - 1);
      a.listed++;
    } else a.missing.push(k);
  }
  for (const [k, n] of left) for (let i = 0; i < n; i++) a.extra.push(k);
  const byKey = new Map<string, FileEntry>();
  for (const o of ours) if (!byKey.has(`${o.key}|${o.entry.id}`)) byKey.set(`${o.key}|${o.entry.id}`, o.entry);
  for (const t of tsk) {
    const e = t.virtual || t.addr === 0 ? undefined : byKey.get(`${t.key}|${t.addr}`);
    if (!e) continue;
    if (e.type === 'file') {
      a.sizesChecked++;
      if (e.size !== t.size) a.sizeMismatches.push(`${t.key}: ${e.size} vs ${t.size}`);
    }
    a.timesChecked++;
    const mine: Times = { m: isoSecs(e.modified), a: isoSecs(e.accessed), c: isoSecs(e.changed), cr: isoSecs(e.created) };
    if (JSON.stringify(mine) !== JSON.stringify(t.times)) a.timeMismatches.push(`${t.key}: ours ${JSON.stringify(mine)} tsk ${JSON.stringify(t.times)}`);
    if (e.type !== 'file' || !t.key.startsWith('r')) continue;
    const deleted = t.key.includes('*');
    let mineHash: string;
    try {
      mineHash = await readerSha256(await fs.open(e.path));
    } catch (err) {
      mineHash = `error: ${(err as Error).message}`;
    }
    // A path names one entry: a live one before any deleted, else the first deleted one (`_`).
    if (deleted && (ours.some((o) => o.entry.path === e.path && !o.entry.deleted) || ours.find((o) => o.entry.path === e.path)?.entry !== e)) continue;
    const ok = mineHash === icatSha256(image, offsetSectors, t.addr);
    if (deleted) {
      a.deletedCatChecked++;
      if (!ok) a.deletedCatMismatches.push(t.key);
    } else {
      a.catChecked++;
      if (!ok) a.catMismatches.push(t.key);
    }
  }
  return a;
}

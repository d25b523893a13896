/**
 * The Sleuth Kit as the oracle for a whole FAT listing, virtual entries included: `fls -r -p -l`
 * against our tree with deleted entries (readdir `{ deleted: true }`), where TSK's `$OrphanFiles`
 * and the orphans under it must match ours line for line. TSK's `-/r` and `-/d` (an orphan has no
 * name entry, so its name type is unknown) compare as `r` and `d`. The virtual files $MBR, $FAT1,
 * $FAT2 are not listed by us (formats/fat/SPEC.md) and are returned apart, to be asserted exactly.
 * Every regular file TSK lists is compared with `icat` by its address (duplicates like `_` too),
 * through the volume; files with a unique path also through `open(path)`.
 */
import { execFileSync } from 'node:child_process';
import type { FileEntry } from '../../../../electron/common/vfs.js';
import type { FatFilesystem } from '../../../../electron/evidence/filesystems/fat.js';
import type { FatDirEntry } from '../../../../electron/formats/fat/index.js';
import { icatSha256, isoSecs, ourList, readerSha256, tskList, type Times } from '../../../helpers/tsk-fs.js';

export interface FatAgreement {
  tskEntries: number;
  listed: number;
  orphansListed: number;
  /** TSK's virtual files we do not list, as `name addr`. */
  virtualFiles: string[];
  missing: string[];
  extra: string[];
  sizeMismatches: string[];
  timeMismatches: string[];
  catChecked: number;
  catMismatches: string[];
  deletedCatChecked: number;
  deletedCatMismatches: string[];
  pathCatChecked: number;
}

/** Every FatDirEntry reachable (tree, orphans, orphan subtrees) by TSK address. */
async function entriesByInode(fs: FatFilesystem): Promise<Map<number, FatDirEntry>> {
  const out = new Map<number, FatDirEntry>();
  const seen = new Set<number>();
  const visit = async (kids: FatDirEntry[], depth: number): Promise<void> => {
    for (const k of kids) {
      if (!out.has(k.inode)) out.set(k.inode, k);
      if (k.isDir && !seen.has(k.inode) && depth < 64) {
        seen.add(k.inode);
        await visit(await fs.volume.children(k, `#${k.inode}`), depth + 1);
      }
    }
  };
  await visit(await fs.volume.rootEntries(), 0);
  await visit((await fs.orphans()).orphans, 0);
  return out;
}

export async function agreeWithTskFat(fs: FatFilesystem, image: string, offsetSectors = 0): Promise<FatAgreement> {
  const tsk = tskList(image, offsetSectors);
  const a: FatAgreement = { tskEntries: 0, listed: 0, orphansListed: 0, virtualFiles: [], missing: [], extra: [], sizeMismatches: [], timeMismatches: [], catChecked: 0, catMismatches: [], deletedCatChecked: 0, deletedCatMismatches: [], pathCatChecked: 0 };
  const want: { key: string; addr: number; size: number; times: Times; path: string }[] = [];
  for (const t of tsk) {
    if (t.key.startsWith('v')) {
      a.virtualFiles.push(`${t.path} ${t.addr}`);
      continue;
    }
    const typeLetter = t.key.startsWith('V') ? 'd' : t.key.startsWith('-') ? (tskMetaType(image, offsetSectors, t.addr) ?? '-') : t.key[0]!;
    want.push({ key: `${typeLetter}${t.key.slice(1)}`, addr: t.addr, size: t.size, times: t.times, path: t.path });
  }
  a.tskEntries = want.length;
  const ours = await ourList(fs);
  const left = new Map<string, number>();
  for (const o of ours) left.set(o.key, (left.get(o.key) ?? 0) + 1);
  for (const w of want) {
    const n = left.get(w.key) ?? 0;
    if (n > 0) {
      left.set(w.key, n - 1);
      a.listed++;
      if (w.path.startsWith('$OrphanFiles/')) a.orphansListed++;
    } else a.missing.push(w.key);
  }
  for (const [k, n] of left) for (let i = 0; i < n; i++) a.extra.push(k);
  const byKey = new Map<string, FileEntry>();
  for (const o of ours) if (!byKey.has(`${o.key}|${o.entry.id}`)) byKey.set(`${o.key}|${o.entry.id}`, o.entry);
  const pathCount = new Map<string, number>();
  for (const o of ours) pathCount.set(o.entry.path.toUpperCase(), (pathCount.get(o.entry.path.toUpperCase()) ?? 0) + 1);
  const byInode = await entriesByInode(fs);
  for (const w of want) {
    const e = byKey.get(`${w.key}|${w.addr}`);
    if (!e) continue;
    if (e.type === 'file' && e.size !== w.size) a.sizeMismatches.push(`${w.key}: ${e.size} vs ${w.size}`);
    const mine: Times = { m: isoSecs(e.modified), a: isoSecs(e.accessed), c: isoSecs(e.changed), cr: isoSecs(e.created) };
    if (JSON.stringify(mine) !== JSON.stringify(w.times)) a.timeMismatches.push(`${w.key}: ours ${JSON.stringify(mine)} tsk ${JSON.stringify(w.times)}`);
    if (e.type !== 'file' || !w.key.startsWith('r')) continue;
    const entry = byInode.get(w.addr);
    const icat = icatSha256(image, offsetSectors, w.addr);
    const mineHash = entry ? await readerSha256(await fs.volume.openFile(entry, w.path)) : 'no entry';
    const ok = mineHash === icat;
    if (w.key.includes('*')) {
      a.deletedCatChecked++;
      if (!ok) a.deletedCatMismatches.push(w.key);
    } else {
      a.catChecked++;
      if (!ok) a.catMismatches.push(w.key);
    }
    // The path a user types must give the same bytes when it names one entry only.
    if (pathCount.get(e.path.toUpperCase()) === 1) {
      a.pathCatChecked++;
      if ((await readerSha256(await fs.open(e.path))) !== icat) (w.key.includes('*') ? a.deletedCatMismatches : a.catMismatches).push(`${w.key} (by path)`);
    }
  }
  return a;
}

const metaCache = new Map<string, Map<number, string>>();

/** TSK's meta type letter of an orphan (`-/r` → `r`), read once per image from `fls -r -p`. */
function tskMetaType(image: string, offsetSectors: number, addr: number): string | null {
  const k = `${image}@${offsetSectors}`;
  let m = metaCache.get(k);
  if (!m) {
    m = new Map();
    metaCache.set(k, m);
    for (const t of tskListRaw(image, offsetSectors)) m.set(t.addr, t.meta);
  }
  return m.get(addr) ?? null;
}

function tskListRaw(image: string, offsetSectors: number): { addr: number; meta: string }[] {
  const out = execFileSync('fls', ['-r', '-p', '-o', String(offsetSectors), image], { maxBuffer: 256 * 1024 * 1024 }).toString('utf8');
  const list: { addr: number; meta: string }[] = [];
  for (const line of out.split('\n')) {
    const m = /^(\S)\/(\S) (?:\* )?(\d+)/.exec(line);
    if (m) list.push({ addr: Number(m[3]), meta: m[2]! });
  }
  return list;
}

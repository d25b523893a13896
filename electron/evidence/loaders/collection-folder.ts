/**
 * A folder dropped as one evidence item that holds collection archives side by side (100 hosts'
 * Velociraptor/KAPE/UAC ZIPs collected into one share): one host per collection, each named from
 * its collector's own metadata, instead of one "live folder" host made of ZIP files.
 *
 * Detection is by content: the folder's top-level files are sniffed (ZIP, gzip, ustar magic) and
 * the folder counts as a collection folder when archives are the majority of its entries
 * (collector `.log` sidecars do not count against them). If no archive turns out to hold a real
 * collection, the folder is read as a live folder after all. Archives are opened one after another
 * through a HandlePool, so however many there are, at most MAX_OPEN descriptors are open.
 *
 * Memory follows the hosts being scanned, not the archives (issue #6: 100 KAPE ZIPs of 20,000
 * files each went past 4 GB): a first pass learns each archive's collector and host names and
 * closes it again; each host is then a lazy one — the engine has its archive read in full for its
 * scan and closed right after (OpenedHost.open/release), ls/cat read it on demand (archive-sessions.ts).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvidenceItem } from '../../common/scan-result.js';
import { ZipArchive } from '../../formats/zip/index.js';
import { FileReader } from '../../io/file-reader.js';
import type { Filesystem } from '../../common/vfs.js';
import { archiveOptions } from '../archive-options.js';
import type { Detected } from '../detect.js';
import { FolderFilesystem } from '../filesystems/folder.js';
import { TarFilesystem } from '../filesystems/tar.js';
import { ZipFilesystem } from '../filesystems/zip.js';
import { registerEvidenceOpener, type OpenedEvidence, type OpenedHost } from '../open.js';
import { ArchiveSessions, LazyHostFilesystem, type FullArchive } from './archive-sessions.js';
import { quickProbe } from './collection-probe.js';
import { HandlePool } from './handle-pool.js';
import { looksLikeKapeVolume } from './kape-volume.js';
import { kapeHost, openCollection } from './layouts.js';

/** Descriptors a collection folder may hold open at once. */
export const MAX_OPEN = 16;
/** Archives the examiner utilities keep read in full after use (the engine closes each after its host). */
const KEEP_IDLE = 2;
/** Top-level entries sniffed before the folder is taken for a live folder anyway. */
const MAX_SNIFF = 10_000;

type ArchiveKind = 'zip' | 'tar' | 'tgz';

export interface FolderArchive { path: string; name: string; kind: ArchiveKind; size: number }

async function sniff(path: string): Promise<{ kind: ArchiveKind; size: number } | null> {
  const r = await FileReader.open(path).catch(() => null);
  if (!r) return null;
  try {
    const h = await r.read(0, 264);
    const ascii = (off: number, s: string): boolean => [...s].every((c, i) => h[off + i] === c.charCodeAt(0));
    if (ascii(0, 'PK\x03\x04') || ascii(0, 'PK\x05\x06')) return { kind: 'zip', size: r.size };
    if (h[0] === 0x1f && h[1] === 0x8b) return { kind: 'tgz', size: r.size };
    if (ascii(257, 'ustar')) return { kind: 'tar', size: r.size };
    return null;
  } finally {
    await r.close();
  }
}

/** The collection archives of a folder, or null when the folder is not mostly archives. */
export async function collectionArchives(folder: string): Promise<FolderArchive[] | null> {
  const entries = await readdir(folder, { withFileTypes: true });
  if (entries.length === 0 || entries.length > MAX_SNIFF) return null;
  const archives: FolderArchive[] = [];
  let others = 0;
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.isDirectory()) { others++; continue; }
    if (!e.isFile()) continue;
    const s = await sniff(join(folder, e.name));
    if (s) archives.push({ path: join(folder, e.name), name: e.name, ...s });
    else if (!/\.log$/i.test(e.name)) others++;
  }
  return archives.length > 0 && archives.length > others ? archives : null;
}

type RawArchive = ZipFilesystem | TarFilesystem;

/** `quick`: members located only when read (a first look at which collector wrote the archive). */
async function openOne(pool: HandlePool, a: FolderArchive, quick: boolean): Promise<RawArchive> {
  const reader = await pool.reader(a.path);
  const outer = [{ kind: 'archive', locator: a.path }];
  if (a.kind === 'zip') return ZipFilesystem.fromArchive(await ZipArchive.open(reader, { ...archiveOptions(), ...(quick ? { deferLocate: true } : {}) }, true), outer);
  const tempDir = archiveOptions().tempDir;
  return TarFilesystem.openReader(reader, outer, { gzip: a.kind === 'tgz', ...(tempDir ? { tempDir } : {}) });
}

const fallbackLabel = (a: FolderArchive): string => a.name.replace(/\.(zip|tar|tgz|tar\.gz)$/i, '');

/** Archive `a` read in full: its real hosts (notes name the archive), the errors met, and its closer. */
async function readArchive(pool: HandlePool, a: FolderArchive, quick: boolean): Promise<FullArchive & { layout: string }> {
  const raw = await openOne(pool, a, quick);
  const opened: Filesystem[] = [raw];
  const close = async (): Promise<void> => {
    for (const fs of opened.reverse()) await fs.close().catch(() => undefined);
  };
  try {
    const zip = { ...archiveOptions(), ...(quick ? { deferLocate: true } : {}) };
    const r = await openCollection(raw, { zip, opened, fallbackLabel: fallbackLabel(a) });
    const errors: FullArchive['errors'] = [];
    for (const i of raw.allIssues) errors.push({ path: `/${a.name}${i.member ? `:${i.member}` : ''}`, message: i.message });
    for (const e of r.errors) errors.push({ path: `/${a.name}${e.path === '/' ? '' : `:${e.path}`}`, message: e.message });
    const real = r.hosts.filter((h) => r.layout !== 'plain' || h.osHint !== 'unknown');
    const hosts = real.map((h) => ({ ...h, notes: [`collection archive ${a.name}`, ...h.notes] }));
    return { hosts, errors, close, layout: r.layout };
  } catch (err) {
    await close();
    throw err;
  }
}

/** One host of the folder as known before its archive is read in full. */
interface Listed { archive: number; host: number; label: string | null; layout: string }

/**
 * First pass, one archive at a time, each closed before the next: which collector wrote it and
 * the names of its host(s). Most collections tell from their listing and one small metadata member
 * (collection-probe.ts); the others are read in full here and read again when scanned.
 */
async function listHosts(pool: HandlePool, archives: FolderArchive[], errors: EvidenceItem['errors']): Promise<Listed[]> {
  const out: Listed[] = [];
  for (const [i, a] of archives.entries()) {
    let raw: RawArchive;
    try {
      raw = await openOne(pool, a, true);
    } catch (err) {
      errors.push({ path: `/${a.name}`, message: `cannot read the ${a.kind === 'zip' ? 'ZIP' : 'tar'} archive: ${(err as Error).message}` });
      continue;
    }
    const quick = await quickProbe(raw, fallbackLabel(a)).catch(() => null).finally(() => raw.close().catch(() => undefined));
    if (quick) {
      out.push({ archive: i, host: 0, ...quick });
      continue;
    }
    let full: Awaited<ReturnType<typeof readArchive>>;
    try {
      full = await readArchive(pool, a, true);
    } catch (err) {
      errors.push({ path: `/${a.name}`, message: `cannot read the ${a.kind === 'zip' ? 'ZIP' : 'tar'} archive: ${(err as Error).message}` });
      continue;
    }
    await full.close();
    if (full.hosts.length === 0) {
      // Not scanned, so its read errors are reported now; a scanned archive reports them with its host.
      errors.push(...full.errors, { path: `/${a.name}`, message: `${a.name} holds no recognisable collection or host tree: not scanned as a host` });
    }
    full.hosts.forEach((h, k) => out.push({ archive: i, host: k, label: h.label, layout: full.layout }));
  }
  return out;
}

export async function openCollectionFolder(path: string, archives: FolderArchive[]): Promise<OpenedEvidence | null> {
  const pool = new HandlePool(MAX_OPEN);
  const errors: EvidenceItem['errors'] = [];
  const listed = await listHosts(pool, archives, errors).catch(async (err: unknown) => {
    await pool.close();
    throw err;
  });
  const sessions = new ArchiveSessions((i) => readArchive(pool, archives[i]!, false), KEEP_IDLE);
  const close = async (): Promise<void> => {
    await sessions.close();
    await pool.close();
  };
  if (listed.length === 0) {
    await close();
    return null;
  }
  const hosts: OpenedHost[] = listed.map((l) => {
    const a = archives[l.archive]!;
    const what = `collection archive ${a.name}`;
    let pins = 0;
    return {
      fs: new LazyHostFilesystem(sessions, l.archive, l.host, what, l.layout),
      label: l.label,
      notes: [what],
      // The engine reads the archive in full for this host's scan only, and closes it right after.
      open: async () => {
        const full = await sessions.acquire(l.archive).catch((err: unknown) => {
          throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`);
        });
        pins++;
        const h = full.hosts[l.host];
        if (!h) throw new Error(`${what} no longer holds the host it was listed with`);
        // An archive's own errors are reported once, with its first host.
        return { ...h, errors: l.host === 0 ? full.errors : [] };
      },
      release: async () => {
        if (pins === 0) return; // open() failed before pinning
        pins--;
        await sessions.release(l.archive, true);
      },
    };
  });
  const layouts = new Set(listed.map((l) => l.layout));
  return {
    item: { kind: 'folder', layout: layouts.size === 1 ? [...layouts][0]! : 'mixed', sizeBytes: archives.reduce((s, a) => s + a.size, 0), errors },
    hosts,
    close,
  };
}

/** The folder opener: a collection folder when it is one, else the live folder (open.ts's default). */
async function openFolderOrCollections(path: string, _evidenceId: string, _detected: Detected): Promise<OpenedEvidence> {
  const archives = await collectionArchives(path).catch(() => null);
  if (archives) {
    const ev = await openCollectionFolder(path, archives);
    if (ev) return ev;
  }
  const fs = await FolderFilesystem.open(path);
  if (await looksLikeKapeVolume(fs)) {
    // A KAPE tdest folder (C/..., VSS<n>/..., *_CopyLog.csv): the drive folder is the host.
    const host = await kapeHost(fs, null).catch(() => null);
    if (host) return { item: { kind: 'folder', layout: 'kape', sizeBytes: 0, errors: [] }, hosts: [host], close: () => fs.close() };
  }
  return { item: { kind: 'folder', layout: 'plain', sizeBytes: 0, errors: [] }, hosts: [{ fs, label: null }], close: () => fs.close() };
}

registerEvidenceOpener('folder', openFolderOrCollections);

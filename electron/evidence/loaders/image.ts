/**
 * Disk images (raw, split raw, E01, VHD, VHDX, VMDK, QCOW2, DMG) → hosts: container → volumes
 * (MBR, GPT, APM or none) → NTFS, APFS or HFS+. One host per disk: the volume holding
 * Windows/System32, or a Mac's System volume joined with its Data volume; without either, every
 * volume is its own host labelled `vol<N>` or by its APFS name. Container issues and volumes we
 * cannot read go to item.errors.
 *
 * Registers an evidence opener per image kind and the `image` ref opener, which re-opens the same
 * chain from an EvidenceRef (hash workers); opened images are cached per process (a small LRU,
 * closed only when no reader from them is still open).
 */
import type { EvidenceRef, Layer } from '../../common/evidence-ref.js';
import type { EvidenceKind } from '../../common/scan-result.js';
import { openContainer, type OpenedContainer } from '../containers/index.js';
import { detectEvidence } from '../detect.js';
import { MergedFilesystem } from '../filesystems/merged.js';
import { parseApm, sniffApm } from '../../formats/apm/index.js';
import type { Filesystem } from '../../common/vfs.js';
import { filesystemsOn, reopenFilesystem, type VolumeFs } from './volume-fs.js';
import { extraViewsOf, type ExtraView } from './shadow-copies.js';
import type { Reader } from '../../io/reader.js';
import { SliceReader } from '../../io/slice-reader.js';
import { registerEvidenceOpener, type OpenedEvidence, type OpenedHost } from '../open.js';
import { registerOpener } from '../resolve.js';
import type { CopyLog } from './kape.js';
import { kapeVolumeHosts } from './kape-volume.js';
import { resolveSubdir } from './subdir.js';
import { openVolumes, type Volume } from '../volumes/index.js';

/**
 * Set by the caller before opening images. `verify`: check stored image hashes with a full read
 * (slow, off by default). `cacheBytes`: decoded blocks each open container keeps (undefined = the
 * format's default, sized for a scan that keeps coming back to the same blocks).
 */
export const imageLoaderOptions: { verify: boolean; cacheBytes: number | undefined } = { verify: false, cacheBytes: undefined };

export const IMAGE_KINDS: readonly EvidenceKind[] = ['raw', 'e01', 'vhd', 'vhdx', 'vmdk', 'qcow2', 'dmg'];

/** Layers down to a volume (the file-system layer is added by the file system reader). */
export function volumeBaseLayers(imagePath: string, containerKind: string, v: Pick<Volume, 'scheme' | 'index' | 'offset'>): Layer[] {
  return [
    { kind: 'image', locator: imagePath },
    { kind: containerKind, locator: '' },
    { kind: v.scheme, locator: String(v.index), offset: v.offset },
  ];
}

export function volumeLayers(imagePath: string, containerKind: string, v: Volume): Layer[] {
  return [...volumeBaseLayers(imagePath, containerKind, v), { kind: 'ntfs', locator: `vol${v.index}` }];
}

/** Any container this loader reads: the contract's image kinds, DMG included. */
async function openAnyContainer(path: string, kind: EvidenceKind, verify: boolean): Promise<OpenedContainer> {
  const cacheBytes = imageLoaderOptions.cacheBytes;
  if (kind !== 'dmg') return openContainer(path, { verify, ...(cacheBytes !== undefined ? { cacheBytes } : {}) });
  // DMG support (UDIF, plist, LZFSE) is loaded only for DMGs: it is a third of what `ls` of a raw image loads.
  const { openDmg } = await import('../containers/dmg.js');
  const d = await openDmg(path, { verify, ...(cacheBytes !== undefined ? { cacheBytes } : {}) });
  return { kind: 'dmg', reader: d.reader, ...(d.verification ? { verification: d.verification } : {}), info: d.info, issues: d.issues as OpenedContainer['issues'], close: () => d.close() };
}

/** MBR/GPT from openVolumes; an Apple Partition Map when neither is there. */
async function volumesOf(disk: Reader, errors: { path: string; message: string }[]): Promise<Volume[]> {
  const vs = await openVolumes(disk);
  if (vs.scheme === 'none' && sniffApm(await disk.read(0, 512))) {
    const apm = await parseApm(disk);
    for (const i of apm.issues) errors.push({ path: '/', message: `apm: ${i.message}` });
    return apm.partitions
      .filter((p) => /^Apple_(HFS|HFSX|APFS)$/i.test(p.type))
      .map((p) => {
        const offset = p.startBlock * apm.blockSize;
        const size = Math.min(p.blockCount * apm.blockSize, Math.max(0, disk.size - offset));
        const v: Volume = { index: p.index, scheme: 'apm', slot: String(p.index).padStart(3, '0'), offset, size, declaredSize: p.blockCount * apm.blockSize, type: p.type, typeName: p.type, name: p.name, reader: new SliceReader(disk, offset, size) };
        return v;
      });
  }
  for (const i of vs.issues) errors.push({ path: '/', message: `volumes: ${i.message}` });
  return vs.volumes;
}

export interface OpenedDisk {
  readonly container: OpenedContainer;
  /** File systems that opened, with the volume they sit on. */
  readonly filesystems: (VolumeFs & { volume: Volume })[];
  readonly errors: { path: string; message: string }[];
}

/** Container → volumes → file systems, collecting every problem as an error line instead of failing. */
export async function openDisk(path: string, verify = false, kind: EvidenceKind = 'raw'): Promise<OpenedDisk> {
  return filesystemsOnDisk(await openAnyContainer(path, kind, verify), [{ kind: 'image', locator: path }]);
}

/** The volumes and file systems of an open container; `outer`: the layers that lead to the container's file. Closes it on failure. */
export async function filesystemsOnDisk(container: OpenedContainer, outer: Layer[]): Promise<OpenedDisk> {
  const errors: OpenedDisk['errors'] = [];
  try {
    const filesystems: OpenedDisk['filesystems'] = [];
    for (const v of await volumesOf(container.reader, errors)) {
      const where = `volume ${v.index} (${v.scheme} ${v.slot}, ${v.typeName}) at byte ${v.offset}`;
      const base = [...outer, { kind: container.kind, locator: '' }, { kind: v.scheme, locator: String(v.index), offset: v.offset }];
      for (const f of await filesystemsOn(v.reader, base, `vol${v.index}`, errors, where)) filesystems.push({ ...f, volume: v });
    }
    return { container, filesystems, errors };
  } catch (e) {
    await container.close();
    throw e;
  }
}

/** A missing path is `false`; a volume that fails to answer is `false` too, but said in `errors`
 * (otherwise a damaged or unreadable System volume would silently turn a Mac into bare volumes). */
async function isDir(f: VolumeFs, path: string, errors: OpenedDisk['errors']): Promise<boolean> {
  try {
    return (await f.fs.stat(path))?.type === 'dir';
  } catch (e) {
    errors.push({ path: '/', message: `volume ${f.label}: cannot look up ${path}: ${(e as Error).message}` });
    return false;
  }
}

/** One host per disk: the Windows volume, or a Mac's System (+ Data) volumes, or a KAPE container's volume; else each volume. */
export async function chooseHosts(fss: OpenedDisk['filesystems'], errors: OpenedDisk['errors'], kapeLogs: CopyLog[] = []): Promise<OpenedHost[]> {
  for (const f of fss) if (await isDir(f, '/Windows/System32', errors)) return [withShadows({ fs: f.fs, label: null }, f)];
  const system: OpenedDisk['filesystems'] = [];
  for (const f of fss) if (await isDir(f, '/System/Library/CoreServices', errors)) system.push(f);
  if (system.length) {
    const data = fss.filter((f) => f.role === 'data' && f.volume === system[0]!.volume);
    return [{ fs: data.length ? new MergedFilesystem([...data.map((d) => d.fs), system[0]!.fs]) : system[0]!.fs, label: null }];
  }
  const kape = await kapeVolumeHosts(fss, errors, kapeLogs);
  if (kape.length) return kape;
  return fss.map((f) => withShadows({ fs: f.fs, label: f.label }, f));
}

/** A volume's shadow copies ride along as extra views of its host (the engine scans them too). */
function withShadows(h: OpenedHost, f: VolumeFs): OpenedHost & { extraViews?: ExtraView[] } {
  return f.snapshots?.length ? { ...h, extraViews: extraViewsOf(f.snapshots) } : h;
}

export async function openImageEvidence(path: string, _evidenceId: string, detected: { kind: EvidenceKind; sizeBytes: number }): Promise<OpenedEvidence> {
  const disk = await openDisk(path, imageLoaderOptions.verify, detected.kind);
  const c = disk.container;
  const errors = [...c.issues.map((i) => ({ path: '/', message: `${c.kind}${i.file ? ` ${i.file}` : ''}${i.offset !== null ? ` @ ${i.offset}` : ''}: ${i.message}` })), ...disk.errors];
  const hosts = await chooseHosts(disk.filesystems, errors);
  if (disk.filesystems.length === 0) errors.push({ path: '/', message: 'no readable file system (NTFS, APFS, HFS+) found on this disk' });
  const kape = hosts.length > 0 && hosts.every((h) => (h as { layout?: string }).layout === 'kape');
  return {
    item: { kind: detected.kind, layout: kape ? 'kape' : `${c.kind}`, sizeBytes: detected.sizeBytes, ...(c.verification ? { verification: c.verification } : {}), errors },
    hosts,
    close: () => c.close(),
  };
}

// ---- opened images, per process: the ref opener's, and a hash worker's by-entry opener's ----

/** An image opened once per process: its container, its file systems by volume and layers, and how many hold it. */
export interface CachedImage {
  readonly container: OpenedContainer;
  readonly fsByKey: Map<string, Promise<Filesystem>>;
  holders: number;
}
const CACHE_MAX = 4;
const cache = new Map<string, Promise<CachedImage>>();

/**
 * The image at `path`, opened at most once per process (so a hash worker that opens one file by
 * its MFT entry and the next by its path reads one container, one chunk cache) and held until
 * `release`; beyond CACHE_MAX images, the least recently used one nobody holds is closed.
 */
export async function holdImage(path: string, retry = true): Promise<{ img: CachedImage; release: () => void }> {
  let p = cache.get(path);
  if (p) {
    cache.delete(path);
    cache.set(path, p);
  } else {
    p = detectEvidence(path)
      .then((d) => openAnyContainer(path, d.kind, false))
      .then((container) => ({ container, fsByKey: new Map(), holders: 0 }));
    cache.set(path, p);
    p.catch(() => cache.delete(path));
  }
  const img = await p;
  // Evicted (and being closed) while we waited for it: open it again, once (a second loss means
  // more images held at once than the cache keeps; the reads then fail and say so, nothing hangs).
  if (cache.get(path) !== p && retry) return holdImage(path, false);
  img.holders++;
  void evict();
  let released = false;
  return { img, release: () => { if (!released) { released = true; img.holders--; } } };
}

async function evict(): Promise<void> {
  for (const [k, p] of cache) {
    if (cache.size <= CACHE_MAX) return;
    const img = await p.catch(() => null);
    if (img && img.holders > 0) continue;
    cache.delete(k);
    await img?.container.close().catch(() => {});
  }
}

/** The file system `ref`'s chain names on the held image, opened once per volume offset and layer chain. */
export function refFilesystem(img: CachedImage, ref: EvidenceRef): Promise<Filesystem> {
  const vol = ref.chain[2];
  if (!vol || ref.chain.length < 4) return Promise.reject(new Error(`image ref ${ref.evidenceId}:${ref.path} lacks its volume or file system layer`));
  const offset = vol.offset ?? 0;
  const disk = img.container.reader;
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > disk.size) return Promise.reject(new Error(`volume offset ${offset} outside the disk`));
  const key = `${offset}|${ref.chain.slice(3).map((l) => `${l.kind}:${l.locator}`).join('/')}`;
  let fsP = img.fsByKey.get(key);
  if (!fsP) {
    fsP = reopenFilesystem(new SliceReader(disk, offset, disk.size - offset), [...ref.chain]);
    img.fsByKey.set(key, fsP);
    fsP.catch(() => img.fsByKey.delete(key));
  }
  return fsP;
}

export async function openImageRef(full: EvidenceRef): Promise<Reader> {
  const ref = { ...full, ...resolveSubdir(full) }; // a KAPE VHDX's host view starts at /C on its volume
  const image = ref.chain[0];
  if (!image || image.kind !== 'image' || ref.chain.length < 4) throw new Error(`image ref ${ref.evidenceId}:${ref.path} lacks its volume or file system layer`);
  const held = await holdImage(image.locator);
  let r: Reader;
  try {
    r = await (await refFilesystem(held.img, ref)).open(ref.path);
  } catch (err) {
    held.release();
    throw err;
  }
  let closed = false;
  return {
    size: r.size,
    read: (o, l) => r.read(o, l),
    close: async () => {
      if (closed) return;
      closed = true;
      held.release();
      await r.close();
    },
  };
}

for (const kind of IMAGE_KINDS) registerEvidenceOpener(kind, openImageEvidence);
registerOpener('image', openImageRef);

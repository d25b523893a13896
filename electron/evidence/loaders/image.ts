/**
 * Disk images (raw, split raw, E01, VHD, VHDX, VMDK, QCOW2) → hosts: container → volumes → NTFS.
 * One host per disk: the NTFS volume holding Windows/System32; without one, every NTFS volume is
 * its own host labelled `vol<N>`. Container issues and volumes we cannot read go to item.errors.
 *
 * Registers an evidence opener per image kind and the `image` ref opener, which re-opens the same
 * chain from an EvidenceRef (hash workers); opened images are cached per process (a small LRU,
 * closed only when no reader from them is still open).
 */
import type { EvidenceRef, Layer } from '../../common/evidence-ref.js';
import type { EvidenceKind } from '../../common/scan-result.js';
import { openContainer, type OpenedContainer } from '../containers/index.js';
import { NtfsFilesystem } from '../filesystems/ntfs.js';
import { looksLikeNtfs } from '../../formats/ntfs/index.js';
import type { Reader } from '../../io/reader.js';
import { SliceReader } from '../../io/slice-reader.js';
import { registerEvidenceOpener, type OpenedEvidence, type OpenedHost } from '../open.js';
import { registerOpener } from '../resolve.js';
import { openVolumes, type Volume } from '../volumes/index.js';

/** Set by the caller before a scan: verify EWF stored hashes with a full read (slow, off by default). */
export const imageLoaderOptions = { verify: false };

export const IMAGE_KINDS: readonly EvidenceKind[] = ['raw', 'e01', 'vhd', 'vhdx', 'vmdk', 'qcow2'];

export function volumeLayers(imagePath: string, containerKind: string, v: Volume): Layer[] {
  return [
    { kind: 'image', locator: imagePath },
    { kind: containerKind, locator: '' },
    { kind: v.scheme, locator: String(v.index), offset: v.offset },
    { kind: 'ntfs', locator: `vol${v.index}` },
  ];
}

export interface OpenedDisk {
  readonly container: OpenedContainer;
  /** NTFS volumes that opened, with the volume they sit on. */
  readonly ntfs: { volume: Volume; fs: NtfsFilesystem }[];
  readonly errors: { path: string; message: string }[];
}

/** Container → volumes → NTFS, collecting every problem as an error line instead of failing. */
export async function openDisk(path: string, verify = false): Promise<OpenedDisk> {
  const container = await openContainer(path, { verify });
  const errors: OpenedDisk['errors'] = [];
  try {
    const vs = await openVolumes(container.reader);
    for (const i of vs.issues) errors.push({ path: '/', message: `volumes: ${i.message}` });
    const ntfs: OpenedDisk['ntfs'] = [];
    for (const v of vs.volumes) {
      const where = `volume ${v.index} (${v.scheme} ${v.slot}, ${v.typeName}) at byte ${v.offset}`;
      const head = await v.reader.read(0, 512);
      if (!looksLikeNtfs(head)) {
        errors.push({ path: '/', message: `${where}: not NTFS; this version does not read it` });
        continue;
      }
      try {
        ntfs.push({ volume: v, fs: await NtfsFilesystem.open(v.reader, volumeLayers(path, container.kind, v)) });
      } catch (e) {
        errors.push({ path: '/', message: `${where}: NTFS unreadable: ${(e as Error).message}` });
      }
    }
    return { container, ntfs, errors };
  } catch (e) {
    await container.close();
    throw e;
  }
}

async function hasSystem32(fs: NtfsFilesystem): Promise<boolean> {
  try {
    return (await fs.stat('/Windows/System32'))?.type === 'dir';
  } catch {
    return false;
  }
}

export async function openImageEvidence(path: string, _evidenceId: string, detected: { kind: EvidenceKind; sizeBytes: number }): Promise<OpenedEvidence> {
  const disk = await openDisk(path, imageLoaderOptions.verify);
  const c = disk.container;
  const errors = [...c.issues.map((i) => ({ path: '/', message: `${c.kind}${i.file ? ` ${i.file}` : ''}${i.offset !== null ? ` @ ${i.offset}` : ''}: ${i.message}` })), ...disk.errors];
  let hosts: OpenedHost[] = [];
  for (const n of disk.ntfs) {
    if (await hasSystem32(n.fs)) {
      hosts = [{ fs: n.fs, label: null }];
      break;
    }
  }
  if (hosts.length === 0) hosts = disk.ntfs.map((n) => ({ fs: n.fs, label: `vol${n.volume.index}` }));
  if (disk.ntfs.length === 0) errors.push({ path: '/', message: 'no NTFS volume found on this disk' });
  return {
    item: { kind: detected.kind, layout: `${c.kind}`, sizeBytes: detected.sizeBytes, ...(c.verification ? { verification: c.verification } : {}), errors },
    hosts,
    close: () => c.close(),
  };
}

// ---- ref opener: EvidenceRef → Reader, with a small per-process cache of opened images ----

interface CachedImage { container: OpenedContainer; fsByOffset: Map<number, Promise<NtfsFilesystem>>; refs: number }
const CACHE_MAX = 4;
const cache = new Map<string, Promise<CachedImage>>();

async function cachedImage(path: string): Promise<CachedImage> {
  let p = cache.get(path);
  if (p) {
    cache.delete(path);
    cache.set(path, p);
    return p;
  }
  p = openContainer(path).then((container) => ({ container, fsByOffset: new Map(), refs: 0 }));
  cache.set(path, p);
  p.catch(() => cache.delete(path));
  await evict();
  return p;
}

async function evict(): Promise<void> {
  for (const [k, p] of cache) {
    if (cache.size <= CACHE_MAX) return;
    const img = await p.catch(() => null);
    if (img && img.refs > 0) continue;
    cache.delete(k);
    await img?.container.close().catch(() => {});
  }
}

export async function openImageRef(ref: EvidenceRef): Promise<Reader> {
  const [image, , vol, fsLayer] = ref.chain;
  if (!image || image.kind !== 'image' || !vol || fsLayer?.kind !== 'ntfs') throw new Error(`image ref ${ref.evidenceId}:${ref.path} lacks its volume or file system layer`);
  const img = await cachedImage(image.locator);
  const offset = vol.offset ?? 0;
  let fsP = img.fsByOffset.get(offset);
  if (!fsP) {
    const disk = img.container.reader;
    fsP = NtfsFilesystem.open(new SliceReader(disk, offset, disk.size - offset), [...ref.chain]);
    img.fsByOffset.set(offset, fsP);
    fsP.catch(() => img.fsByOffset.delete(offset));
  }
  const r = await (await fsP).open(ref.path);
  img.refs++;
  let closed = false;
  return {
    size: r.size,
    read: (o, l) => r.read(o, l),
    close: async () => {
      if (closed) return;
      closed = true;
      img.refs--;
      await r.close();
    },
  };
}

for (const kind of IMAGE_KINDS) registerEvidenceOpener(kind, openImageEvidence);
registerOpener('image', openImageRef);

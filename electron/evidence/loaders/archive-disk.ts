/**
 * Ref opener half of disk images inside archives (disk-member.ts is the scan half): a ref whose
 * chain reads `archive › zip <member> › vhdx › <volume> › ntfs vol0 [› vss …] [› subdir /C]` is
 * re-opened by the archive opener down to the member, then here: the container over the member's
 * Reader, the volume slice, the file system, the file. Opened disks are cached per process (a
 * deflated member's temp copy and the $MFT are costly to redo per file) and keep the archive
 * entries they read from pinned until evicted.
 */
import type { Layer } from '../../common/evidence-ref.js';
import type { Filesystem } from '../../common/vfs.js';
import type { Reader } from '../../io/reader.js';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SliceReader } from '../../io/slice-reader.js';
import { SpillReader, ZIP_LIMITS, type StreamedReader } from '../../formats/zip/index.js';
import { archiveOptions } from '../archive-options.js';
import { openContainerReader, type OpenedContainer } from '../containers/index.js';
import { resolveSubdir } from './subdir.js';
import { reopenFilesystem } from './volume-fs.js';

const CONTAINER_LAYERS = new Set(['vhdx', 'vhd', 'qcow2', 'vmdk', 'e01']);
/** Disks kept open per process once no reader uses them. */
const CACHE_MAX = 2;

export function isContainerLayer(kind: string): boolean {
  return CONTAINER_LAYERS.has(kind);
}

interface CachedDisk { container: OpenedContainer; fss: Map<string, Promise<Filesystem>>; refs: number; unpin: () => Promise<void> }
const disks = new Map<string, Promise<CachedDisk>>();

/**
 * `key` names the member (archive file, its stat, the member chain); `member` opens its bytes;
 * `below` are the ref's layers from the container layer down; `pin` holds the archive entries open
 * and returns their release.
 */
export async function openDiskRef(key: string, member: () => Promise<Reader>, memberName: string, below: Layer[], path: string, pin: () => () => Promise<void>): Promise<Reader> {
  const { chain, path: fsPath } = resolveSubdir({ chain: below, path });
  const [containerLayer, vol, fsLayer] = chain;
  if (!containerLayer || !vol || !fsLayer) throw new Error(`disk image ref ${memberName}:${path} lacks its volume or file system layer`);
  const diskKey = `${key}|disk`;
  let p = disks.get(diskKey);
  if (!p) {
    p = (async () => {
      const unpin = pin();
      try {
        const container = await openContainerReader(await randomAccess(await member(), memberName), memberName);
        if (container.kind !== containerLayer.kind) {
          await container.close();
          throw new Error(`${memberName} holds a ${container.kind} image, the ref says ${containerLayer.kind}`);
        }
        return { container, fss: new Map(), refs: 0, unpin };
      } catch (err) {
        await unpin();
        throw err;
      }
    })();
    disks.set(diskKey, p);
    p.catch(() => disks.delete(diskKey));
  }
  const disk = await p;
  disk.refs++;
  try {
    const offset = vol.offset ?? 0;
    const fsKey = `${offset}|${chain.slice(2).map((l) => `${l.kind}:${l.locator}`).join('/')}`;
    let fsP = disk.fss.get(fsKey);
    if (!fsP) {
      const r = disk.container.reader;
      fsP = reopenFilesystem(new SliceReader(r, offset, Math.max(0, r.size - offset)), chain);
      disk.fss.set(fsKey, fsP);
      fsP.catch(() => disk.fss.delete(fsKey));
    }
    const file = await (await fsP).open(fsPath);
    let closed = false;
    return {
      size: file.size,
      read: (o, l) => file.read(o, l),
      close: async () => {
        if (closed) return;
        closed = true;
        await file.close().catch(() => {});
        disk.refs--;
        await evict();
      },
    };
  } catch (err) {
    disk.refs--;
    await evict();
    throw err;
  }
}

/**
 * A compressed member as a private temp copy made now, front to back, whose name is removed at
 * once: hash workers are terminated without running exit hooks, so a copy still named on disk
 * would outlive them; an unlinked one is freed with its descriptor. (Where the OS refuses to remove
 * an open file, the ZIP reader's own cleanup on close and at exit still applies.)
 */
async function randomAccess(r: Reader, name: string): Promise<Reader> {
  const seq = (r as Partial<StreamedReader>).sequentialChunks?.call(r) ?? null;
  if (!seq || r.size <= ZIP_LIMITS.memoryMaxBytes) return r;
  try {
    const copy = await SpillReader.fromChunks(seq, ZIP_LIMITS.spillMaxBytes, `ZIP member ${name}`, archiveOptions().tempDir);
    await rm(copy.path, { force: true }).then(() => rm(dirname(copy.path), { recursive: true, force: true })).catch(() => {});
    return copy;
  } finally {
    await r.close();
  }
}

/** Close every disk no reader uses any more (the end of a scan: nothing is kept between scans). */
export function closeIdleDisks(): Promise<void> {
  return evict(0);
}

async function evict(keep = CACHE_MAX): Promise<void> {
  for (const [k, p] of disks) {
    if (disks.size <= keep) return;
    const d = await p.catch(() => null);
    if (!d || d.refs > 0 || disks.get(k) !== p) continue;
    disks.delete(k);
    await d.container.close().catch(() => {});
    await d.unpin().catch(() => {});
  }
}

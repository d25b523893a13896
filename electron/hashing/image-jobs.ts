/**
 * How a hash worker opens a job. A file on an NTFS volume of a disk image whose listing gave its
 * MFT entry (`fileId`, `entry-sequence`) is opened by that entry on a volume this worker keeps
 * open: no path walk from the root through directory indexes for each of 50,000 files, and no
 * per-file wrapper layers. Anything else (another file system, a shadow copy, a KAPE subdir, an
 * archive, a folder, an entry that no longer matches) goes through openRef as before, so a
 * digest never depends on which way the file was opened.
 *
 * The worker's own EWF reader keeps a small chunk cache: files are hashed front to back in large
 * reads, so 64 MiB of decoded chunks per worker (the scan's default) only cost memory here.
 * Small files of such a volume are hashed a task at a time through entryVolume (entry-batch.ts).
 */
import type { EvidenceRef } from '../common/evidence-ref.js';
import type { Filesystem } from '../common/vfs.js';
import { detectEvidence } from '../evidence/detect.js';
import { openContainer, openEwfSegments } from '../evidence/containers/index.js';
import { NtfsFilesystem } from '../evidence/filesystems/ntfs.js';
import { ntfsCacheSizes, type NtfsStream } from '../formats/ntfs/index.js';
import { imageLoaderOptions } from '../evidence/loaders/image.js';
import { reopenFilesystem } from '../evidence/loaders/volume-fs.js';
import { openRef } from '../evidence/resolve.js';
import { openEwf } from '../formats/ewf/index.js';
import { BufferReader } from '../io/buffer-reader.js';
import { openReadOnly } from '../io/file-reader.js';
import type { Reader } from '../io/reader.js';
import { SliceReader } from '../io/slice-reader.js';
import type { SequentialReader } from './digest.js';
import { EwfChunkViews } from './ewf-views.js';
import { rawPieces, readFully, zeros } from './raw-pieces.js';
import { streamPieces, type Piece } from './stream-pieces.js';

/** Decoded EWF chunks (and VHD/VHDX/QCOW2/VMDK blocks) a worker keeps (see above). */
export const WORKER_CACHE_BYTES = 8 * 1024 * 1024;
/**
 * MFT records and assembled files a worker's volumes keep: each file's record is read once, so
 * the scan's 16k records and 4k files only fill the worker's heap (and its garbage collector's
 * time: a third of a worker's CPU on 50,000 files); a few cover a path walk's directories.
 */
const WORKER_NTFS_CACHE = { records: 1024, files: 64 };

/** Sizes this thread's image and volume caches for hashing (each block and record read once). */
export function useHashWorkerCaches(): void {
  imageLoaderOptions.cacheBytes = WORKER_CACHE_BYTES;
  Object.assign(ntfsCacheSizes, WORKER_NTFS_CACHE);
}
/** Images a worker keeps open at once (a hash run names one; a fleet scan may alternate two). */
const MAX_IMAGES = 2;
/** Files at least this large on an EWF image are read chunk by chunk (ewf-views.ts); smaller ones share the chunk cache. */
export const VIEWS_MIN_BYTES = 1024 * 1024;
/** Container kinds openContainer reads (a DMG goes through openRef's loader). */
const LEAN_KINDS = new Set(['raw', 'e01', 'vhd', 'vhdx', 'vmdk', 'qcow2']);

/** `views`: an E01's chunks (ewf-views.ts); `fd`: a raw image's own descriptor (raw-pieces.ts). */
interface Image { disk: Reader; views: EwfChunkViews | null; fd: number | null; close: () => Promise<void>; volumes: Map<string, Promise<Filesystem>>; users: number }

const images = new Map<string, Promise<Image | null>>();

/** The job's Reader: by MFT entry when the ref and `fileId` allow it, else through openRef. */
export async function openJob(ref: EvidenceRef, fileId: string | undefined): Promise<Reader> {
  const entry = fileId !== undefined ? parseFileId(fileId) : null;
  if (entry && isPlainNtfsImageRef(ref)) {
    // Whatever goes wrong this way (an image that does not open), openRef reports it as always.
    const r = await openByEntry(ref, entry).catch(() => null);
    if (r) return r;
  }
  return openRef(ref);
}

/** `entry-sequence` as NTFS listings give it; anything else is not an id this path understands. */
export function parseFileId(id: string): { entry: number; sequence: number } | null {
  const m = /^(\d{1,15})-(\d{1,5})$/.exec(id);
  if (!m) return null;
  const entry = Number(m[1]);
  const sequence = Number(m[2]);
  return Number.isSafeInteger(entry) && sequence <= 0xffff ? { entry, sequence } : null;
}

/** image › container › partition › ntfs, nothing after (no shadow copy, no subdir). */
export function isPlainNtfsImageRef(ref: EvidenceRef): boolean {
  const c = ref.chain;
  return c.length === 4 && c[0]!.kind === 'image' && LEAN_KINDS.has(c[1]!.kind) && c[3]!.kind === 'ntfs' && c.every((l) => l.kind !== 'vss' && l.kind !== 'subdir');
}

/**
 * The NTFS volume a plain image ref names, on an image this worker keeps open, held until
 * `release` (so the image is not closed under it); null when the image or volume does not open
 * this way (the caller then goes through openRef, which reports why).
 */
export async function entryVolume(ref: EvidenceRef): Promise<EntryVolume | null> {
  if (!isPlainNtfsImageRef(ref)) return null;
  const img = await image(ref.chain[0]!.locator).catch(() => null);
  if (!img) return null;
  img.users++;
  try {
    const fs = await volumeFs(img, ref);
    if (fs instanceof NtfsFilesystem) {
      let released = false;
      const { views, fd } = img;
      const readInto = views ? (dst: Uint8Array, at: number) => views.readInto(dst, at) : fd !== null ? async (dst: Uint8Array, at: number) => readFully(fd, dst, at) : null;
      return { fs, disk: img.disk, volumeOffset: ref.chain[2]!.offset ?? 0, readInto, release: () => { if (!released) { released = true; img.users--; } } };
    }
  } catch {
    // the ordinary path gives the error
  }
  img.users--;
  return null;
}

export interface EntryVolume {
  readonly fs: NtfsFilesystem;
  /** The whole disk the volume lies on, and where the volume starts on it. */
  readonly disk: Reader;
  readonly volumeOffset: number;
  /**
   * Disk bytes [at, at + dst.length) into the caller's buffer, where the image allows it without
   * allocating (an E01's chunks, a raw image's descriptor); null: use disk.read. Throws when the
   * bytes are not all there (the image changed since it was opened).
   */
  readonly readInto: ((dst: Uint8Array, at: number) => Promise<void>) | null;
  release(): void;
}

/**
 * The live file at MFT entry `id` (in use, that sequence, not a directory) and its unnamed
 * $DATA (null when it has none); null when the record is not that file any more.
 */
export async function liveEntryData(fs: NtfsFilesystem, id: { entry: number; sequence: number }): Promise<{ data: NtfsStream | null } | null> {
  const f = await fs.volume.file(id.entry);
  if (!f.inUse || f.isDir || f.sequence !== id.sequence) return null;
  return { data: f.data.find((d) => d.name === '') ?? null };
}

/**
 * The unnamed $DATA of MFT entry `entry`, or null (caller falls back to the path) when the
 * record is not that live file any more: another sequence, freed, or a directory.
 */
async function openByEntry(ref: EvidenceRef, id: { entry: number; sequence: number }): Promise<Reader | null> {
  const img = await image(ref.chain[0]!.locator);
  if (!img) return null;
  img.users++;
  let handed = false;
  try {
    const fs = await volumeFs(img, ref);
    if (!(fs instanceof NtfsFilesystem)) return null;
    const live = await liveEntryData(fs, id);
    if (!live) return null;
    const s = live.data;
    const inner = s ? fs.volume.streamReader(s, ref.path) : new BufferReader(new Uint8Array(0));
    let pieces: Piece[] | null = null;
    if (s?.layout && !s.resident && (img.fd !== null || (img.views && s.layout.dataSize >= VIEWS_MIN_BYTES))) {
      const at = ref.chain[2]!.offset ?? 0;
      pieces = streamPieces(s.layout, at, img.disk.size - at);
    }
    const { views, fd } = img;
    const chunks = !pieces ? null : fd !== null ? () => rawPieces(fd, pieces) : views ? () => viewPieces(pieces, views) : null;
    handed = true;
    return released(inner, img, chunks);
  } catch {
    return null; // the ordinary path gives the error (or the bytes) as always
  } finally {
    if (!handed) img.users--;
  }
}

/**
 * The stream's Reader, released from the image on close; with `chunks`, also a SequentialReader
 * whose chunks hashReader takes as they come.
 */
function released(inner: Reader, img: Image, chunks: (() => AsyncIterable<Uint8Array>) | null): Reader | SequentialReader {
  let closed = false;
  return {
    ...(chunks ? { sequentialChunks: chunks } : {}),
    size: inner.size,
    read: (o, l) => inner.read(o, l),
    close: async () => {
      if (closed) return;
      closed = true;
      img.users--;
      await inner.close();
    },
  };
}

async function* viewPieces(pieces: readonly Piece[], views: EwfChunkViews): AsyncGenerator<Uint8Array> {
  for (const p of pieces) {
    if (p.disk !== null) yield* views.range(p.disk, p.disk + p.length);
    else yield* zeros(p.length);
  }
}

function volumeFs(img: Image, ref: EvidenceRef): Promise<Filesystem> {
  const vol = ref.chain[2]!;
  const offset = vol.offset ?? 0;
  const key = `${offset}|${ref.chain[3]!.locator}`;
  let p = img.volumes.get(key);
  if (!p) {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > img.disk.size) return Promise.reject(new Error(`volume offset ${offset} outside the disk`));
    p = reopenFilesystem(new SliceReader(img.disk, offset, img.disk.size - offset), [...ref.chain]);
    img.volumes.set(key, p);
    p.catch(() => img.volumes.delete(key));
  }
  return p;
}

/** The worker's open image (null when its kind is not one this path opens); least recent closed first. */
function image(path: string): Promise<Image | null> {
  let p = images.get(path);
  if (p) {
    images.delete(path);
    images.set(path, p);
    return p;
  }
  p = openImage(path);
  images.set(path, p);
  p.then((img) => { if (!img) images.delete(path); }, () => images.delete(path));
  void evict();
  return p;
}

async function evict(): Promise<void> {
  for (const [k, p] of images) {
    if (images.size <= MAX_IMAGES) return;
    const img = await p.catch(() => null);
    if (img && img.users > 0) continue;
    images.delete(k);
    await img?.close().catch(() => {});
  }
}

async function openImage(path: string): Promise<Image | null> {
  const kind = (await detectEvidence(path)).kind;
  if (!LEAN_KINDS.has(kind)) return null;
  if (kind !== 'e01') {
    const c = await openContainer(path, { cacheBytes: WORKER_CACHE_BYTES });
    if (c.kind !== 'raw') return { disk: c.reader, views: null, fd: null, close: () => c.close(), volumes: new Map(), users: 0 };
    // The raw image's own descriptor for rawPieces (the container's is private to its reader).
    const own = await openReadOnly(path).catch(async (err: unknown) => {
      await c.close();
      throw err;
    });
    return { disk: c.reader, views: null, fd: own.handle.fd, close: async () => { await own.handle.close(); await c.close(); }, volumes: new Map(), users: 0 };
  }
  // The segment set exactly as containers/index.ts finds it, with the worker's smaller cache.
  const { segments, closeAll } = await openEwfSegments(path);
  try {
    const img = await openEwf(segments, { cacheBytes: WORKER_CACHE_BYTES });
    return { disk: img.reader, views: new EwfChunkViews(img.chunks, img.reader), fd: null, close: async () => { await img.reader.close(); await closeAll(); }, volumes: new Map(), users: 0 };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

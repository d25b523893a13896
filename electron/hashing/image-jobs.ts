/**
 * How a hash worker opens a job. A file on an NTFS volume of a disk image whose listing gave its
 * MFT entry (`fileId`, `entry-sequence`) is opened by that entry on the volume the image loader
 * keeps open for this thread (the same container and file system openRef uses, so a worker never
 * holds one image open twice): no path walk from the root through directory indexes for each of
 * 50,000 files, and no per-file wrapper layers. Anything else (another file system, a shadow
 * copy, a KAPE subdir, an archive, a folder, an entry that no longer matches) goes through openRef
 * as before, so a digest never depends on which way the file was opened.
 *
 * A worker's images keep small block caches (useHashWorkerCaches): files are hashed front to back
 * in large reads, so 64 MiB of decoded chunks per worker (the scan's default) only cost memory here.
 * Small files of such a volume are hashed a task at a time through entryVolume (entry-batch.ts).
 */
import type { EvidenceRef } from '../common/evidence-ref.js';
import { NtfsFilesystem } from '../evidence/filesystems/ntfs.js';
import { ntfsCacheSizes, type NtfsStream } from '../formats/ntfs/index.js';
import { holdImage, imageLoaderOptions, refFilesystem, type CachedImage } from '../evidence/loaders/image.js';
import { openRef } from '../evidence/resolve.js';
import { BufferReader } from '../io/buffer-reader.js';
import { FileReader } from '../io/file-reader.js';
import type { Reader } from '../io/reader.js';
import type { SequentialReader } from './digest.js';
import { EwfChunkViews } from './ewf-views.js';
import { rawPieces, readFully, zeros } from './raw-pieces.js';
import { streamPieces, type Piece } from './stream-pieces.js';

/**
 * Decoded EWF chunks (and VHD/VHDX/QCOW2/VMDK blocks) a worker keeps, for its $MFT reads and the
 * odd file opened by path: small files go through the chunk views' own recent chunks, big ones
 * past any cache.
 */
export const WORKER_CACHE_BYTES = 2 * 1024 * 1024;
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
/** Files at least this large on an EWF image are read chunk by chunk (ewf-views.ts); smaller ones share the chunk cache. */
export const VIEWS_MIN_BYTES = 1024 * 1024;

/** An E01's chunk views, made once per open image. */
const viewsByImage = new WeakMap<CachedImage, EwfChunkViews>();

/** `views`: an E01's chunks (ewf-views.ts); `fd`: a raw image's descriptor (raw-pieces.ts). */
function direct(img: CachedImage): { views: EwfChunkViews | null; fd: number | null } {
  const c = img.container;
  if (c.chunks) {
    let v = viewsByImage.get(img);
    if (!v) viewsByImage.set(img, (v = new EwfChunkViews(c.chunks, c.reader)));
    return { views: v, fd: null };
  }
  return { views: null, fd: c.kind === 'raw' && c.reader instanceof FileReader ? c.reader.fd : null };
}

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
  return c.length === 4 && c[0]!.kind === 'image' && c[3]!.kind === 'ntfs' && c.every((l) => l.kind !== 'vss' && l.kind !== 'subdir');
}

/**
 * The NTFS volume a plain image ref names, on an image this worker keeps open, held until
 * `release` (so the image is not closed under it); null when the image or volume does not open
 * this way (the caller then goes through openRef, which reports why).
 */
export async function entryVolume(ref: EvidenceRef): Promise<EntryVolume | null> {
  if (!isPlainNtfsImageRef(ref)) return null;
  const held = await holdImage(ref.chain[0]!.locator).catch(() => null);
  if (!held) return null;
  try {
    const fs = await refFilesystem(held.img, ref);
    if (fs instanceof NtfsFilesystem) {
      const { views, fd } = direct(held.img);
      const readInto = views ? (dst: Uint8Array, at: number) => views.readInto(dst, at) : fd !== null ? async (dst: Uint8Array, at: number) => readFully(fd, dst, at) : null;
      return { fs, disk: held.img.container.reader, volumeOffset: ref.chain[2]!.offset ?? 0, readInto, release: held.release };
    }
  } catch {
    // the ordinary path gives the error
  }
  held.release();
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
  const held = await holdImage(ref.chain[0]!.locator);
  let handed = false;
  try {
    const fs = await refFilesystem(held.img, ref);
    if (!(fs instanceof NtfsFilesystem)) return null;
    const live = await liveEntryData(fs, id);
    if (!live) return null;
    const s = live.data;
    const inner = s ? fs.volume.streamReader(s, ref.path) : new BufferReader(new Uint8Array(0));
    const { views, fd } = direct(held.img);
    let pieces: Piece[] | null = null;
    if (s?.layout && !s.resident && (fd !== null || (views && s.layout.dataSize >= VIEWS_MIN_BYTES))) {
      const at = ref.chain[2]!.offset ?? 0;
      pieces = streamPieces(s.layout, at, held.img.container.reader.size - at);
    }
    const chunks = !pieces ? null : fd !== null ? () => rawPieces(fd, pieces) : views ? () => viewPieces(pieces, views) : null;
    handed = true;
    return released(inner, held.release, chunks);
  } catch {
    return null; // the ordinary path gives the error (or the bytes) as always
  } finally {
    if (!handed) held.release();
  }
}

/**
 * The stream's Reader, released from the image on close; with `chunks`, also a SequentialReader
 * whose chunks hashReader takes as they come.
 */
function released(inner: Reader, release: () => void, chunks: (() => AsyncIterable<Uint8Array>) | null): Reader | SequentialReader {
  let closed = false;
  return {
    ...(chunks ? { sequentialChunks: chunks } : {}),
    size: inner.size,
    read: (o, l) => inner.read(o, l),
    close: async () => {
      if (closed) return;
      closed = true;
      release();
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

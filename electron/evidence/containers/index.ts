/**
 * Disk-image containers → one Reader of the logical disk. Detection is by content (signatures),
 * never by extension, except that split raw sets are recognised by their part names.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ParseError } from '../../common/issues.js';
import type { ReadIssue } from '../../io/block-cache.js';
import { ConcatReader } from '../../io/concat-reader.js';
import { FileReader } from '../../io/file-reader.js';
import type { Reader } from '../../io/reader.js';
import { openEwf, segmentFileName, sniffEwf, type ChunkSource } from '../../formats/ewf/index.js';
import { openQcow, sniffQcow } from '../../formats/qcow2/index.js';
import { openVhd, sniffVhd } from '../../formats/vhd/index.js';
import { openVhdx, sniffVhdx } from '../../formats/vhdx/index.js';
import { openVmdk, sniffVmdk } from '../../formats/vmdk/index.js';
import { findBeside, isFile, MAX_PARTS, splitRawParts } from './siblings.js';
import { verifyEwf } from './verify.js';

/** The same formats over a Reader (an image inside an archive); see from-reader.ts. */
export { openContainerReader } from './from-reader.js';

export type ContainerKind = 'raw' | 'split-raw' | 'e01' | 'vhd' | 'vhdx' | 'vmdk' | 'qcow2' | 'dmg';
export interface OpenedContainer {
  kind: ContainerKind;
  reader: Reader; // the logical disk, random access, read-only
  /** Stored hashes (EWF MD5/SHA-1) and, when verify was requested, the computed ones */
  verification?: { algorithm: string; expected: string; actual: string; ok: boolean };
  /** Facts for the report: segment files, media size, chunk size, acquisition notes, parent of a differencing disk */
  info: Record<string, string | number>;
  /**
   * Located, recovered problems (bad chunk, missing parent...). A live array: chunks found bad
   * while reading later are appended to it.
   */
  issues: { message: string; offset: number | null; file: string | null }[];
  /** EWF: the chunk tables behind `reader`, for a reader that decodes chunks itself (hashing/ewf-views.ts). */
  chunks?: ChunkSource;
  close(): Promise<void>;
}
export interface OpenContainerOptions {
  verify?: boolean;
  /**
   * Decoded blocks a compressed or sparse container keeps (EWF chunks, VHD/VHDX/QCOW2/VMDK
   * blocks); each format's own default when absent. A scan comes back to the same blocks (hives,
   * the $MFT, directory indexes); `ls`, `cat` and `hash` mostly read each block once.
   */
  cacheBytes?: number;
  signal?: AbortSignal;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

/** Deepest chain of differencing disks / backing files followed. */
const MAX_PARENT_DEPTH = 16;

export async function openContainer(path: string, opts: OpenContainerOptions = {}): Promise<OpenedContainer> {
  return openAt(path, opts, new Set());
}

async function openAt(path: string, opts: OpenContainerOptions, chain: Set<string>): Promise<OpenedContainer> {
  const real = await realpath(path);
  if (chain.has(real)) throw new ParseError('loop', { what: 'parent disk chain' }, `${path} is its own ancestor (cyclic parent chain)`);
  if (chain.size >= MAX_PARENT_DEPTH) throw new ParseError('limit-exceeded', { what: 'parent disk chain', need: chain.size + 1, have: MAX_PARENT_DEPTH });
  chain = new Set(chain).add(real);

  const file = await FileReader.open(path);
  const issues: ReadIssue[] = [];
  const name = basename(path);
  try {
    const head = await file.read(0, 512);
    const tail = await file.read(Math.max(0, file.size - 512), 512);
    const ewf = sniffEwf(head);
    if (ewf) {
      await file.close();
      return await openEwfSet(path, opts, issues);
    }
    // A parent/backing/extent file is opened as a container in its own right (it may be sparse too).
    const openParentAt = async (candidates: string[]): Promise<Reader | null> => {
      const p = await findBeside(path, candidates);
      if (!p) return null;
      const parent = await openAt(p, { ...(opts.signal ? { signal: opts.signal } : {}), ...cache(opts) }, chain);
      for (const i of parent.issues) issues.push({ ...i, file: i.file ?? basename(p) });
      // Closing the parent's reader alone would leave the parent's own file handle open.
      return { get size() { return parent.reader.size; }, read: (o: number, l: number) => parent.reader.read(o, l), close: () => parent.close() };
    };
    if (sniffVhdx(head)) {
      const img = await openVhdx(file, { file: name, issues, openParent: (p) => openParentAt(p.paths), ...cache(opts) });
      return done('vhdx', img.reader, img.info, issues, file);
    }
    if (sniffQcow(head)) {
      const img = await openQcow(file, { file: name, issues, openBacking: (n) => openParentAt([n]), ...cache(opts) });
      return done('qcow2', img.reader, img.info, issues, file);
    }
    if (sniffVmdk(head)) {
      const dir = dirname(path);
      const img = await openVmdk(file, {
        openFile: async (n) => {
          const p = join(dir, basename(n.replace(/\\/g, '/')));
          return (await isFile(p)) ? FileReader.open(p) : null;
        },
      }, { file: name, issues, ...cache(opts) });
      return done('vmdk', img.reader, img.info, issues, file);
    }
    if (sniffVhd(head, tail)) {
      const img = await openVhd(file, {
        file: name,
        issues,
        openParent: (p) => openParentAt([...p.locators.filter((l) => l.platform === 'W2ru').map((l) => l.path), ...p.locators.map((l) => l.path), p.name]),
        ...cache(opts),
      });
      return done('vhd', img.reader, img.info, issues, file);
    }
    const parts = await splitRawParts(path);
    if (parts) {
      const readers: Reader[] = [file];
      try {
        for (const p of parts.slice(1)) readers.push(await FileReader.open(p));
      } catch (err) {
        await Promise.allSettled(readers.slice(1).map((r) => r.close()));
        throw err;
      }
      const concat = new ConcatReader(readers);
      return { kind: 'split-raw', reader: concat, info: { 'segment files': parts.length, 'media size': concat.size }, issues, close: () => concat.close() };
    }
    return { kind: 'raw', reader: file, info: { 'media size': file.size }, issues, close: () => file.close() };
  } catch (err) {
    await file.close().catch(() => {});
    throw err;
  }
}

function cache(opts: OpenContainerOptions): { cacheBytes?: number } {
  return opts.cacheBytes !== undefined ? { cacheBytes: opts.cacheBytes } : {};
}

/** The container's reader closes its parents; the top file is closed after it. */
function done(kind: ContainerKind, reader: Reader, info: Record<string, string | number>, issues: ReadIssue[], file: Reader): OpenedContainer {
  return {
    kind,
    reader,
    info,
    issues,
    close: async () => {
      try {
        await reader.close();
      } finally {
        await file.close();
      }
    },
  };
}

/**
 * The segment files of the EWF set `path` starts (E01, E02, … as segmentFileName names them, up to
 * the first missing one), each opened read-only. `closeAll` closes what was opened; the caller
 * calls it when it fails after this returns.
 */
export async function openEwfSegments(path: string): Promise<{ segments: { name: string; reader: FileReader }[]; closeAll: () => Promise<void> }> {
  const segments: { name: string; reader: FileReader }[] = [];
  const closeAll = () => Promise.allSettled(segments.map((s) => s.reader.close())).then(() => {});
  try {
    for (let n = 1; n <= MAX_PARTS; n++) {
      const p = n === 1 ? path : segmentFileName(path, n);
      if (!p || !(await isFile(p))) break;
      segments.push({ name: basename(p), reader: await FileReader.open(p) });
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  return { segments, closeAll };
}

async function openEwfSet(path: string, opts: OpenContainerOptions, issues: ReadIssue[]): Promise<OpenedContainer> {
  const { segments, closeAll } = await openEwfSegments(path);
  try {
    const img = await openEwf(segments, { issues, ...cache(opts) });
    img.info['segment file names'] = segments.length <= 8 ? segments.map((s) => s.name).join(', ') : `${segments[0]!.name} .. ${segments.at(-1)!.name}`;
    const out: OpenedContainer = {
      kind: 'e01',
      reader: img.reader,
      info: img.info,
      issues,
      chunks: img.chunks,
      close: async () => {
        await img.reader.close();
        await closeAll();
      },
    };
    if (opts.verify) out.verification = await verifyEwf(img, opts);
    return out;
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/**
 * ZIP and tar evidence: registers the evidence openers (scans) and the `archive` ref opener (hash
 * workers re-open a member from an EvidenceRef's layer chain: archive file → [gzip] → zip/tar member
 * → nested zip/tar member ...). Archives opened for refs are cached per process (reference-counted,
 * a few at a time) so hashing many members does not re-read a central directory per file.
 */
import { stat } from 'node:fs/promises';
import { isMainThread } from 'node:worker_threads';
import type { EvidenceRef, Layer } from '../../common/evidence-ref.js';
import { ParseError } from '../../common/issues.js';
import type { Filesystem } from '../../common/vfs.js';
import { TarArchive } from '../../formats/tar/index.js';
import { ZipArchive, type ZipOpenOptions } from '../../formats/zip/index.js';
import { FileReader } from '../../io/file-reader.js';
import { readAll, type Reader } from '../../io/reader.js';
import { archiveOptions, archiveOptionsGeneration, setArchiveOptions } from '../archive-options.js';
import type { Detected } from '../detect.js';
import { registerEvidenceOpener, type OpenedEvidence } from '../open.js';
import { registerOpener } from '../resolve.js';
import { TarFilesystem } from '../filesystems/tar.js';
import { ZipFilesystem } from '../filesystems/zip.js';
import { closeIdleDisks, isContainerLayer, openDiskRef } from './archive-disk.js';
import { closeSyncFd, DIRECT_INFLATE_MAX, FdSliceReader, InflatedReader, openSyncFd } from './archive-direct.js';
import type { CollectionHost, CollectorHash } from './collection.js';
import { openCollection } from './layouts.js';
import { IDX_MAX_BYTES, parseSparseIndex, SPARSE_LAYER, SparseReader } from './vr-sparse.js';

export interface CollectionEvidence extends OpenedEvidence {
  hosts: CollectionHost[];
  collectorHashes(): CollectorHash[];
}

/** Process-wide archive options (the CLI's --password, a temp folder); see ../archive-options.ts. */
export { setArchiveOptions };

const zipOptions = (): ZipOpenOptions => ({ ...archiveOptions() });

export async function openArchiveEvidence(path: string, _evidenceId: string, detected: Detected): Promise<CollectionEvidence> {
  const kind = detected.kind === 'zip' ? 'zip' : 'tar';
  const options = zipOptions();
  let raw: ZipFilesystem | TarFilesystem;
  try {
    raw = kind === 'zip' ? await ZipFilesystem.openFile(path, options) : await TarFilesystem.openFile(path, { gzip: detected.compressed === 'gzip', ...(options.tempDir ? { tempDir: options.tempDir } : {}) });
  } catch (err) {
    return { item: { kind, sizeBytes: detected.sizeBytes, errors: [{ path: '/', message: `cannot read the ${kind} archive: ${(err as Error).message}` }] }, hosts: [], collectorHashes: () => [], close: async () => {} };
  }
  const opened: Filesystem[] = [];
  const r = await openCollection(raw, { zip: options, opened });
  const errors = [...raw.allIssues.map((i) => ({ path: i.member ?? '/', message: i.message })), ...r.errors];
  if (raw instanceof ZipFilesystem) {
    const locked = raw.archive.entries.filter((e) => e.encryption !== 'none' && !e.isDir);
    const strong = locked.filter((e) => e.encryption === 'strong');
    if (locked.length > 0 && options.password === undefined) {
      const aes = locked.filter((e) => e.encryption === 'aes').length;
      errors.push({ path: locked[0]!.name, message: `${locked.length} member(s) are encrypted (${aes} WinZip AES, ${locked.length - aes - strong.length} ZipCrypto, ${strong.length} PKWARE strong), e.g. ${locked[0]!.name}: give the password with --password` });
    } else if (strong.length > 0) {
      errors.push({ path: strong[0]!.name, message: `${strong.length} member(s) use PKWARE strong encryption, which is not supported, e.g. ${strong[0]!.name}: decrypt with the collector's tools` });
    }
  }
  return {
    item: { kind, layout: r.layout, sizeBytes: detected.sizeBytes, errors },
    hosts: r.hosts,
    collectorHashes: r.collectorHashes,
    close: async () => {
      for (const fs of opened.reverse()) await fs.close().catch(() => {});
      await raw.close();
    },
  };
}

/** `fd`: a synchronous descriptor on the archive file, for the worker fast paths (archive-direct.ts). */
type Opened = { zip?: ZipArchive; tar?: TarArchive; reader: Reader; fd?: number; refs: number; key: string };
const cache = new Map<string, Promise<Opened>>();
const CACHE_MAX = 8;

async function acquire(key: string, make: () => Promise<Omit<Opened, 'refs' | 'key'>>): Promise<Opened> {
  let p = cache.get(key);
  if (!p) {
    p = make().then((o) => ({ ...o, refs: 0, key }));
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  const o = await p;
  o.refs++;
  return o;
}

async function release(o: Opened): Promise<void> {
  o.refs--;
  await evictArchives(CACHE_MAX);
}

/**
 * Close every archive (and disk inside one) that no reader uses any more. Hash workers keep their
 * caches until they end; the engine's own thread, which hashes small sets itself, calls this at
 * the end of a scan so nothing stays open between scans.
 */
export async function closeIdleArchives(): Promise<void> {
  await evictArchives(0);
  await closeIdleDisks();
}

async function evictArchives(keep: number): Promise<void> {
  if (cache.size <= keep) return;
  for (const [k, p] of cache) {
    const v = await p.catch(() => null);
    if (v && v.refs === 0 && cache.size > keep) {
      cache.delete(k);
      await v.zip?.close();
      await v.tar?.close();
      await v.reader.close();
      if (v.fd !== undefined) closeSyncFd(v.fd);
    }
  }
}

function findZip(z: ZipArchive, l: Layer) {
  const named = z.entries.filter((e) => e.name === l.locator && !e.isDir);
  return named.length > 1 && l.offset !== undefined ? named.find((e) => e.localHeaderOffset === l.offset) : named[0];
}

/** EvidenceRef → a Reader over the member's bytes (each step re-opened from plain data). */
export async function openArchiveRef(ref: EvidenceRef): Promise<Reader> {
  const [outer, ...rest] = ref.chain;
  if (!outer || outer.kind !== 'archive') throw new Error(`not an archive ref: ${ref.evidenceId}:${ref.path}`);
  const st = await stat(outer.locator);
  const options = zipOptions();
  // Archives opened under other options (another password) are not reused.
  let key = `${outer.locator}|${st.size}|${st.mtimeMs}|${archiveOptionsGeneration()}`;
  // The bytes that hold the archive of the next layer; intermediate member readers belong to the cache.
  let source: (() => Promise<Reader>) | null = null;
  const held: Opened[] = [];
  try {
    for (let i = 0; i < rest.length; i++) {
      let l = rest[i]!;
      let gzip = false;
      if (l.kind === 'gzip') {
        gzip = true;
        l = rest[++i]!;
        if (!l || l.kind !== 'tar') throw new Error('a gzip layer must be followed by a tar layer');
      }
      if (isContainerLayer(l.kind) && source && i > 0) {
        // A disk image member (KAPE --zv): the rest of the chain is container › volume › file system.
        const held0 = [...held];
        const pin = (): (() => Promise<void>) => {
          for (const h of held0) h.refs++;
          return async () => { for (const h of held0) await release(h); };
        };
        const inner = await openDiskRef(key, source, rest[i - 1]!.locator, rest.slice(i), ref.path, pin);
        return { size: inner.size, read: (off, len) => inner.read(off, len), close: async () => { await inner.close(); for (const h of held) await release(h); } };
      }
      if (l.kind !== 'zip' && l.kind !== 'tar') throw new Error(`unexpected layer '${l.kind}' inside an archive ref`);
      const src = source;
      const o = await acquire(`${key}|${gzip ? 'gz' : ''}${l.kind}`, async () => {
        if (!src && l.kind === 'zip') {
          const zip = await ZipArchive.openFile(outer.locator, options);
          const fd = isMainThread ? undefined : openSyncFd(outer.locator);
          return { zip, reader: { size: zip.size, read: async () => new Uint8Array(0), close: async () => {} }, ...(fd !== undefined ? { fd } : {}) };
        }
        const reader = src ? await src() : await FileReader.open(outer.locator);
        try {
          if (l.kind === 'zip') return { zip: await ZipArchive.open(reader, options), reader };
          return { tar: await TarArchive.open(reader, { gzip, ...(options.tempDir ? { tempDir: options.tempDir } : {}) }), reader };
        } catch (err) {
          await reader.close();
          throw err;
        }
      });
      held.push(o);
      const layer = l;
      const open = (): Promise<Reader> => (o.zip ? openZipMember(o.zip, layer) : openTarMember(o.tar!, layer));
      const sparse = rest[i + 1]?.kind === SPARSE_LAYER && i + 1 === rest.length - 1 ? rest[i + 1]! : null;
      if (i === rest.length - 1 || sparse) {
        let last = (o.fd !== undefined && o.zip ? directMember(o.zip, o.fd, layer) : null) ?? (await open());
        if (sparse) last = await expandSparse(o, last, sparse);
        return {
          size: last.size,
          read: (off, len) => last.read(off, len),
          close: async () => {
            await last.close().catch(() => {});
            for (const h of held) await release(h);
          },
        };
      }
      source = open;
      key += `|${l.kind}:${l.locator}@${l.offset}`;
    }
    throw new Error(`archive ref ${ref.path} names no member`);
  } catch (err) {
    for (const h of held) await release(h);
    throw err;
  }
}

/** A Velociraptor sparse upload: the stored runs re-expanded through the sibling .idx member (vr-sparse.ts). */
async function expandSparse(o: Opened, data: Reader, l: Layer): Promise<Reader> {
  try {
    const idx = o.zip ? await openZipMember(o.zip, l) : await openTarMember(o.tar!, l);
    let text: string;
    try {
      text = new TextDecoder('utf-8').decode(await readAll(idx, IDX_MAX_BYTES));
    } finally {
      await idx.close();
    }
    return new SparseReader(data, parseSparseIndex(text, data.size, l.locator));
  } catch (err) {
    await data.close();
    throw err;
  }
}

/** A worker's fast reader for a plain member of a ZIP file on disk, or null to take the general path. */
function directMember(z: ZipArchive, fd: number, l: Layer): Reader | null {
  const e = findZip(z, l);
  const d = e ? z.plainData(e) : null;
  if (!e || !d) return null;
  if (d.method === 0) return new FdSliceReader(fd, d.dataOffset, Math.min(d.size, d.compressedSize));
  if (d.size > DIRECT_INFLATE_MAX || d.compressedSize > DIRECT_INFLATE_MAX) return null;
  return new InflatedReader(fd, { name: e.name, ...d }, (code, message) => {
    if (!z.issues.some((i) => i.code === code && i.member === e.name)) z.issues.push({ severity: 'error', code, member: e.name, message });
  });
}

async function openZipMember(z: ZipArchive, l: Layer): Promise<Reader> {
  const e = findZip(z, l);
  if (!e) throw new ParseError('decode', { what: l.locator }, `ZIP member ${l.locator} is not in the archive`);
  return z.openMember(e);
}

async function openTarMember(t: TarArchive, l: Layer): Promise<Reader> {
  const e = t.entries.find((x) => x.name === l.locator && (l.offset === undefined || x.headerOffset === l.offset));
  if (!e) throw new ParseError('decode', { what: l.locator }, `tar member ${l.locator} is not in the archive`);
  return t.openMember(e);
}

registerEvidenceOpener('zip', openArchiveEvidence);
registerEvidenceOpener('tar', openArchiveEvidence);
registerOpener('archive', openArchiveRef);

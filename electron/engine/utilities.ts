/**
 * `ls`, `cat`, `hash`: the evidence stack exposed the way examiners already work with TSK and
 * hashdeep (contract.md § Examiner utilities), and the way tests check the stack against them.
 */
import type { Writable } from 'node:stream';
import type { FileEntry } from '../common/vfs.js';
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { setArchiveOptions } from '../evidence/archive-options.js';
import type { HashAlgorithm, HashJob, HashResult } from '../hashing/index.js';
import { forEachChunk, type Reader } from '../io/reader.js';
import { imageLoaderOptions } from '../evidence/loaders/image.js';
import { ntfsCacheSizes } from '../formats/ntfs/index.js';
import { EvidenceView } from './evidence-view.js';

/**
 * Decoded container blocks (EWF chunks…) an image opened for ls/cat/hash keeps: these walk a tree
 * or read a file once, and the scan's 64 MiB is for coming back to hives and directories. `hash`
 * also keeps fewer NTFS records and files (its listing overlaps the workers, and the process's
 * peak is the sum); `ls` keeps the scan's, which its walk through 500 directories reuses (8 %
 * less CPU than with the smaller set on the 4 GiB bench).
 */
const UTILITY_CACHE_BYTES = 8 * 1024 * 1024;
const HASH_NTFS_CACHE = { records: 2048, files: 512 };

/** Process-wide settings: these utilities are the CLI's commands, one per process (the app's engine never calls them). */
function openView(evidence: string, lean = false): Promise<EvidenceView> {
  imageLoaderOptions.cacheBytes ??= UTILITY_CACHE_BYTES;
  if (lean) Object.assign(ntfsCacheSizes, HASH_NTFS_CACHE);
  return EvidenceView.open(evidence);
}

export interface LsOptions {
  recursive: boolean;
  deleted: boolean;
  json: boolean;
}

/**
 * Walk in a stable order (sorted by name), depth first like `fls -r -p`, one directory's entries
 * at a time: a directory's entries, then each subdirectory's subtree in order. A subtree whose
 * file system can list itself in one go (NTFS: one pass over $MFT) is handed over whole; the
 * order is the same either way.
 */
export async function* walkBatches(view: EvidenceView, path: string, recursive: boolean, deleted = false): AsyncGenerator<FileEntry[]> {
  const stack: string[] = [path];
  // A deleted folder can share its path with a live one (or a recovered name point back up the
  // tree): each path is walked once.
  const walked = new Set<string>();
  while (stack.length) {
    const dir = stack.pop()!;
    if (walked.has(dir)) continue;
    walked.add(dir);
    // The one-pass tree lists what the directory indexes hold; deleted records need the full scan.
    const tree = recursive && !deleted ? view.tree(dir) : null;
    if (tree) {
      yield* tree;
      continue;
    }
    const entries = (await view.list(dir, { deleted })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    yield entries;
    if (!recursive) continue;
    for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.type === 'dir') stack.push(entries[i]!.path);
  }
}

export async function* walk(view: EvidenceView, path: string, recursive: boolean): AsyncGenerator<FileEntry> {
  for await (const batch of walkBatches(view, path, recursive)) yield* batch;
}

/** Text lines keep one entry per line whatever the name holds: control characters are escaped. */
const printable = (s: string): string => {
  // Most names need nothing: look first instead of rebuilding the string a character at a time.
  let plain = true;
  for (let i = 0; i < s.length && plain; i++) {
    const code = s.charCodeAt(i);
    plain = code >= 0x20 && code !== 0x7f && code !== 0x5c;
  }
  if (plain) return s;
  let out = '';
  for (const c of s) {
    const code = c.charCodeAt(0);
    out += c === '\\' ? '\\\\' : code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  }
  return out;
};

export function formatLsLine(e: FileEntry, json: boolean): string {
  if (json) {
    return JSON.stringify({ path: e.path, type: e.type === 'other' ? 'file' : e.type, size: e.size, id: e.id ?? null, created: e.created, modified: e.modified, accessed: e.accessed, changed: e.changed, deleted: e.deleted ?? false });
  }
  return `${e.type}\t${e.size}\t${e.created ?? '-'}\t${e.modified ?? '-'}\t${e.accessed ?? '-'}\t${e.changed ?? '-'}\t${e.id ?? '-'}\t${printable(e.path)}${e.deleted ? ' (deleted)' : ''}`;
}

/** `out` may return a promise to hold the listing back (a full pipe); it is awaited before going on. */
export async function ls(evidence: string, path: string, opts: LsOptions, out: (line: string) => void | Promise<void>): Promise<number> {
  const view = await openView(evidence);
  try {
    let n = 0;
    for await (const batch of walkBatches(view, path, opts.recursive, opts.deleted)) {
      for (const e of batch) {
        if (e.deleted && !opts.deleted) continue;
        const wait = out(formatLsLine(e, opts.json));
        if (wait) await wait;
        n++;
      }
    }
    return n;
  } finally {
    await view.close();
  }
}

export async function cat(evidence: string, pathSpec: string, out: Writable): Promise<void> {
  const view = await openView(evidence);
  try {
    const at = view.locate(pathSpec);
    if (!at) throw new Error(`no such path: ${pathSpec}`);
    const e = await at.fs.stat(at.inner);
    if (!e) throw new Error(`no such file: ${pathSpec}`);
    if (e.type !== 'file') throw new Error(`not a file: ${pathSpec}`);
    const r = (await at.fs.open(at.inner)) as Reader;
    try {
      await forEachChunk(r, 1 << 20, (chunk) => new Promise<void>((res, rej) => out.write(chunk, (err) => (err ? rej(err) : res()))));
    } finally {
      await r.close();
    }
  } finally {
    await view.close();
  }
}

export interface HashOptions {
  algorithms: HashAlgorithm[];
  workers?: number;
  /** Password of protected archives (ZipCrypto, WinZip AES); reaches the hash workers with each task. */
  password?: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, bytes: number) => void;
}

/** Files handed to the pool per batch while the walk goes on, so hashing overlaps listing. */
const STREAM_FILES = 2000;

/**
 * hashdeep-style CSV of every file under a path, hashed by the worker pool. The walk streams
 * batches into the pool as it lists, so the workers hash while the tree is still being read; on
 * two cores a 50,000-file tree (2.2 GB, warm cache) hashes in 0.7× hashdeep's time. Each job
 * carries the listing's file id, so a worker opens an NTFS file of a disk image by its MFT entry
 * and reads big ones straight from the image (hashing/image-jobs.ts).
 */
export async function hashTree(evidence: string, path: string, opts: HashOptions, out: (line: string) => void, argv: string[]): Promise<{ files: number; errors: number }> {
  if (opts.password !== undefined) setArchiveOptions({ password: opts.password });
  const { HashPool } = await import('../hashing/index.js'); // not loaded for ls, cat
  const view = await openView(evidence, true);
  // The listing needs the view; the workers open the evidence themselves. Closed as soon as the
  // walk ends, so its caches (an E01's decoded chunks, MFT records) are not held while hashing.
  let viewOpen = true;
  const closeView = async (): Promise<void> => {
    if (!viewOpen) return;
    viewOpen = false;
    await view.close();
  };
  // Hashing is the only work here: use every core (the engine's default keeps one for itself).
  const pool = new HashPool({ workers: opts.workers ?? Math.max(1, availableParallelism()) });
  pool.warmUp();
  // Every streamed batch listens on the one abort signal.
  if (opts.signal) setMaxListeners(0, opts.signal);
  try {
    const shown: string[] = [];
    const runs: Promise<HashResult[]>[] = [];
    const done = new Map<Promise<HashResult[]>, number>();
    let batch: HashJob[] = [];
    let walking = true;
    const report = (): void => opts.onProgress?.([...done.values()].reduce((a, b) => a + b, 0), walking ? 0 : shown.length, 0);
    const flush = (): void => {
      if (batch.length === 0) return;
      const jobs = batch;
      batch = [];
      let p: Promise<HashResult[]> | null = null;
      p = pool.hashAll(jobs, { ...(opts.signal ? { signal: opts.signal } : {}), onProgress: (x) => (done.set(p!, x.jobsDone), report()) });
      done.set(p, 0);
      runs.push(p);
    };
    const add = (e: FileEntry): void => {
      const at = view.locate(e.path)!;
      shown.push(e.path);
      // Built field by field: spread into a literal, each of 50,000 jobs got a hidden class of its
      // own in V8 (44k maps, ~4 MB of the main thread's heap on the 50,000-file bench).
      const job: HashJob = { ref: { evidenceId: 'E1', path: at.inner, chain: at.fs.layersFor(at.inner) }, algorithms: opts.algorithms, size: e.size };
      if (e.id !== undefined) job.fileId = e.id;
      batch.push(job);
      if (batch.length >= STREAM_FILES) flush();
    };
    const start = await view.stat(path);
    if (start?.type === 'file') add(start);
    else if (!start || start.type === 'dir') for await (const e of walk(view, path, true)) if (e.type === 'file') add(e);
    flush();
    walking = false;
    await closeView();
    out('%%%% HASHDEEP-1.0');
    out(`%%%% size,${opts.algorithms.join(',')},filename`);
    out(`## Invoked from: ${process.cwd()}`);
    out(`## $ 3cx-triage ${argv.join(' ')}`);
    out('##');
    // Printed batch by batch in listing order as the batches finish, each then let go. (A
    // rejection, a cancel, surfaces from the first batch awaited; the others' are expected.)
    for (const p of runs) p.catch(() => {});
    let errors = 0;
    let i = 0;
    for (let k = 0; k < runs.length; k++) {
      const results = await runs[k]!;
      runs[k] = Promise.resolve([]);
      for (const r of results) {
        const name = shown[i++]!;
        if (r.error) {
          errors++;
          process.stderr.write(`3cx-triage: ${name}: ${r.error}\n`);
          continue;
        }
        out([r.size, ...opts.algorithms.map((a) => r[a] ?? ''), printable(name)].join(','));
      }
    }
    return { files: shown.length, errors };
  } finally {
    await pool.close();
    await closeView();
  }
}

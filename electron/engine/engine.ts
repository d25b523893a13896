/**
 * The case API: evidence in, the contract's result document out. A plain object with its
 * dependencies handed in (assets folder, worker count), so the CLI, the tests and the Electron
 * utility process all build the same engine.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve as resolvePath } from 'node:path';
import type { ParseIssue } from '../common/issues.js';
import { RESULT_SCHEMA, type EvidenceItem, type HostResult, type ResultError, type ScanResult } from '../common/scan-result.js';
import { pluginsFor, runPlugins, type AppFileRecord } from '../artefacts/index.js';
import { hostFacts, sha1Indicators } from './host-facts.js';
import { analyseHost } from '../analysis/host-analysis.js';
import { closeIdleArchives } from '../evidence/loaders/archive.js';
import { runPluginsOverViews } from './extra-views.js';
import { digestKey, type Digest } from '../analysis/digests.js';
import { loadBuiltinIocs, loadIocFile, withExtras, type IocSet } from '../analysis/ioc/index.js';
import { openEvidence, type OpenedEvidence, type OpenedHost } from '../evidence/open.js';
import { detectEvidence } from '../evidence/detect.js';
import { FsTarget } from '../evidence/target.js';
import { HashPool } from '../hashing/index.js';
import { ASSETS_DIR, PACKAGE_JSON } from './paths.js';
import type { ScanProgress } from './progress.js';
import { runOrdered } from './ordered-runner.js';
import '../evidence/loaders/index.js';
import { imageLoaderOptions } from '../evidence/loaders/image.js';
import { setArchiveOptions } from '../evidence/loaders/archive.js';

export interface ScanOptions {
  iocFiles?: string[];
  caseName?: string | null;
  examiner?: string | null;
  signal?: AbortSignal;
  onProgress?: (p: ScanProgress) => void;
  /** Evidence ids in the order of `paths` (default E1, E2 …): a case keeps its ids when items are removed. */
  ids?: readonly string[];
  /**
   * One item's own stop: aborting it ends that item only. The item stays in the result with a
   * "cancelled" error and one inconclusive host whose stages are all not assessed, so a skipped
   * item can never read as clean; `onItemCancelled` says which items ended that way.
   */
  itemSignal?: (evidenceId: string) => AbortSignal | undefined;
  onItemCancelled?: (evidenceId: string) => void;
  /** Indicators already loaded (the CLI loads them first to fail fast on a bad pack); else from `iocFiles`. */
  iocs?: IocSet;
}

export interface EngineOptions {
  assetsDir?: string;
  workers?: number;
  /** Verify the hashes images store by a full read (E01); off by default, as it reads every byte. */
  verifyImages?: boolean;
  /** Password for protected triage archives. */
  archivePassword?: string;
  /**
   * Evidence items (and hosts of one multi-host item) scanned at once; 1 = strictly one after
   * another. Results, ids and progress read the same either way (ordered-runner.ts).
   */
  concurrency?: number;
}

/**
 * Two at a time: a small item's scan is mostly waits (directory listings, member reads, the hash
 * worker's round-trips), so a second item fills them. On a fleet of 200 live folders and 200
 * collection ZIPs (test/bench/sections/fleet.ts, 2 cores) three or four were within noise of two,
 * and every extra item in flight holds its evidence open and its records in memory.
 */
export const DEFAULT_CONCURRENCY = 2;
/** An evidence file this large is a disk image, not a triage package: it is scanned alone. */
const LARGE_ITEM_BYTES = 4 * 1024 ** 3;

/** What the engine shares between all items of one scan. */
interface ScanContext {
  iocs: IocSet;
  plugins: ReturnType<typeof pluginsFor>;
  pool: HashPool;
  limit: number;
}

/** One item's hosts (ids assigned when the item is delivered) and its item entry. */
interface ItemScan { item: EvidenceItem; hosts: HostResult[] }

export async function toolVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(PACKAGE_JSON, 'utf8')) as { version: string };
  return pkg.version;
}


/** Up to 64 files and 64 MiB per host are hashed on the engine's thread (see hashing/inline.ts). */
const INLINE_HASHING = { maxJobs: 64, maxBytes: 64 << 20 };
export class Engine {
  constructor(private readonly opts: EngineOptions = {}) {
    imageLoaderOptions.verify = opts.verifyImages ?? false;
    if (opts.archivePassword !== undefined) setArchiveOptions({ password: opts.archivePassword });
  }

  /** Load the built-in indicators plus extra packs; a bad pack throws IocFormatError (file and line). */
  async loadIocs(iocFiles: readonly string[] = []): Promise<IocSet> {
    const base = await loadBuiltinIocs(this.opts.assetsDir ?? ASSETS_DIR);
    const extras = [];
    for (const f of iocFiles) extras.push({ path: f, ...(await loadIocFile(f)) });
    return withExtras(base, extras);
  }

  async scan(paths: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
    const startedAt = new Date().toISOString();
    const progress = options.onProgress ?? (() => {});
    progress({ phase: 'iocs', message: 'loading indicators' });
    const iocs = options.iocs ?? (await this.loadIocs(options.iocFiles));
    const evidence: EvidenceItem[] = [];
    const hosts: HostResult[] = [];
    const errors: ResultError[] = [];
    // A targeted scan hashes a dozen files per host: on this thread, unless a host brings many.
    const pool = new HashPool({ ...(this.opts.workers === undefined ? {} : { workers: this.opts.workers }), inline: INLINE_HASHING });
    // Once per scan, not per host: with a large extra pack this set was most of a fleet scan's work.
    const ctx: ScanContext = { iocs, plugins: pluginsFor(sha1Indicators(iocs)), pool, limit: Math.max(1, Math.floor(this.opts.concurrency ?? DEFAULT_CONCURRENCY)) };
    const ids = paths.map((_, i) => options.ids?.[i] ?? `E${i + 1}`);
    const itemSignals = new Map<number, AbortSignal | undefined>();
    const itemSignal = (i: number): AbortSignal | undefined => {
      if (!itemSignals.has(i)) itemSignals.set(i, options.itemSignal?.(ids[i]!));
      return itemSignals.get(i);
    };
    const weights = new Map<number, number>();
    try {
      await runOrdered<ItemScan | null, ScanProgress>(
        paths.length,
        {
          limit: ctx.limit,
          window: ctx.limit * 4,
          weight: async (i) => {
            const w = await itemWeight(resolvePath(paths[i]!), ctx.limit);
            weights.set(i, w);
            return w;
          },
          supersedes: sameHashTick,
        },
        async (i, emit) => {
          options.signal?.throwIfAborted();
          const stop = itemSignal(i);
          const signal = stop && options.signal ? AbortSignal.any([options.signal, stop]) : (stop ?? options.signal);
          // A heavy item (a disk image) reads its hosts one after another too.
          const hostLimit = (weights.get(i) ?? 1) > 1 ? 1 : ctx.limit;
          try {
            stop?.throwIfAborted();
            return await this.scanOne(ids[i]!, resolvePath(paths[i]!), `item ${i + 1} of ${paths.length}`, { ...ctx, limit: hostLimit }, { ...options, signal, onProgress: emit });
          } catch (err) {
            // Only this item was stopped: it is recorded as not assessed when its turn comes.
            if (!stop?.aborted || options.signal?.aborted) throw err;
            return null;
          }
        },
        {
          event: progress,
          result: async (i, scanned) => {
            const id = ids[i]!;
            let one = scanned;
            // Stopped while it ran, or while it waited, already finished, for its turn (to the
            // examiner it was still pending): either way it is reported as not assessed.
            if (one === null || (itemSignal(i)?.aborted && !options.signal?.aborted)) {
              one = await cancelledItem(id, resolvePath(paths[i]!), iocs);
              options.onItemCancelled?.(id);
            }
            evidence.push(one.item);
            for (const h of one.hosts) hosts.push({ ...h, id: `H${hosts.length + 1}` });
            for (const e of one.item.errors) errors.push({ evidenceId: id, ...e });
          },
        },
      );
    } finally {
      await pool.close();
      await closeIdleArchives(); // opened on this thread by in-thread hashing
    }
    progress({ phase: 'done', message: `${hosts.length} host(s) scanned` });
    return {
      schema: RESULT_SCHEMA,
      tool: { name: '3cx-triage', version: await toolVersion() },
      iocSet: { name: iocs.name, version: iocs.version, sha256: iocs.sha256, extra: [...iocs.extra] },
      case: { name: options.caseName ?? null, examiner: options.examiner ?? null },
      startedAt,
      finishedAt: new Date().toISOString(),
      evidence,
      hosts,
      errors,
    };
  }

  /** One evidence item; host ids are left empty, the caller numbers hosts in argument order. */
  private async scanOne(id: string, path: string, position: string, ctx: ScanContext, options: ScanOptions): Promise<ItemScan> {
    const progress = options.onProgress ?? (() => {});
    // Where the scan stands, for a fleet of hundreds: "item 17 of 200", "host 3 of 120".
    progress({ phase: 'open', evidenceId: id, message: `opening ${path} (${position})` });
    let opened: OpenedEvidence;
    try {
      opened = await openEvidence(path, id);
    } catch (err) {
      const item: EvidenceItem = { id, path, kind: 'folder', sizeBytes: 0, errors: [{ path: '/', message: err instanceof Error ? err.message : String(err) }] };
      return { item, hosts: [unreadableHost(id, path, item, ctx.iocs)] };
    }
    const item: EvidenceItem = { id, path, ...opened.item, errors: [...opened.item.errors] };
    try {
      if (opened.hosts.length === 0) return { item, hosts: [unreadableHost(id, path, item, ctx.iocs)] };
      const hosts: HostResult[] = [];
      // A collection folder holds hundreds of hosts: a few at a time, delivered in order.
      await runOrdered<{ host: HostResult; errors: EvidenceItem['errors'] }, ScanProgress>(
        opened.hosts.length,
        { limit: ctx.limit, window: ctx.limit * 2, supersedes: sameHashTick },
        (k, emit) => this.scanOpened(id, path, opened.hosts[k]!, opened.hosts.length > 1 ? `host ${k + 1} of ${opened.hosts.length}: ` : '', ctx, { ...options, onProgress: emit }),
        {
          event: progress,
          result: (_k, r) => {
            hosts.push(r.host);
            item.errors.push(...r.errors);
          },
        },
      );
      return { item, hosts };
    } finally {
      await opened.close();
    }
  }

  /** A lazy host (one archive of a collection folder) is read in full for its scan only, and let go right after. */
  private async scanOpened(id: string, path: string, h: OpenedHost, position: string, ctx: ScanContext, options: ScanOptions): Promise<{ host: HostResult; errors: EvidenceItem['errors'] }> {
    if (!h.open) return this.scanHost(id, path, h, position, ctx, options);
    try {
      let full: Awaited<ReturnType<NonNullable<OpenedHost['open']>>>;
      try {
        options.signal?.throwIfAborted();
        full = await h.open();
      } catch (err) {
        if (options.signal?.aborted) throw err;
        const reason = err instanceof Error ? err.message : String(err);
        const a = analyseHost({ os: 'unknown', records: [], digests: new Map(), iocs: ctx.iocs, readable: false, unreadableReason: reason });
        return { host: { id: '', name: h.label ?? basename(path), os: 'unknown', evidence: [id], ...a }, errors: [{ path: '/', message: reason }] };
      }
      const r = await this.scanHost(id, path, full, position, ctx, options);
      return { host: r.host, errors: [...(full.errors ?? []), ...r.errors] };
    } finally {
      await h.release?.();
    }
  }

  /** One host; its errors are returned, not pushed, so hosts scanned side by side keep their order. */
  private async scanHost(id: string, path: string, h: OpenedHost, position: string, ctx: ScanContext, options: ScanOptions): Promise<{ host: HostResult; errors: EvidenceItem['errors'] }> {
    const progress = options.onProgress ?? (() => {});
    const errors: EvidenceItem['errors'] = [];
    const target = await FsTarget.create(id, h.fs, h.osHint);
    progress({ phase: 'artefacts', evidenceId: id, message: `${position}${target.os} ${target.shape}, ${target.users.length} user profile(s)` });
    const run = await runPlugins(target, ctx.plugins, options.signal);
    if (h.extraViews?.length) {
      progress({ phase: 'artefacts', evidenceId: id, message: `${h.extraViews.length} earlier state(s) of this host (shadow copies)` });
      const more = await runPluginsOverViews(id, h.extraViews, ctx.plugins, target.os, options.signal);
      run.records.push(...more.records);
      run.issues.push(...more.issues);
      for (const n of more.notes) run.records.push({ type: 'collection-note', kind: 'note', text: n });
    }
    for (const c of h.coverage ?? []) run.records.push({ type: 'collection-note', kind: 'coverage', text: c });
    for (const n of h.notes ?? []) run.records.push({ type: 'collection-note', kind: 'note', text: n });
    for (const ch of h.collectorHashes?.() ?? []) run.records.push({ type: 'collector-hash', ...ch, ref: target.ref(ch.path) });
    for (const i of run.issues) errors.push(issueToError(i));
    const files = run.records.filter((r): r is AppFileRecord => r.type === 'app-file');
    progress({ phase: 'hash', evidenceId: id, message: `hashing ${files.length} file(s)`, done: 0, total: files.length });
    const results = await ctx.pool.hashAll(
      files.map((f) => ({ ref: f.ref, algorithms: ['md5', 'sha1', 'sha256'], size: f.entry.size })),
      { ...(options.signal ? { signal: options.signal } : {}), prefixSha1: true, onProgress: (p) => progress({ phase: 'hash', evidenceId: id, message: 'hashing', done: p.jobsDone, total: p.jobsTotal }) },
    );
    const digests = new Map<string, Digest>();
    for (const r of results) {
      digests.set(digestKey(r.ref), r);
      if (r.error) errors.push({ path: r.ref.path, message: `hash: ${r.error}` });
    }
    progress({ phase: 'analyse', evidenceId: id, message: 'analysing' });
    const a = analyseHost({ os: target.os, records: run.records, digests, iocs: ctx.iocs, readable: true });
    const facts = hostFacts(run.records);
    const computerName = facts.find((f) => f.name === 'computer name')?.value;
    return { host: { id: '', name: target.hostName ?? computerName ?? h.label ?? basename(path), os: target.os, evidence: [id], ...a, ...(facts.length ? { facts } : {}) }, errors };
  }
}

/** Weight of an item for the ordered runner: a disk-image-sized file takes every slot. */
async function itemWeight(path: string, limit: number): Promise<number> {
  const st = await stat(path).catch(() => null);
  return st?.isFile() && st.size >= LARGE_ITEM_BYTES ? limit : 1;
}

/** A throttled hashing tick held back behind the front item only needs its latest value. */
function sameHashTick(prev: ScanProgress, next: ScanProgress): boolean {
  return prev.phase === 'hash' && next.phase === 'hash' && prev.evidenceId === next.evidenceId && prev.message === next.message && prev.done !== 0;
}

/** A host whose evidence could not be opened: every stage not-assessed, the reason in the verdict. */
function unreadableHost(id: string, path: string, item: EvidenceItem, iocs: IocSet): HostResult {
  const reason = item.errors.map((e) => e.message).join('; ') || 'unknown error';
  const a = analyseHost({ os: 'unknown', records: [], digests: new Map(), iocs, readable: false, unreadableReason: reason });
  return { id: '', name: basename(path), os: 'unknown', evidence: [id], ...a };
}

/** An item the examiner stopped: kind from its magic only (nothing else is read), one host with nothing assessed. */
async function cancelledItem(id: string, path: string, iocs: IocSet): Promise<{ item: EvidenceItem; hosts: HostResult[] }> {
  const detected = await detectEvidence(path).catch(() => null);
  const item: EvidenceItem = { id, path, kind: detected?.kind ?? 'folder', sizeBytes: detected?.sizeBytes ?? 0, errors: [{ path: '/', message: 'scan cancelled by the examiner: nothing on this item was assessed' }] };
  const a = analyseHost({ os: 'unknown', records: [], digests: new Map(), iocs, readable: false, unreadableReason: 'scan cancelled by the examiner' });
  const verdictReason = `Not assessed: the examiner cancelled the scan of ${id} before it finished, so no stage on this evidence was examined.`;
  return { item, hosts: [{ id: '', name: basename(path), os: 'unknown', evidence: [id], ...a, verdictReason }] };
}

function issueToError(i: ParseIssue): { path: string; message: string } {
  const off = i.evidence.within?.offset;
  return { path: i.evidence.path, message: `${i.parser}: ${i.message}${off !== undefined ? ` (offset 0x${off.toString(16)})` : ''}${i.recovered ? '' : ' [not recovered]'}` };
}

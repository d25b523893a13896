/**
 * The case API: evidence in, the contract's result document out. A plain object with its
 * dependencies handed in (assets folder, worker count), so the CLI, the tests and the Electron
 * utility process all build the same engine.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve as resolvePath } from 'node:path';
import type { ParseIssue } from '../common/issues.js';
import { RESULT_SCHEMA, type EvidenceItem, type HostResult, type ResultError, type ScanResult } from '../common/scan-result.js';
import { pluginsFor, runPlugins, type AppFileRecord } from '../artefacts/index.js';
import { hostFacts, sha1Indicators } from './host-facts.js';
import { analyseHost } from '../analysis/host-analysis.js';
import { digestKey, type Digest } from '../analysis/digests.js';
import { loadBuiltinIocs, loadIocFile, withExtras, type IocSet } from '../analysis/ioc/index.js';
import { openEvidence, type OpenedEvidence, type OpenedHost } from '../evidence/open.js';
import { detectEvidence } from '../evidence/detect.js';
import { FsTarget } from '../evidence/target.js';
import { HashPool } from '../hashing/index.js';
import { ASSETS_DIR, PACKAGE_JSON } from './paths.js';
import type { ScanProgress } from './progress.js';
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
}

export interface EngineOptions {
  assetsDir?: string;
  workers?: number;
  /** Verify the hashes images store by a full read (E01); off by default, as it reads every byte. */
  verifyImages?: boolean;
  /** Password for protected triage archives. */
  archivePassword?: string;
}

export async function toolVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(PACKAGE_JSON, 'utf8')) as { version: string };
  return pkg.version;
}

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
    const iocs = await this.loadIocs(options.iocFiles);
    const evidence: EvidenceItem[] = [];
    const hosts: HostResult[] = [];
    const errors: ResultError[] = [];
    const pool = new HashPool(this.opts.workers === undefined ? {} : { workers: this.opts.workers });
    try {
      for (const [i, p] of paths.entries()) {
        options.signal?.throwIfAborted();
        const id = options.ids?.[i] ?? `E${i + 1}`;
        const itemSignal = options.itemSignal?.(id);
        const signal = itemSignal && options.signal ? AbortSignal.any([options.signal, itemSignal]) : (itemSignal ?? options.signal);
        let one: { item: EvidenceItem; hosts: HostResult[] };
        try {
          itemSignal?.throwIfAborted();
          one = await this.scanOne(id, hosts.length + 1, resolvePath(p), iocs, pool, { ...options, signal });
        } catch (err) {
          // Only this item was stopped: record it as not assessed and go on with the next one.
          if (!itemSignal?.aborted || options.signal?.aborted) throw err;
          one = await cancelledItem(`H${hosts.length + 1}`, id, resolvePath(p), iocs);
          options.onItemCancelled?.(id);
        }
        evidence.push(one.item);
        hosts.push(...one.hosts);
        const item = one.item;
        for (const e of item.errors) errors.push({ evidenceId: id, ...e });
      }
    } finally {
      await pool.close();
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

  private async scanOne(id: string, firstHost: number, path: string, iocs: IocSet, pool: HashPool, options: ScanOptions): Promise<{ item: EvidenceItem; hosts: HostResult[] }> {
    const progress = options.onProgress ?? (() => {});
    progress({ phase: 'open', evidenceId: id, message: `opening ${path}` });
    let opened: OpenedEvidence;
    try {
      opened = await openEvidence(path, id);
    } catch (err) {
      const item: EvidenceItem = { id, path, kind: 'folder', sizeBytes: 0, errors: [{ path: '/', message: err instanceof Error ? err.message : String(err) }] };
      return { item, hosts: [unreadableHost(`H${firstHost}`, id, path, item, iocs)] };
    }
    const item: EvidenceItem = { id, path, ...opened.item, errors: [...opened.item.errors] };
    try {
      if (opened.hosts.length === 0) return { item, hosts: [unreadableHost(`H${firstHost}`, id, path, item, iocs)] };
      const hosts: HostResult[] = [];
      for (const h of opened.hosts) {
        hosts.push(await this.scanHost(`H${firstHost + hosts.length}`, id, path, h, item, iocs, pool, options));
      }
      return { item, hosts };
    } finally {
      await opened.close();
    }
  }

  private async scanHost(hostId: string, id: string, path: string, h: OpenedHost, item: EvidenceItem, iocs: IocSet, pool: HashPool, options: ScanOptions): Promise<HostResult> {
    const progress = options.onProgress ?? (() => {});
    const target = await FsTarget.create(id, h.fs, h.osHint);
    progress({ phase: 'artefacts', evidenceId: id, message: `${target.os} ${target.shape}, ${target.users.length} user profile(s)` });
    const run = await runPlugins(target, pluginsFor(sha1Indicators(iocs)), options.signal);
    for (const c of h.coverage ?? []) run.records.push({ type: 'collection-note', kind: 'coverage', text: c });
    for (const n of h.notes ?? []) run.records.push({ type: 'collection-note', kind: 'note', text: n });
    for (const ch of h.collectorHashes?.() ?? []) run.records.push({ type: 'collector-hash', ...ch, ref: target.ref(ch.path) });
    for (const i of run.issues) item.errors.push(issueToError(i));
    const files = run.records.filter((r): r is AppFileRecord => r.type === 'app-file');
    progress({ phase: 'hash', evidenceId: id, message: `hashing ${files.length} file(s)`, done: 0, total: files.length });
    const results = await pool.hashAll(
      files.map((f) => ({ ref: f.ref, algorithms: ['md5', 'sha1', 'sha256'] })),
      { ...(options.signal ? { signal: options.signal } : {}), prefixSha1: true, onProgress: (p) => progress({ phase: 'hash', evidenceId: id, message: 'hashing', done: p.jobsDone, total: p.jobsTotal }) },
    );
    const digests = new Map<string, Digest>();
    for (const r of results) {
      digests.set(digestKey(r.ref.evidenceId, r.ref.path), r);
      if (r.error) item.errors.push({ path: r.ref.path, message: `hash: ${r.error}` });
    }
    progress({ phase: 'analyse', evidenceId: id, message: 'analysing' });
    const a = analyseHost({ os: target.os, records: run.records, digests, iocs, readable: true });
    const facts = hostFacts(run.records);
    const computerName = facts.find((f) => f.name === 'computer name')?.value;
    return { id: hostId, name: target.hostName ?? computerName ?? h.label ?? basename(path), os: target.os, evidence: [id], ...a, ...(facts.length ? { facts } : {}) };
  }
}

/** A host whose evidence could not be opened: every stage not-assessed, the reason in the verdict. */
function unreadableHost(hostId: string, id: string, path: string, item: EvidenceItem, iocs: IocSet): HostResult {
  const reason = item.errors.map((e) => e.message).join('; ') || 'unknown error';
  const a = analyseHost({ os: 'unknown', records: [], digests: new Map(), iocs, readable: false, unreadableReason: reason });
  return { id: hostId, name: basename(path), os: 'unknown', evidence: [id], ...a };
}

/** An item the examiner stopped: kind from its magic only (nothing else is read), one host with nothing assessed. */
async function cancelledItem(hostId: string, id: string, path: string, iocs: IocSet): Promise<{ item: EvidenceItem; hosts: HostResult[] }> {
  const detected = await detectEvidence(path).catch(() => null);
  const item: EvidenceItem = { id, path, kind: detected?.kind ?? 'folder', sizeBytes: detected?.sizeBytes ?? 0, errors: [{ path: '/', message: 'scan cancelled by the examiner: nothing on this item was assessed' }] };
  const a = analyseHost({ os: 'unknown', records: [], digests: new Map(), iocs, readable: false, unreadableReason: 'scan cancelled by the examiner' });
  const verdictReason = `Not assessed: the examiner cancelled the scan of ${id} before it finished, so no stage on this evidence was examined.`;
  return { item, hosts: [{ id: hostId, name: basename(path), os: 'unknown', evidence: [id], ...a, verdictReason }] };
}

function issueToError(i: ParseIssue): { path: string; message: string } {
  const off = i.evidence.within?.offset;
  return { path: i.evidence.path, message: `${i.parser}: ${i.message}${off !== undefined ? ` (offset 0x${off.toString(16)})` : ''}${i.recovered ? '' : ' [not recovered]'}` };
}

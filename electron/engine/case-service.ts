/**
 * The open case as a service: the engine side of every IPC channel (`EngineContract`). The
 * Electron utility process (host.ts) and the e2e test bridge both run this same object over the
 * real Engine, so what the tests drive is what the app runs. It never throws to its caller:
 * `handle` answers with a tagged result.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaseEvidence, CaseSnapshot, EngineChannel, EngineReq, EngineRes, EventContract, HostSummary, IpcError, IpcResult } from '../common/ipc-contract.js';
import type { ScanResult } from '../common/scan-result.js';
import { renderHtmlReport } from '../report/html.js';
import { countVerdicts, queryHosts, summarizeHost, withoutEvidence } from './case-queries.js';
import { CaseStore, CaseStoreError, verifyAudit, type AuditEntry } from './case-store.js';
import { prepareDemoEvidence, removeOldDemo, type DemoEvidence } from './demo.js';
import { Engine, type EngineOptions } from './engine.js';
import { BrowseError, EvidenceBrowser } from './evidence-browser.js';
import { indexFindings, queryFindings, type FindingIndex } from './findings.js';

export type ServiceEvent = { [E in 'scan:progress' | 'case:updated']: { event: E; payload: EventContract[E] } }['scan:progress' | 'case:updated'];

export class ServiceError extends Error {
  constructor(readonly code: IpcError['code'], message: string) {
    super(message);
    this.name = 'ServiceError';
  }
}

type Handlers = { [C in EngineChannel]: (req: EngineReq<C>) => Promise<EngineRes<C>> };

export class CaseService {
  private store: CaseStore | null = null;
  private result: ScanResult | null = null;
  private summaries: HostSummary[] = [];
  private findings: FindingIndex = indexFindings(null);
  private browser: EvidenceBrowser | null = null;
  private demo: DemoEvidence | null = null;
  /** The running scan: one stop for all of it, one per item, and the items the engine reported stopped. */
  private scan: { controller: AbortController; items: Map<string, AbortController>; cancelled: Set<string>; done: Promise<void> } | null = null;
  private status = new Map<string, Omit<CaseEvidence, 'id' | 'path' | 'addedAt'>>();
  private version = 0;
  private readonly engine: Engine;

  constructor(
    private readonly emit: (e: ServiceEvent) => void,
    opts: EngineOptions & { engine?: Engine } = {},
  ) {
    this.engine = opts.engine ?? new Engine(opts);
  }

  async handle<C extends EngineChannel>(channel: C, req: EngineReq<C>): Promise<IpcResult<EngineRes<C>>> {
    const fn = this.handlers[channel] as ((r: EngineReq<C>) => Promise<EngineRes<C>>) | undefined;
    if (!fn) return { ok: false, error: { code: 'invalid', message: `unknown channel ${String(channel)}` } };
    try {
      return { ok: true, value: await fn(req) };
    } catch (err) {
      return { ok: false, error: toIpcError(err) };
    }
  }

  /** Resolves when the running scan (if any) has finished or been cancelled. */
  async idle(): Promise<void> {
    await this.scan?.done;
  }

  async dispose(): Promise<void> {
    await this.closeCase();
  }

  private readonly handlers: Handlers = {
    'case:new': async ({ dir, meta }) => {
      await this.closeCase();
      this.attach(await CaseStore.create(dir, meta), null);
      return this.snapshot();
    },
    'case:open': async ({ dir }) => {
      await this.closeCase();
      const store = await CaseStore.open(dir);
      this.attach(store, await store.loadResult());
      return this.snapshot();
    },
    'case:open-demo': async ({ workDir }) => {
      await this.closeCase();
      const dir = join(workDir, 'demo-case');
      await removeOldDemo(dir);
      this.demo = await prepareDemoEvidence();
      const store = await CaseStore.create(dir, { caseNumber: 'DEMO-0001', name: '3CX demo case (benign stand-ins)', examiner: 'demo', notes: 'Built from assets/demo: two hosts with benign stand-ins for the trojanized 3CX files.' }, { demo: true });
      this.attach(store, null);
      await store.addEvidence(this.demo.paths, 'demo');
      this.startScan();
      return this.snapshot();
    },
    'case:get': async () => (this.store ? this.snapshot() : null),
    'case:update-meta': async (meta) => {
      await this.need().updateMeta(meta);
      return this.changed();
    },
    'case:close': async () => {
      await this.closeCase();
      return null;
    },
    'evidence:add': async ({ paths, how }) => {
      const store = this.need();
      if (this.scan) throw new ServiceError('busy', 'a scan is running: add evidence when it has finished or been cancelled');
      for (const p of paths) {
        const st = await stat(p).catch(() => null);
        if (!st || !(st.isFile() || st.isDirectory())) throw new ServiceError('invalid', `not a file or folder: ${p}`);
      }
      const added = await store.addEvidence(paths, how);
      for (const a of added) this.status.set(a.id, { status: 'pending', message: null, done: null, total: null });
      return this.changed();
    },
    'scan:start': async () => {
      this.startScan();
      return this.snapshot();
    },
    'scan:cancel': async ({ evidenceId }) => {
      const s = this.scan;
      if (evidenceId !== undefined) return this.cancelItem(evidenceId);
      if (s) {
        s.controller.abort();
        await s.done;
      }
      return this.snapshot();
    },
    'evidence:remove': async ({ evidenceId }) => this.removeEvidence(evidenceId),
    'findings:list': async (q) => queryFindings(this.findings, q),
    'hosts:list': async (q) => queryHosts(this.summaries, q),
    'host:get': async ({ hostId }) => {
      const h = this.result?.hosts.find((x) => x.id === hostId);
      if (!h) throw new ServiceError('not-found', `no host ${hostId} in the latest scan`);
      return h;
    },
    'evidence:browse': async ({ evidenceId, path }) => this.needBrowser().browse(evidenceId, path),
    'evidence:preview': async ({ evidenceId, path }) => {
      const p = await this.needBrowser().preview(evidenceId, path);
      await this.need().audit('file-previewed', `${evidenceId} ${path}`);
      return p;
    },
    'report:html': async () => ({ html: renderHtmlReport(this.needResult(), { audit: await this.auditSummary() }) }),
    'report:write': async () => {
      const store = this.need();
      const paths = store.reportPaths(new Date().toISOString());
      await store.writeReport(paths.htmlPath, renderHtmlReport(this.needResult(), { audit: await this.auditSummary() }));
      return paths;
    },
    'audit:note': async ({ action, detail }) => {
      await this.need().audit(action, detail);
      return null;
    },
  };

  private startScan(): void {
    const store = this.need();
    if (this.scan) throw new ServiceError('busy', 'a scan is already running');
    if (store.evidence.length === 0) throw new ServiceError('invalid', 'add evidence before scanning');
    const controller = new AbortController();
    const items = new Map(store.evidence.map((e) => [e.id, new AbortController()]));
    const cancelled = new Set<string>();
    for (const e of store.evidence) this.status.set(e.id, { status: 'pending', message: 'waiting', done: null, total: null });
    let current: string | null = null;
    const paths = store.evidence.map((e) => e.path);
    const ids = store.evidence.map((e) => e.id);
    const meta = store.meta;
    const run = async (): Promise<void> => {
      await store.audit('scan-started', `${paths.length} evidence item(s)`);
      try {
        const result = await this.engine.scan(paths, {
          caseName: [meta.caseNumber, meta.name].filter(Boolean).join(' ') || null,
          examiner: meta.examiner || null,
          signal: controller.signal,
          ids,
          itemSignal: (id) => items.get(id)?.signal,
          onItemCancelled: (id) => cancelled.add(id),
          onProgress: (p) => {
            const id = p.evidenceId ?? null;
            const stopped = (x: string): boolean => items.get(x)?.signal.aborted === true;
            if (id && id !== current) {
              if (current && !stopped(current)) this.status.set(current, { status: 'done', message: 'scanned', done: null, total: null });
              current = id;
            }
            if (id && !stopped(id)) this.status.set(id, { status: 'scanning', message: p.message, done: p.done ?? null, total: p.total ?? null });
            this.emit({ event: 'scan:progress', payload: { evidenceId: id, phase: p.phase, message: p.message, done: p.done ?? null, total: p.total ?? null } });
          },
        });
        await store.saveResult(result);
        this.setResult(result);
        for (const item of result.evidence) {
          const hosts = result.hosts.filter((h) => h.evidence.includes(item.id)).length;
          if (cancelled.has(item.id)) this.status.set(item.id, { status: 'cancelled', message: 'by the examiner — not assessed; its host shows as inconclusive', done: null, total: null });
          else this.status.set(item.id, { status: 'done', message: `${hosts} host(s)${item.errors.length ? `, ${item.errors.length} issue(s)` : ''}`, done: null, total: null });
        }
        // Written here, one at a time: the audit log is a hash chain, so appends never overlap.
        for (const item of result.evidence.filter((x) => cancelled.has(x.id))) await store.audit('evidence-scan-cancelled', `${item.id} ${item.path}: stopped by the examiner; its host(s) are reported as not assessed`);
        await store.audit('scan-completed', `${result.hosts.length} host(s): ${Object.entries(countVerdicts(result)).filter(([, n]) => n > 0).map(([v, n]) => `${n} ${v}`).join(', ')}`);
      } catch (err) {
        const cancelled = controller.signal.aborted;
        for (const e of store.evidence) {
          const s = this.status.get(e.id);
          if (s?.status !== 'done') this.status.set(e.id, { status: cancelled ? 'cancelled' : 'error', message: cancelled ? 'cancelled; the previous results are kept' : errorMessage(err), done: null, total: null });
        }
        await store.audit(cancelled ? 'scan-cancelled' : 'scan-failed', cancelled ? 'by the examiner' : errorMessage(err));
      } finally {
        this.scan = null;
        this.changed();
      }
    };
    this.scan = { controller, items, cancelled, done: Promise.resolve() };
    this.scan.done = run();
    this.changed();
  }

  /** Stops one item of the running scan; the engine goes on with the others. */
  private cancelItem(evidenceId: string): CaseSnapshot {
    const store = this.need();
    const e = store.evidence.find((x) => x.id === evidenceId);
    if (!e) throw new ServiceError('not-found', `no evidence ${evidenceId} in this case`);
    const stop = this.scan?.items.get(evidenceId);
    const st = this.status.get(evidenceId)?.status;
    // Nothing to stop: no scan, or this item already finished (the click raced the scan).
    if (!stop || stop.signal.aborted || (st !== 'pending' && st !== 'scanning')) return this.snapshot();
    stop.abort();
    this.status.set(evidenceId, { status: 'cancelled', message: st === 'scanning' ? 'stopping…' : 'will be skipped (not assessed)', done: null, total: null });
    return this.changed();
  }

  /** Takes an item out of the case and its hosts out of the results; the evidence itself is never opened or changed. */
  private async removeEvidence(evidenceId: string): Promise<CaseSnapshot> {
    const store = this.need();
    if (this.scan) throw new ServiceError('busy', 'a scan is running: remove evidence when it has finished or been cancelled');
    if (!store.evidence.some((e) => e.id === evidenceId)) throw new ServiceError('not-found', `no evidence ${evidenceId} in this case`);
    const r = this.result;
    const kept = r && withoutEvidence(r, evidenceId);
    await store.removeEvidence(evidenceId, r && kept ? `${r.hosts.length - kept.hosts.length} host(s) left the results` : 'the case had no results yet');
    if (kept) {
      await store.saveResult(kept);
      this.setResult(kept);
    }
    this.status.delete(evidenceId);
    await this.browser?.closeAll(); // reopened on demand; the removed item's handle must not linger
    return this.changed();
  }

  private attach(store: CaseStore, result: ScanResult | null): void {
    this.store = store;
    this.browser = new EvidenceBrowser((id) => store.evidence.find((e) => e.id === id)?.path ?? null);
    this.status.clear();
    for (const e of store.evidence) this.status.set(e.id, { status: result?.evidence.some((x) => x.id === e.id) ? 'done' : 'pending', message: null, done: null, total: null });
    this.setResult(result);
    this.changed();
  }

  private setResult(result: ScanResult | null): void {
    this.result = result;
    this.summaries = result ? result.hosts.map(summarizeHost) : [];
    this.findings = indexFindings(result);
  }

  private async closeCase(): Promise<void> {
    if (this.scan) {
      this.scan.controller.abort();
      await this.scan.done;
    }
    await this.browser?.closeAll();
    await this.demo?.dispose();
    this.store = null;
    this.browser = null;
    this.demo = null;
    this.setResult(null);
  }

  private changed(): CaseSnapshot {
    this.version += 1;
    this.emit({ event: 'case:updated', payload: { version: this.version } });
    return this.snapshot();
  }

  private snapshot(): CaseSnapshot {
    const store = this.need();
    const r = this.result;
    return {
      dir: store.dir,
      meta: store.meta,
      createdAt: store.createdAt,
      demo: store.demo,
      version: this.version,
      scanning: this.scan !== null,
      evidence: store.evidence.map((e) => ({ ...e, ...(this.status.get(e.id) ?? { status: 'pending', message: null, done: null, total: null }) })),
      scan: r && {
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
        tool: `${r.tool.name} ${r.tool.version}`,
        iocSet: `${r.iocSet.name} ${r.iocSet.version}`,
        items: r.evidence,
        errors: r.errors,
        hostCount: r.hosts.length,
        verdicts: countVerdicts(r),
      },
    };
  }

  /** The case's audit log for the report, with whether its hash chain still holds. */
  private async auditSummary(): Promise<{ entries: AuditEntry[]; chainIntact: boolean }> {
    const v = await verifyAudit(this.need().dir);
    return { entries: v.entries, chainIntact: v.brokenAt === null };
  }

  private need(): CaseStore {
    if (!this.store) throw new ServiceError('no-case', 'no case is open');
    return this.store;
  }
  private needResult(): ScanResult {
    if (!this.result) throw new ServiceError('no-case', 'the case has not been scanned yet');
    return this.result;
  }
  private needBrowser(): EvidenceBrowser {
    this.need();
    return this.browser!;
  }
}

function toIpcError(err: unknown): IpcError {
  if (err instanceof ServiceError) return { code: err.code, message: err.message };
  if (err instanceof BrowseError) return { code: err.code, message: err.message };
  if (err instanceof CaseStoreError) return { code: 'failed', message: err.message };
  return { code: 'failed', message: errorMessage(err) };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

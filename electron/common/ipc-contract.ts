/**
 * The single source of the app's IPC: every channel with its request and response type, the events
 * pushed to the window, and the `window.triage` API the preload builds from them (one function per
 * channel). Types only, plus the channel tables; the runtime checks live in electron/ipc/schemas.ts.
 *
 * Two hops use the same channels: renderer → main (`RendererContract`) and main → engine utility
 * process (`EngineContract`). They differ only where main adds what the renderer must not choose:
 * folders and files picked in main's own dialogs, or dropped paths main has checked.
 */
import type { EvidenceItem, HostResult, ResultError, StageId, StageStatus, Verdict } from './scan-result.js';

/** A handler never throws across IPC: it answers with a tagged result. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };
export interface IpcError {
  /** `cancelled` (the examiner closed a dialog), `invalid` (payload refused), `no-case`, `busy`, `not-found`, `failed`. */
  code: 'cancelled' | 'invalid' | 'no-case' | 'busy' | 'not-found' | 'failed' | 'unsupported';
  message: string;
}

export interface CaseMeta {
  caseNumber: string;
  name: string;
  examiner: string;
  notes: string;
}

export type EvidenceStatus = 'pending' | 'scanning' | 'done' | 'error' | 'cancelled';

export interface CaseEvidence {
  /** E1, E2 … in the order added; stable for the life of the case. */
  id: string;
  path: string;
  addedAt: string;
  status: EvidenceStatus;
  /** Latest progress line while scanning, or the error. */
  message: string | null;
  done: number | null;
  total: number | null;
}

export interface VerdictCounts {
  'not-present': number;
  clean: number;
  affected: number;
  compromised: number;
  inconclusive: number;
}

/** What the window needs to draw a case; hosts come separately, paged. */
export interface CaseSnapshot {
  dir: string;
  meta: CaseMeta;
  createdAt: string;
  demo: boolean;
  /** Bumped on every change; the renderer re-queries when it moves. */
  version: number;
  scanning: boolean;
  evidence: CaseEvidence[];
  /** From the latest completed scan (null before the first one). */
  scan: {
    startedAt: string;
    finishedAt: string;
    tool: string;
    iocSet: string;
    items: EvidenceItem[];
    errors: ResultError[];
    hostCount: number;
    verdicts: VerdictCounts;
  } | null;
}

/** One fleet row: enough for the hosts × stages grid. */
export interface HostSummary {
  id: string;
  name: string;
  os: HostResult['os'];
  verdict: Verdict;
  verdictReason: string;
  evidence: string[];
  stages: Record<StageId, StageStatus>;
  installs: number;
  iocHits: number;
  firstSeen: string | null;
}

export type HostSort = 'severity' | 'name' | 'id' | 'first-seen';

export interface HostsQuery {
  offset: number;
  limit: number;
  /** Empty or absent: every verdict. */
  verdicts?: Verdict[];
  sort?: HostSort;
  /** Case-insensitive substring of the host name or id. */
  text?: string;
}

/**
 * One finding: one piece of evidence a stage of a host cites, with the indicators matched on the
 * same file. The Findings view lists every one of them across the case.
 */
export interface FindingRow {
  /** `H12/beacon/0`: host, stage, and the citation's position in that stage (stable for a scan). */
  key: string;
  hostId: string;
  hostName: string;
  verdict: Verdict;
  stage: StageId;
  status: StageStatus;
  /** Position of this citation within the stage's evidence (the host view picks it out). */
  index: number;
  evidenceId: string;
  path: string;
  artefact: string;
  detail: string;
  citation: string;
  time: string | null;
  /** `type value` of each indicator matched on this file of this host. */
  iocHits: string[];
}

export type FindingSort = 'host' | 'stage' | 'time' | 'artefact' | 'iocs';

export interface FindingsQuery {
  offset: number;
  limit: number;
  /** Case-insensitive substring of the host name, or a host id (H12). */
  host?: string;
  /** Empty or absent: every stage. */
  stages?: StageId[];
  /** Case-insensitive substring of the detail, artefact, path, citation or an indicator. */
  text?: string;
  sort?: FindingSort;
  descending?: boolean;
}

export interface FindingsPage {
  /** Findings matching the filters. */
  total: number;
  /** Findings in the case, and hosts that have at least one. */
  all: number;
  hostsWithFindings: number;
  items: FindingRow[];
}

export interface BrowseEntry {
  name: string;
  path: string;
  type: 'file' | 'dir' | 'link' | 'other';
  size: number;
  modified: string | null;
  created: string | null;
  accessed: string | null;
}

export interface BrowseResult {
  evidenceId: string;
  path: string;
  entries: BrowseEntry[];
  /** More entries than the page could hold (the rest are not listed). */
  truncated: boolean;
}

export interface PreviewResult {
  evidenceId: string;
  path: string;
  size: number;
  /** Bytes shown, from offset 0, as lowercase hex (never decoded or rendered). */
  hex: string;
  /** Printable ASCII / UTF-16LE runs of four or more characters within the shown bytes. */
  strings: string[];
  /** Whole-file digests, when the file is small enough to hash on request. */
  sha256: string | null;
  md5: string | null;
}

export type AddEvidenceSource = { source: 'dialog-files' } | { source: 'dialog-folders' } | { source: 'dropped'; paths: string[] };

export interface ScanProgressEvent {
  evidenceId: string | null;
  phase: string;
  message: string;
  done: number | null;
  total: number | null;
}

export type MenuCommand = 'new-case' | 'open-case' | 'open-demo' | 'add-files' | 'add-folders' | 'print-report' | 'view-fleet' | 'view-evidence' | 'view-findings' | 'view-browser' | 'view-report' | 'about';

/** Renderer → main: channel → [request, response]. */
export interface RendererContract {
  'case:new': [CaseMeta, CaseSnapshot];
  'case:open': [Record<string, never>, CaseSnapshot];
  'case:open-demo': [Record<string, never>, CaseSnapshot];
  'case:get': [Record<string, never>, CaseSnapshot | null];
  'case:update-meta': [CaseMeta, CaseSnapshot];
  'case:close': [Record<string, never>, null];
  'evidence:add': [AddEvidenceSource, CaseSnapshot];
  'scan:start': [Record<string, never>, CaseSnapshot];
  /** Without an id: stop the whole scan. With one: stop only that item (its hosts end up not assessed). */
  'scan:cancel': [{ evidenceId?: string }, CaseSnapshot];
  /** Takes an item out of the case (not while scanning); its hosts leave the fleet; the evidence is never touched. */
  'evidence:remove': [{ evidenceId: string }, CaseSnapshot];
  'findings:list': [FindingsQuery, FindingsPage];
  'hosts:list': [HostsQuery, { total: number; items: HostSummary[] }];
  'host:get': [{ hostId: string }, HostResult];
  'evidence:browse': [{ evidenceId: string; path: string }, BrowseResult];
  'evidence:preview': [{ evidenceId: string; path: string }, PreviewResult];
  'report:html': [Record<string, never>, { html: string }];
  'report:pdf': [Record<string, never>, { path: string }];
}

/** Main → engine: the same channels, with main's choices filled in. */
export interface EngineContract extends Omit<RendererContract, 'case:new' | 'case:open' | 'case:open-demo' | 'evidence:add' | 'report:pdf'> {
  'case:new': [{ dir: string; meta: CaseMeta }, CaseSnapshot];
  'case:open': [{ dir: string }, CaseSnapshot];
  'case:open-demo': [{ workDir: string }, CaseSnapshot];
  'evidence:add': [{ paths: string[]; how: 'dialog' | 'dropped' }, CaseSnapshot];
  /** Writes the HTML report into the case folder for main to print; returns its path. */
  'report:write': [Record<string, never>, { htmlPath: string; pdfPath: string }];
  'audit:note': [{ action: string; detail: string }, null];
}

/** Pushed to the window: event → payload. */
export interface EventContract {
  'scan:progress': ScanProgressEvent;
  'case:updated': { version: number };
  'menu:command': { command: MenuCommand };
}

export type Channel = keyof RendererContract;
export type EngineChannel = keyof EngineContract;
export type EventName = keyof EventContract;
export type Req<C extends Channel> = RendererContract[C][0];
export type Res<C extends Channel> = RendererContract[C][1];
export type EngineReq<C extends EngineChannel> = EngineContract[C][0];
export type EngineRes<C extends EngineChannel> = EngineContract[C][1];

/** `window.triage`: one function per channel (named here), one subscription per event. */
export const API_METHODS = {
  newCase: 'case:new',
  openCase: 'case:open',
  openDemoCase: 'case:open-demo',
  getCase: 'case:get',
  updateCaseMeta: 'case:update-meta',
  closeCase: 'case:close',
  addEvidence: 'evidence:add',
  startScan: 'scan:start',
  cancelScan: 'scan:cancel',
  removeEvidence: 'evidence:remove',
  listFindings: 'findings:list',
  listHosts: 'hosts:list',
  getHost: 'host:get',
  browseEvidence: 'evidence:browse',
  previewEvidence: 'evidence:preview',
  reportHtml: 'report:html',
  reportPdf: 'report:pdf',
} as const satisfies Record<string, Channel>;

export const EVENT_METHODS = {
  onScanProgress: 'scan:progress',
  onCaseUpdated: 'case:updated',
  onMenuCommand: 'menu:command',
} as const satisfies Record<string, EventName>;

export type TriageApi = {
  [M in keyof typeof API_METHODS]: (req: Req<(typeof API_METHODS)[M]>) => Promise<IpcResult<Res<(typeof API_METHODS)[M]>>>;
} & {
  [M in keyof typeof EVENT_METHODS]: (listener: (payload: EventContract[(typeof EVENT_METHODS)[M]]) => void) => () => void;
} & {
  /** Drag-and-drop: the preload turns dropped File objects into paths (webUtils) and sends them to main to check. */
  dropEvidence(files: readonly unknown[]): Promise<IpcResult<CaseSnapshot>>;
};

export const CHANNELS = Object.values(API_METHODS) as Channel[];
export const EVENTS = Object.values(EVENT_METHODS) as EventName[];

/** Channel prefix main accepts; anything else from a renderer is refused (VS Code's `vscode:` idea). */
export function isChannel(c: unknown): c is Channel {
  return typeof c === 'string' && (CHANNELS as string[]).includes(c);
}

/** Main ↔ engine utility process messages (over `process.parentPort` / `UtilityProcess`). */
export type ToEngine = { type: 'request'; id: number; channel: EngineChannel; payload: unknown };
export type FromEngine =
  | { type: 'ready' }
  | { type: 'response'; id: number; result: IpcResult<unknown> }
  | { type: 'event'; event: 'scan:progress' | 'case:updated'; payload: unknown };

/**
 * A case on disk: one folder the examiner chose, holding
 *   case.json          case number, name, examiner, notes, evidence list (paths, ids, when added)
 *   results/scan.json  the latest complete scan result (the contract's document), so a case reopens without rescanning
 *   reports/           HTML and PDF reports written from the UI
 *   audit.log          append-only JSON lines of examiner actions; each line carries the SHA-256 of
 *                      the line before it, so a removed or edited line breaks the chain visibly.
 * Writes are atomic (temp file + rename) except the audit log, which is only ever appended to.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaseMeta } from '../common/ipc-contract.js';
import { RESULT_SCHEMA, type ScanResult } from '../common/scan-result.js';

export const CASE_FORMAT = '3cx-triage/case@1';
/** Our own files, but a case folder can be handed around: read them with a cap. */
const MAX_CASE_JSON = 16 * 1024 * 1024;
const MAX_RESULT_JSON = 1024 * 1024 * 1024;
const MAX_AUDIT_READ = 64 * 1024 * 1024;

export interface StoredEvidence {
  id: string;
  path: string;
  addedAt: string;
}

export interface CaseFile {
  format: typeof CASE_FORMAT;
  meta: CaseMeta;
  createdAt: string;
  demo: boolean;
  evidence: StoredEvidence[];
  /** Highest evidence number ever issued: a removed item's id is never given to another. */
  lastEvidenceNumber?: number;
}

export interface AuditEntry {
  seq: number;
  time: string;
  action: string;
  detail: string;
  examiner: string;
  /** SHA-256 (hex) of the previous line's exact text; 64 zeros for the first line. */
  prev: string;
}

export class CaseStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaseStoreError';
  }
}

const ZERO = '0'.repeat(64);

export class CaseStore {
  private constructor(
    readonly dir: string,
    private file: CaseFile,
    private lastHash: string,
    private seq: number,
  ) {}

  /** A new case in an empty (or not yet existing) folder. */
  static async create(dir: string, meta: CaseMeta, opts: { demo?: boolean; now?: () => Date } = {}): Promise<CaseStore> {
    await mkdir(dir, { recursive: true });
    const present = await readdir(dir);
    if (present.length > 0) throw new CaseStoreError(`the folder is not empty: ${dir} (choose an empty folder for a new case)`);
    await mkdir(join(dir, 'results'));
    await mkdir(join(dir, 'reports'));
    const now = (opts.now ?? (() => new Date()))().toISOString();
    const file: CaseFile = { format: CASE_FORMAT, meta: cleanMeta(meta), createdAt: now, demo: opts.demo ?? false, evidence: [] };
    const store = new CaseStore(dir, file, ZERO, 0);
    await store.writeCase();
    await store.audit('case-created', `case ${file.meta.caseNumber || '(no number)'} "${file.meta.name}"`);
    return store;
  }

  static async open(dir: string): Promise<CaseStore> {
    const text = await readCapped(join(dir, 'case.json'), MAX_CASE_JSON, 'case.json');
    const file = parseCaseFile(text);
    const { lastHash, seq } = await auditTail(join(dir, 'audit.log'));
    const store = new CaseStore(dir, file, lastHash, seq);
    await store.audit('case-opened', dir);
    return store;
  }

  get meta(): CaseMeta {
    return { ...this.file.meta };
  }
  get createdAt(): string {
    return this.file.createdAt;
  }
  get demo(): boolean {
    return this.file.demo;
  }
  get evidence(): readonly StoredEvidence[] {
    return this.file.evidence;
  }

  async updateMeta(meta: CaseMeta): Promise<void> {
    const before = this.file.meta;
    this.file = { ...this.file, meta: cleanMeta(meta) };
    await this.writeCase();
    const changed = (Object.keys(before) as (keyof CaseMeta)[]).filter((k) => before[k] !== this.file.meta[k]);
    await this.audit('case-edited', changed.length ? `changed ${changed.join(', ')}` : 'no change');
  }

  /** Adds paths not already in the case; returns the new items. Ids continue E1, E2 … */
  async addEvidence(paths: readonly string[], how: string, now: () => Date = () => new Date()): Promise<StoredEvidence[]> {
    const known = new Set(this.file.evidence.map((e) => e.path));
    const added: StoredEvidence[] = [];
    let n = lastEvidenceNumber(this.file);
    for (const p of paths) {
      if (known.has(p)) continue;
      known.add(p);
      added.push({ id: `E${++n}`, path: p, addedAt: now().toISOString() });
    }
    if (added.length === 0) return [];
    this.file = { ...this.file, evidence: [...this.file.evidence, ...added], lastEvidenceNumber: n };
    await this.writeCase();
    for (const a of added) await this.audit('evidence-added', `${a.id} ${a.path} (${how})`);
    return added;
  }

  /**
   * Takes an item out of the case: case.json forgets it and the audit log says so. Only the case's
   * own files are written; the evidence file or folder is never opened, moved or deleted.
   */
  async removeEvidence(id: string, note?: string): Promise<StoredEvidence | null> {
    const gone = this.file.evidence.find((e) => e.id === id);
    if (!gone) return null;
    this.file = { ...this.file, evidence: this.file.evidence.filter((e) => e.id !== id), lastEvidenceNumber: lastEvidenceNumber(this.file) };
    await this.writeCase();
    await this.audit('evidence-removed', `${gone.id} ${gone.path} (removed from the case${note ? `; ${note}` : ''}; the evidence itself was not touched)`);
    return gone;
  }

  async saveResult(result: ScanResult): Promise<void> {
    await atomicWrite(join(this.dir, 'results', 'scan.json'), JSON.stringify(result, null, 1) + '\n');
  }

  /** The last complete scan, or null when the case was never scanned. */
  async loadResult(): Promise<ScanResult | null> {
    const path = join(this.dir, 'results', 'scan.json');
    try {
      await stat(path);
    } catch {
      return null;
    }
    const parsed: unknown = JSON.parse(await readCapped(path, MAX_RESULT_JSON, 'results/scan.json'));
    if (!isObject(parsed) || parsed['schema'] !== RESULT_SCHEMA || !Array.isArray(parsed['hosts']) || !Array.isArray(parsed['evidence'])) {
      throw new CaseStoreError(`results/scan.json is not a ${RESULT_SCHEMA} document`);
    }
    return parsed as unknown as ScanResult;
  }

  reportPaths(stamp: string): { htmlPath: string; pdfPath: string } {
    const safe = stamp.replace(/[^0-9A-Za-z-]/g, '');
    return { htmlPath: join(this.dir, 'reports', `report-${safe}.html`), pdfPath: join(this.dir, 'reports', `report-${safe}.pdf`) };
  }

  async writeReport(path: string, html: string): Promise<void> {
    await mkdir(join(this.dir, 'reports'), { recursive: true });
    await atomicWrite(path, html);
    await this.audit('report-written', path);
  }

  /** Appends one line; never rewrites the log. */
  async audit(action: string, detail: string, now: () => Date = () => new Date()): Promise<AuditEntry> {
    const entry: AuditEntry = { seq: ++this.seq, time: now().toISOString(), action, detail, examiner: this.file.meta.examiner, prev: this.lastHash };
    const line = JSON.stringify(entry);
    await appendFile(join(this.dir, 'audit.log'), line + '\n', { encoding: 'utf8', flag: 'a' });
    this.lastHash = sha256(line);
    return entry;
  }

  private async writeCase(): Promise<void> {
    await atomicWrite(join(this.dir, 'case.json'), JSON.stringify(this.file, null, 2) + '\n');
  }
}

/** Reads the audit log and checks its hash chain; returns the entries and the first broken line (1-based) if any. */
export async function verifyAudit(dir: string): Promise<{ entries: AuditEntry[]; brokenAt: number | null }> {
  const text = await readCapped(join(dir, 'audit.log'), MAX_AUDIT_READ, 'audit.log');
  const lines = text.split('\n').filter((l) => l.length > 0);
  const entries: AuditEntry[] = [];
  let prev = ZERO;
  let brokenAt: number | null = null;
  for (const [i, line] of lines.entries()) {
    let e: AuditEntry;
    try {
      e = JSON.parse(line) as AuditEntry;
    } catch {
      brokenAt ??= i + 1;
      continue;
    }
    if (e.prev !== prev || e.seq !== i + 1) brokenAt ??= i + 1;
    entries.push(e);
    prev = sha256(line);
  }
  return { entries, brokenAt };
}

async function auditTail(path: string): Promise<{ lastHash: string; seq: number }> {
  try {
    await stat(path);
  } catch {
    return { lastHash: ZERO, seq: 0 }; // a case folder without a log yet starts a new chain
  }
  const text = await readCapped(path, MAX_AUDIT_READ, 'audit.log');
  const lines = text.split('\n').filter((l) => l.length > 0);
  const last = lines[lines.length - 1];
  return last === undefined ? { lastHash: ZERO, seq: 0 } : { lastHash: sha256(last), seq: lines.length };
}

function parseCaseFile(text: string): CaseFile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new CaseStoreError(`case.json is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObject(v) || v['format'] !== CASE_FORMAT) throw new CaseStoreError(`this folder's case.json is not a ${CASE_FORMAT} file`);
  const meta = v['meta'];
  const ev = v['evidence'];
  if (!isObject(meta) || !Array.isArray(ev) || typeof v['createdAt'] !== 'string') throw new CaseStoreError('case.json lacks meta, evidence or createdAt');
  const evidence: StoredEvidence[] = [];
  for (const e of ev) {
    if (!isObject(e) || typeof e['id'] !== 'string' || typeof e['path'] !== 'string' || typeof e['addedAt'] !== 'string') throw new CaseStoreError('case.json has a malformed evidence entry');
    evidence.push({ id: e['id'], path: e['path'], addedAt: e['addedAt'] });
  }
  const str = (k: string): string => (typeof meta[k] === 'string' ? (meta[k] as string) : '');
  const last = v['lastEvidenceNumber'];
  return {
    format: CASE_FORMAT,
    meta: { caseNumber: str('caseNumber'), name: str('name'), examiner: str('examiner'), notes: str('notes') },
    createdAt: v['createdAt'],
    demo: v['demo'] === true,
    evidence,
    ...(typeof last === 'number' && Number.isSafeInteger(last) && last >= 0 ? { lastEvidenceNumber: last } : {}),
  };
}

function lastEvidenceNumber(f: CaseFile): number {
  let n = f.lastEvidenceNumber ?? 0;
  for (const e of f.evidence) n = Math.max(n, Number(/^E(\d+)$/.exec(e.id)?.[1] ?? 0));
  return n;
}

function cleanMeta(m: CaseMeta): CaseMeta {
  return { caseNumber: m.caseNumber.trim(), name: m.name.trim(), examiner: m.examiner.trim(), notes: m.notes };
}

async function readCapped(path: string, cap: number, what: string): Promise<string> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new CaseStoreError(`no ${what} in this folder: is it a case folder?`);
  }
  if (size > cap) throw new CaseStoreError(`${what} is ${size} bytes, over the ${cap}-byte limit`);
  return readFile(path, 'utf8');
}

async function atomicWrite(path: string, data: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data, 'utf8');
  await rename(tmp, path);
}

function sha256(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

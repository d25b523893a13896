/**
 * Main's side of the renderer contract, without Electron: validate the payload, add what only main
 * may choose (dialog answers, checked dropped paths, the demo's work folder), forward to the
 * engine, and answer with a tagged result. register.ts binds it to ipcMain; the e2e test bridge
 * binds the same router to HTTP, so tests exercise the real validation.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, normalize } from 'node:path';
import type { Channel, EngineChannel, EngineReq, EngineRes, IpcResult, Res } from '../common/ipc-contract.js';
import { SCHEMAS } from './schemas.js';

export interface EngineCaller {
  call<C extends EngineChannel>(channel: C, req: EngineReq<C>): Promise<IpcResult<EngineRes<C>>>;
}

export interface Dialogs {
  /** An empty folder for a new case, or null when the examiner cancels. */
  newCaseFolder(): Promise<string | null>;
  caseFolder(): Promise<string | null>;
  evidence(kind: 'files' | 'folders'): Promise<string[] | null>;
}

export interface RouterDeps {
  engine: EngineCaller;
  dialogs: Dialogs;
  /** Where the demo case lives (the app's user-data folder). */
  workDir: string;
  /** Print the report HTML at htmlPath to PDF, let the examiner choose where to save it, and return that path. */
  printPdf?: (htmlPath: string, defaultPdfPath: string) => Promise<string | null>;
}

export type Router = (channel: Channel, payload: unknown) => Promise<IpcResult<unknown>>;

const cancelled = { ok: false as const, error: { code: 'cancelled' as const, message: 'cancelled by the examiner' } };

export function createRouter(deps: RouterDeps): Router {
  const { engine, dialogs } = deps;
  return async (channel, payload) => {
    const schema = SCHEMAS[channel];
    if (!schema) return { ok: false, error: { code: 'invalid', message: `unknown channel ${String(channel)}` } };
    const parsed = schema.safeParse(payload ?? {});
    if (!parsed.success) return { ok: false, error: { code: 'invalid', message: `${channel}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')}` } };
    const req = parsed.data as never;
    try {
      switch (channel) {
        case 'case:new': {
          const dir = await dialogs.newCaseFolder();
          return dir === null ? cancelled : engine.call('case:new', { dir, meta: req });
        }
        case 'case:open': {
          const dir = await dialogs.caseFolder();
          return dir === null ? cancelled : engine.call('case:open', { dir });
        }
        case 'case:open-demo':
          return engine.call('case:open-demo', { workDir: deps.workDir });
        case 'evidence:add':
          return addEvidence(req);
        case 'report:pdf':
          return printReport();
        default:
          return engine.call(channel, req);
      }
    } catch (err) {
      return { ok: false, error: { code: 'failed', message: err instanceof Error ? err.message : String(err) } };
    }
  };

  async function addEvidence(req: { source: 'dialog-files' | 'dialog-folders' } | { source: 'dropped'; paths: string[] }): Promise<IpcResult<Res<'evidence:add'>>> {
    if (req.source !== 'dropped') {
      const paths = await dialogs.evidence(req.source === 'dialog-files' ? 'files' : 'folders');
      return paths === null || paths.length === 0 ? cancelled : engine.call('evidence:add', { paths, how: 'dialog' });
    }
    const checked = await checkDroppedPaths(req.paths);
    if (typeof checked === 'string') return { ok: false, error: { code: 'invalid', message: checked } };
    return engine.call('evidence:add', { paths: checked, how: 'dropped' });
  }

  async function printReport(): Promise<IpcResult<Res<'report:pdf'>>> {
    if (!deps.printPdf) return { ok: false, error: { code: 'unsupported', message: 'PDF printing needs the desktop app' } };
    const written = await engine.call('report:write', {});
    if (!written.ok) return written;
    const saved = await deps.printPdf(written.value.htmlPath, written.value.pdfPath);
    if (saved === null) return cancelled;
    await engine.call('audit:note', { action: 'report-pdf-saved', detail: saved });
    return { ok: true, value: { path: saved } };
  }
}

/**
 * Dropped paths come from the window, so main trusts none of them: each must be absolute, already
 * normalised, and name an existing file or folder. Returns the paths or the reason for refusing.
 */
export async function checkDroppedPaths(paths: readonly string[]): Promise<string[] | string> {
  const out: string[] = [];
  for (const p of paths) {
    if (!isAbsolute(p) || normalize(p) !== p) return `not an absolute, normalised path: ${p}`;
    const st = await stat(p).catch(() => null);
    if (!st || !(st.isFile() || st.isDirectory())) return `not an existing file or folder: ${p}`;
    out.push(p);
  }
  return out;
}

/**
 * The e2e test bridge: a loopback HTTP server that serves the built renderer and answers the
 * renderer contract over HTTP/JSON through the SAME router main uses (payload validation
 * included) and the SAME CaseService the engine process runs, over the real Engine. A small
 * `window.triage` shim (served only here, never in the app) turns calls into POSTs and events
 * into a server-sent event stream. Dialog answers are set by the test.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { API_METHODS, EVENT_METHODS, isChannel } from '../../../electron/common/ipc-contract.js';
import { CaseService } from '../../../electron/engine/case-service.js';
import { createRouter } from '../../../electron/ipc/router.js';

/** The app's CSP (electron/main/security-policy.ts), repeated as a header so the test page runs under it. */
export const TEST_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface DialogAnswers {
  newCaseFolder: string | null;
  caseFolder: string | null;
  evidence: string[] | null;
}

export interface BridgeServer {
  url: string;
  answers: DialogAnswers;
  service: CaseService;
  /** Every channel called, in order (for asserting what the UI did). */
  calls: string[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.map': 'application/json' };

export function shimSource(): string {
  const methods = Object.entries(API_METHODS)
    .map(([m, c]) => `  ${m}: (req) => call(${JSON.stringify(c)}, req),`)
    .join('\n');
  const events = Object.entries(EVENT_METHODS)
    .map(([m, e]) => `  ${m}: (fn) => on(${JSON.stringify(e)}, fn),`)
    .join('\n');
  return `// Test-only stand-in for the preload (test/e2e/ui/bridge-server.ts).
(() => {
  const call = (channel, req) => fetch('./__bridge/call/' + encodeURIComponent(channel), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req ?? {}) }).then((r) => r.json());
  const listeners = new Map();
  const es = new EventSource('./__bridge/events');
  es.onmessage = (m) => { const { event, payload } = JSON.parse(m.data); for (const fn of listeners.get(event) ?? []) fn(payload); };
  const on = (event, fn) => { if (!listeners.has(event)) listeners.set(event, new Set()); listeners.get(event).add(fn); return () => listeners.get(event).delete(fn); };
  window.triage = Object.freeze({
${methods}
${events}
  dropEvidence: async () => ({ ok: false, error: { code: 'unsupported', message: 'drag-and-drop paths need the desktop app' } }),
  });
})();
`;
}

export async function startBridgeServer(opts: { rendererDir: string; workDir: string; workers?: number }): Promise<BridgeServer> {
  const root = normalize(opts.rendererDir);
  const sse = new Set<ServerResponse>();
  const service = new CaseService((e) => {
    const line = `data: ${JSON.stringify(e)}\n\n`;
    for (const res of sse) res.write(line);
  }, { workers: opts.workers ?? 2 });
  const answers: DialogAnswers = { newCaseFolder: null, caseFolder: null, evidence: null };
  const calls: string[] = [];
  const router = createRouter({
    engine: { call: (c, r) => service.handle(c, r) },
    dialogs: { newCaseFolder: async () => answers.newCaseFolder, caseFolder: async () => answers.caseFolder, evidence: async () => answers.evidence },
    workDir: opts.workDir,
  });
  const shim = shimSource();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = { 'Content-Security-Policy': TEST_CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };
    if (u.pathname === '/__bridge/shim.js') return void res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(shim);
    if (u.pathname === '/__bridge/events') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/event-stream' });
      res.write(': connected\n\n');
      sse.add(res);
      req.on('close', () => sse.delete(res));
      return;
    }
    if (u.pathname.startsWith('/__bridge/call/') && req.method === 'POST') {
      const channel = decodeURIComponent(u.pathname.slice('/__bridge/call/'.length));
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      let payload: unknown;
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        payload = undefined;
      }
      calls.push(channel);
      const result = isChannel(channel) ? await router(channel, payload) : { ok: false, error: { code: 'invalid', message: `unknown channel ${channel}` } };
      return void res.writeHead(200, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(result));
    }
    const rel = u.pathname === '/' ? '/index.html' : decodeURIComponent(u.pathname);
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep)) return void res.writeHead(404).end();
    let body = await readFile(file).catch(() => null);
    if (!body) return void res.writeHead(404, headers).end('not found');
    if (file.endsWith('index.html')) body = Buffer.from(body.toString('utf8').replace('<head>', '<head>\n    <script src="./__bridge/shim.js"></script>'));
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    answers,
    service,
    calls,
    async close() {
      for (const r of sse) r.end();
      await service.dispose();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

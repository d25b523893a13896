/**
 * The engine's end of the main ↔ engine message port: requests in, tagged results and events
 * out. Independent of Electron (a port is anything with on('message') and postMessage), so it is
 * tested in plain Node; host.ts hands it `process.parentPort`.
 */
import type { EngineChannel, FromEngine, ToEngine } from '../common/ipc-contract.js';
import { CaseService } from './case-service.js';
import type { EngineOptions } from './engine.js';

export interface PortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  postMessage(message: FromEngine): void;
}

const ENGINE_CHANNELS: ReadonlySet<string> = new Set<EngineChannel>([
  'case:new', 'case:open', 'case:open-demo', 'case:get', 'case:update-meta', 'case:close', 'evidence:add', 'scan:start', 'scan:cancel',
  'evidence:remove', 'findings:list', 'hosts:list', 'host:get', 'evidence:browse', 'evidence:preview', 'report:html', 'report:write', 'audit:note',
]);

export function serveEngine(port: PortLike, opts: EngineOptions = {}): CaseService {
  const service = new CaseService((e) => port.postMessage({ type: 'event', event: e.event, payload: e.payload }), opts);
  port.on('message', (e) => {
    const m = e.data as Partial<ToEngine> | null;
    if (!m || m.type !== 'request' || typeof m.id !== 'number') return; // main is trusted, but a stray message is not a crash
    const id = m.id;
    if (typeof m.channel !== 'string' || !ENGINE_CHANNELS.has(m.channel)) {
      port.postMessage({ type: 'response', id, result: { ok: false, error: { code: 'invalid', message: `unknown channel ${String(m.channel)}` } } });
      return;
    }
    // Payloads were validated in main (electron/ipc) before they were forwarded here.
    void service.handle(m.channel, m.payload as never).then((result) => port.postMessage({ type: 'response', id, result }));
  });
  port.postMessage({ type: 'ready' });
  return service;
}

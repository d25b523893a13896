/**
 * Main's handle on the engine utility process: request/response over its message port, events
 * forwarded to the window. If the engine dies (a parser crashed on hostile evidence), pending calls
 * fail with a clear message and a fresh engine is started; the window reopens the case.
 */
import { utilityProcess, type UtilityProcess } from 'electron';
import type { EngineChannel, EngineReq, EngineRes, FromEngine, IpcResult, ToEngine } from '../common/ipc-contract.js';
import type { EngineCaller } from '../ipc/router.js';

type Pending = (r: IpcResult<unknown>) => void;

export class EngineClient implements EngineCaller {
  private proc: UtilityProcess | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stopping = false;

  constructor(
    private readonly hostPath: string,
    private readonly onEvent: (event: 'scan:progress' | 'case:updated', payload: unknown) => void,
  ) {}

  start(): void {
    const proc = utilityProcess.fork(this.hostPath, [], { serviceName: '3CX Triage engine', stdio: 'inherit' });
    proc.on('message', (m: FromEngine) => {
      if (m?.type === 'response') {
        this.pending.get(m.id)?.(m.result);
        this.pending.delete(m.id);
      } else if (m?.type === 'event') this.onEvent(m.event, m.payload);
    });
    proc.on('exit', (code) => {
      this.proc = null;
      for (const [, done] of this.pending) done({ ok: false, error: { code: 'failed', message: `the engine process stopped (exit code ${code}); the case has been closed, reopen it` } });
      this.pending.clear();
      if (!this.stopping) {
        this.onEvent('case:updated', { version: -1 });
        this.start();
      }
    });
    this.proc = proc;
  }

  call<C extends EngineChannel>(channel: C, req: EngineReq<C>): Promise<IpcResult<EngineRes<C>>> {
    const proc = this.proc;
    if (!proc) return Promise.resolve({ ok: false, error: { code: 'failed', message: 'the engine is not running' } });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as Pending);
      const msg: ToEngine = { type: 'request', id, channel, payload: req };
      proc.postMessage(msg);
    });
  }

  stop(): void {
    this.stopping = true;
    this.proc?.kill();
  }
}

/**
 * Entry of the engine utility process (Electron `utilityProcess.fork`). Evidence is untrusted
 * content, so it is opened and parsed here, never in main or the window: a parser that hangs or
 * crashes costs this process, and main restarts it. The only Electron-specific line is the port.
 */
import type { ParentPort } from 'electron';
import { serveEngine } from './engine-rpc.js';

const port = (process as unknown as { parentPort?: ParentPort | null }).parentPort;
if (!port) {
  console.error('engine/host.js must be started by the app (Electron utilityProcess); use the CLI for plain Node');
  process.exit(2);
}
const workers = Number(process.env['TRIAGE_WORKERS']);
serveEngine(port, Number.isInteger(workers) && workers > 0 ? { workers } : {});

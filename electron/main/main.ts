/**
 * Electron main: one window, hardened; the engine in a utility process; IPC routed through
 * electron/ipc. Main parses no evidence (Electron checklist item 4: untrusted content stays out of
 * unsandboxed processes).
 */
import { app, BrowserWindow, Menu, dialog } from 'electron';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { EventContract, MenuCommand } from '../common/ipc-contract.js';
import { registerIpc } from '../ipc/register.js';
import { createRouter } from '../ipc/router.js';
import { APP_URL, registerAppScheme, serveRenderer } from './app-protocol.js';
import { electronDialogs } from './dialogs.js';
import { EngineClient } from './engine-client.js';
import { buildMenu } from './menu.js';
import { printReportToPdf } from './pdf.js';
import { guardAllWebContents, hardenSession } from './security.js';
import { webPreferences } from './security-policy.js';

const OUT = fileURLToPath(new URL('../../', import.meta.url)); // out/
const RENDERER_DIR = join(OUT, 'renderer');
const PRELOAD = join(OUT, 'electron', 'preload', 'preload.cjs');
const ENGINE_HOST = join(OUT, 'electron', 'engine', 'host.js');

let win: BrowserWindow | null = null;

registerAppScheme();
guardAllWebContents();
app.enableSandbox();

if (!app.requestSingleInstanceLock()) app.quit();

function send<E extends keyof EventContract>(event: E, payload: EventContract[E]): void {
  if (win && !win.isDestroyed()) win.webContents.send(event, payload);
}

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1440,
    height: 920,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: '3CX Triage',
    backgroundColor: '#f4f5f7',
    webPreferences: webPreferences(PRELOAD, !app.isPackaged),
  });
  w.once('ready-to-show', () => w.show());
  if (process.env['TRIAGE_SMOKE'] === '1') smokeReport(w);
  w.on('closed', () => {
    if (win === w) win = null;
  });
  void w.loadURL(APP_URL);
  return w;
}

app.whenReady().then(() => {
  hardenSession();
  serveRenderer(RENDERER_DIR);
  const engine = new EngineClient(ENGINE_HOST, (event, payload) => send(event, payload as never));
  engine.start();
  const router = createRouter({
    engine,
    dialogs: electronDialogs(() => win),
    workDir: app.getPath('userData'),
    printPdf: (html, pdf) => printReportToPdf(win, html, pdf),
  });
  registerIpc(router, () => win?.webContents ?? null);
  Menu.setApplicationMenu(
    buildMenu((command: MenuCommand) => {
      if (command === 'about') void dialog.showMessageBox({ type: 'info', title: 'About 3CX Triage', message: `3CX Triage ${app.getVersion()}`, detail: 'Offline triage for the 2023 3CX supply-chain compromise. The app makes no network connections.' });
      else send('menu:command', { command });
    }),
  );
  win = createWindow();
  app.on('second-instance', () => win?.focus());
  app.on('activate', () => {
    if (!win) win = createWindow();
  });
  app.on('before-quit', () => engine.stop());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

/**
 * Smoke-test hook (test/e2e/electron): once the page has loaded, report what the page can reach
 * and quit. Reads only; runs only when TRIAGE_SMOKE=1.
 */
function smokeReport(w: BrowserWindow): void {
  w.webContents.once('did-finish-load', async () => {
    const probe = await w.webContents
      .executeJavaScript(`({ triage: typeof window.triage, methods: Object.keys(window.triage ?? {}).sort(), require: typeof require, process: typeof process, title: document.title })`)
      .catch((err: unknown) => ({ error: String(err) }));
    const sandboxed = app.getAppMetrics().filter((m) => m.type === 'Tab').map((m) => m.sandboxed ?? null);
    console.log(`SMOKE ${JSON.stringify({ probe, sandboxed, url: w.webContents.getURL() })}`);
    app.quit();
  });
}

/**
 * Binds the router to ipcMain. Every call is checked for its sender before its payload: only the
 * app's own window, showing the app's own page (app://triage/), may call; anything else gets an
 * `invalid` answer and a log line (Electron security checklist: "Validate the sender of all IPC messages").
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CHANNELS, isChannel } from '../common/ipc-contract.js';
import type { Router } from './router.js';

export const APP_ORIGIN = 'app://triage';

export function isTrustedSender(e: IpcMainInvokeEvent, expected: () => WebContents | null): boolean {
  const wc = expected();
  if (!wc || e.sender !== wc) return false;
  const url = e.senderFrame?.url ?? '';
  return url === `${APP_ORIGIN}/` || url.startsWith(`${APP_ORIGIN}/`);
}

export function registerIpc(router: Router, window: () => WebContents | null): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (e, payload: unknown) => {
      if (!isTrustedSender(e, window) || !isChannel(channel)) {
        console.warn(`refused ${channel} from ${e.senderFrame?.url ?? 'an unknown frame'}`);
        return { ok: false, error: { code: 'invalid', message: 'refused: not the app window' } };
      }
      return router(channel, payload);
    });
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
  };
}

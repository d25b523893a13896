/** Native dialogs: the only place case folders and evidence paths come from (besides checked drops). */
import { dialog, type BrowserWindow } from 'electron';
import { readdir } from 'node:fs/promises';
import type { Dialogs } from '../ipc/router.js';

export function electronDialogs(win: () => BrowserWindow | null): Dialogs {
  const parent = (): BrowserWindow | undefined => win() ?? undefined;
  const pick = async (opts: Electron.OpenDialogOptions): Promise<string[] | null> => {
    const w = parent();
    const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts);
    return r.canceled || r.filePaths.length === 0 ? null : r.filePaths;
  };
  return {
    async newCaseFolder() {
      for (;;) {
        const r = await pick({ title: 'Choose an empty folder for the new case', buttonLabel: 'Create case here', properties: ['openDirectory', 'createDirectory', 'promptToCreate'] });
        const dir = r?.[0];
        if (!dir) return null;
        const entries = await readdir(dir).catch(() => []);
        if (entries.length === 0) return dir;
        await dialog.showMessageBox({ type: 'warning', message: 'That folder is not empty.', detail: 'A case folder holds case.json, results/, reports/ and audit.log only: choose or create an empty folder.' });
      }
    },
    async caseFolder() {
      return (await pick({ title: 'Open a case folder (holding case.json)', buttonLabel: 'Open case', properties: ['openDirectory'] }))?.[0] ?? null;
    },
    async evidence(kind) {
      return kind === 'files'
        ? pick({ title: 'Add evidence files (images, archives)', buttonLabel: 'Add evidence', properties: ['openFile', 'multiSelections'] })
        : pick({ title: 'Add evidence folders (mounted volumes, collections)', buttonLabel: 'Add evidence', properties: ['openDirectory', 'multiSelections'] });
    },
  };
}

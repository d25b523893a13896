/** The application menu: every command is forwarded to the window, which owns the workflow. */
import { app, Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../common/ipc-contract.js';

export function buildMenu(send: (command: MenuCommand) => void): Menu {
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({ label, click: () => send(command), ...(accelerator ? { accelerator } : {}) });
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        item('New case…', 'new-case', 'CmdOrCtrl+N'),
        item('Open case…', 'open-case', 'CmdOrCtrl+O'),
        item('Open demo case', 'open-demo', 'CmdOrCtrl+Shift+D'),
        { type: 'separator' },
        item('Add evidence files…', 'add-files', 'CmdOrCtrl+E'),
        item('Add evidence folders…', 'add-folders', 'CmdOrCtrl+Shift+E'),
        { type: 'separator' },
        item('Print report to PDF…', 'print-report', 'CmdOrCtrl+P'),
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        item('Evidence', 'view-evidence', 'CmdOrCtrl+1'),
        item('Fleet', 'view-fleet', 'CmdOrCtrl+2'),
        item('Findings', 'view-findings', 'CmdOrCtrl+3'),
        item('Evidence browser', 'view-browser', 'CmdOrCtrl+4'),
        item('Report', 'view-report', 'CmdOrCtrl+5'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
      ],
    },
    { role: 'help', submenu: [item('About 3CX Triage', 'about')] },
  ];
  return Menu.buildFromTemplate(template);
}

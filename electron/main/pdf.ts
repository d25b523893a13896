/**
 * Report → PDF: the engine wrote the HTML into the case's reports/ folder; a hidden window with
 * JavaScript off loads that one file (allowed through the request filter only while printing),
 * prints it with the same settings as the command line's Chromium, and the examiner chooses where
 * the PDF goes.
 */
import { BrowserWindow, dialog } from 'electron';
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { PRINT_TO_PDF_OPTIONS } from './pdf-options.js';
import { PRINT_WEB_PREFERENCES } from './security-policy.js';
import { printableFiles } from './security.js';

export async function printReportToPdf(parent: BrowserWindow | null, htmlPath: string, defaultPdfPath: string): Promise<string | null> {
  const win = new BrowserWindow({ show: false, webPreferences: { ...PRINT_WEB_PREFERENCES } });
  printableFiles.add(htmlPath);
  try {
    await win.loadURL(pathToFileURL(htmlPath).toString());
    const pdf = await win.webContents.printToPDF({ ...PRINT_TO_PDF_OPTIONS });
    const opts = { title: 'Save the report as PDF', defaultPath: defaultPdfPath, filters: [{ name: 'PDF', extensions: ['pdf'] }] };
    const r = parent ? await dialog.showSaveDialog(parent, opts) : await dialog.showSaveDialog(opts);
    if (r.canceled || !r.filePath) return null;
    await writeFile(r.filePath, pdf);
    return r.filePath;
  } finally {
    printableFiles.delete(htmlPath);
    win.destroy();
  }
}

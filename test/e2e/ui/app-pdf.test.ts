// The app's "Print to PDF" without an Electron binary: the case service writes the report HTML
// the app prints (report:write), and Chromium prints it through the same DevTools call Electron's
// printToPDF makes, with the app's own options (electron/main/pdf-options.ts), JavaScript off as in
// the app's print window. It must come out as the command line prints the same case: same pages,
// page numbers, running header and text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CaseService } from '../../../electron/engine/case-service.js';
import { PRINT_TO_PDF_OPTIONS } from '../../../electron/main/pdf-options.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) ? 'chromium not installed' : spawnSync('pdfinfo', ['-v']).error ? 'poppler-utils not installed' : false;

const info = (pdf: string) => spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout;
const text = (pdf: string) => spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout;

test('the app prints the demo case report as the command line does', { skip, timeout: 180_000 }, async () => {
  const work = await mkdtemp(join(tmpdir(), 'app-pdf-'));
  const svc = new CaseService(() => undefined, { workers: 1 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    assert.ok((await svc.handle('case:open-demo', { workDir: work })).ok);
    await svc.idle();
    const written = await svc.handle('report:write', {});
    assert.ok(written.ok);
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(pathToFileURL(written.value.htmlPath).href);
    const appPdf = join(work, 'app.pdf');
    writeFileSync(appPdf, await page.pdf({ ...PRINT_TO_PDF_OPTIONS }));
    // The command line's way (electron/cli/report-output.ts): headless Chromium, --no-pdf-header-footer.
    const cliPdf = join(work, 'cli.pdf');
    const r = spawnSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${join(work, 'profile')}`, '--no-pdf-header-footer', `--print-to-pdf=${cliPdf}`, pathToFileURL(written.value.htmlPath).href], { stdio: 'ignore', timeout: 120_000 });
    assert.equal(r.status, 0);
    const appInfo = info(appPdf);
    assert.match(appInfo, /Page size:\s+59\d(\.\d+)? x 84\d(\.\d+)? pts \(A4\)/, 'paper size from the report CSS');
    const pages = Number(/Pages:\s+(\d+)/.exec(appInfo)?.[1]);
    const t = text(appPdf);
    assert.match(t, new RegExp(`Page 1 of ${pages}`), 'page numbers from the report CSS');
    assert.equal((t.match(/— 3CX supply-chain triage/g) ?? []).length, pages, 'a running header on every page');
    assert.equal((t.match(/Page \d+ of \d+/g) ?? []).length, pages, "one page number per page: Chromium's own footer does not print over it");
    assert.match(t, /WS-FINANCE-07/);
    assert.equal(Number(/Pages:\s+(\d+)/.exec(info(cliPdf))?.[1]), pages, 'the command line prints as many pages');
    assert.equal(text(cliPdf).replace(/\s+/g, ' '), t.replace(/\s+/g, ' '), 'and the same text on them');
  } finally {
    await browser.close();
    await svc.handle('case:close', {}).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
});

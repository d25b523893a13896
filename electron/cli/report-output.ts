/** `--report OUT.html|OUT.pdf`: HTML always; PDF through a system Chromium in headless print mode. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScanResult } from '../common/scan-result.js';
import { renderHtmlReport, type ReportOptions } from '../report/html.js';

const CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

export function findChromium(): string | null {
  const env = process.env['CHROMIUM_PATH'];
  if (env && existsSync(env)) return env;
  return CHROMIUMS.find((p) => existsSync(p)) ?? null;
}

/** The report's own SHA-256 beside it, in sha256sum format, so a recipient can check the copy they hold. */
async function writeDigest(file: string): Promise<void> {
  const hex = createHash('sha256').update(await readFile(file)).digest('hex');
  await writeFile(`${file}.sha256`, `${hex}  ${basename(file)}\n`);
}

export async function writeReport(result: ScanResult, out: string, log: NodeJS.WritableStream, opts: ReportOptions = {}): Promise<string> {
  const html = renderHtmlReport(result, opts);
  if (!out.toLowerCase().endsWith('.pdf')) {
    await writeFile(out, html);
    await writeDigest(out);
    return out;
  }
  const chromium = findChromium();
  const htmlOut = out.replace(/\.pdf$/i, '.html');
  if (!chromium) {
    await writeFile(htmlOut, html);
    await writeDigest(htmlOut);
    log.write(`3cx-triage: a PDF needs Chromium (set CHROMIUM_PATH); wrote the HTML report to ${htmlOut}\n`);
    return htmlOut;
  }
  const dir = await mkdtemp(join(tmpdir(), '3cx-report-'));
  try {
    const src = join(dir, 'report.html');
    await writeFile(src, html);
    const r = spawnSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${join(dir, 'profile')}`, '--no-pdf-header-footer', `--print-to-pdf=${out}`, pathToFileURL(src).href], { stdio: 'ignore', timeout: 120_000 });
    if (r.status !== 0 || !existsSync(out)) {
      await writeFile(htmlOut, html);
      await writeDigest(htmlOut);
      log.write(`3cx-triage: Chromium could not print the PDF; wrote the HTML report to ${htmlOut}\n`);
      return htmlOut;
    }
    await writeDigest(out);
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

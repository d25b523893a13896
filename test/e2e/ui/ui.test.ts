/**
 * The UI walk in headless Chromium against the test bridge (real engine): start → demo case →
 * fleet → host → chain node → citation → timeline → evidence browser → report; then a case with
 * hostile file names added through the UI, whose names must show as literal text.
 * Screenshots go to $E2E_SCREENSHOTS (default test/e2e/screenshots/).
 */
import { ROOT } from '../../helpers/cli.js';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startBridgeServer, type BridgeServer } from './bridge-server.js';

const REPO = ROOT;
const RENDERER = join(REPO, 'out', 'renderer');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SHOTS = process.env['E2E_SCREENSHOTS'] ?? join(REPO, 'test', 'e2e', 'screenshots');
const HOSTILE_HOST = 'host<svg onload=alert(2)>';

const skip = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (install Debian's chromium or set CHROMIUM_PATH)`
  : !existsSync(join(RENDERER, 'index.html'))
    ? 'the renderer is not built (run npx vite build first)'
    : false;
if (skip) console.log(`# skipping UI e2e: ${skip}`);

let server: BridgeServer;
let browser: Browser;
let page: Page;
let work: string;
const dialogs: string[] = [];
const offsite: string[] = [];
const pageErrors: string[] = [];

before(async () => {
  if (skip) return;
  work = await mkdtemp(join(tmpdir(), '3cx-ui-e2e-'));
  await mkdir(SHOTS, { recursive: true });
  server = await startBridgeServer({ rendererDir: RENDERER, workDir: work });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Berlin' });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) offsite.push(r.url());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400) pageErrors.push(`${r.status()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
});

after(async () => {
  if (skip) return;
  await browser?.close();
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

const shot = (name: string) => page.screenshot({ path: join(SHOTS, name), fullPage: false });

/** Opens folders one level at a time in the evidence browser, waiting for each to load. */
async function openPath(evidenceId: string, path: string): Promise<void> {
  const parts = path.split('/').filter(Boolean);
  const row = (p: string) => page.locator(`.tree-row[data-evidence="${evidenceId}"][data-path="${p.replace(/["\\]/g, '\\$&')}"]`);
  await row('/').click();
  for (let i = 1; i <= parts.length; i++) await row('/' + parts.slice(0, i).join('/')).click();
}

/** Runs a walk; on failure keeps a screenshot of where it stopped, named after the test. */
async function walk(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    await page.screenshot({ path: join(SHOTS, `FAILED-${name}.png`) }).catch(() => undefined);
    throw err;
  }
}

test('demo case: start → fleet → host → chain node → citation → timeline → browser → report', { skip, timeout: 180_000 }, () => walk('demo', async () => {
  await page.goto(server.url);
  await page.getByRole('heading', { name: '3CX Triage' }).waitFor();
  await shot('01-start.png');

  await page.click('[data-action="open-demo"]');
  await page.locator('[data-host]').nth(1).waitFor({ timeout: 120_000 });
  const rows = page.locator('.grid-body [data-host]');
  assert.equal(await rows.count(), 2, 'the demo fleet has two hosts');
  const fleetText = await page.locator('.grid-body').innerText();
  assert.match(fleetText, /WS-FINANCE-07/);
  assert.match(fleetText, /alice-mbp/);
  assert.equal(await page.locator('.grid-body .verdict.v-compromised').count(), 2, 'both demo hosts are compromised');
  await shot('02-fleet.png');

  await page.locator('.grid-body [data-host]', { hasText: 'WS-FINANCE-07' }).click();
  await page.getByTestId('host-name').filter({ hasText: 'WS-FINANCE-07' }).waitFor();
  assert.match(await page.getByTestId('verdict-sentence').innerText(), /dormancy-timer/);
  await page.locator('.react-flow__node[data-id="dormancy-timer"]').waitFor();
  await shot('03-host.png');

  await page.locator('.react-flow__node[data-id="dormancy-timer"]').click();
  const cites = page.getByTestId('citations');
  await cites.getByRole('heading', { name: /Dormancy timer/ }).waitFor();
  const paths = await cites.getByTestId('citation-path').allInnerTexts();
  assert.ok(paths.some((p) => p.endsWith('/AppData/Local/Programs/3CXDesktopApp/app/manifest')), `manifest cited: ${paths.join(' | ')}`);
  // Missing stages are drawn as missing: installer and second stage were looked for and not found.
  assert.equal(await page.locator('.react-flow__node[data-id="second-stage"] .cn-not-observed').count(), 1);
  assert.equal(await page.locator('.react-flow__node[data-id="expected-wake-up"]').count(), 1, 'the planned wake-up is drawn');
  await shot('04-chain-node.png');

  const timeline = page.getByTestId('timeline');
  await timeline.scrollIntoViewIfNeeded();
  assert.match(await timeline.innerText(), /2023-03-28 08:30:00Z[\s\S]*planned wake-up/);
  await shot('05-timeline.png');

  await page.click('[data-tab="browser"]');
  await openPath('E1', '/Users/alice/AppData/Roaming/3CXDesktopApp');
  await page.locator('.tree-row[data-evidence="E1"][data-path="/Users/alice/AppData/Roaming/3CXDesktopApp/config.json"]').click();
  await page.getByTestId('preview').waitFor();
  assert.match(await page.getByTestId('preview').innerText(), /example-pbx\.invalid/);
  await shot('06-browser.png');

  await page.click('[data-tab="report"]');
  const frame = page.frameLocator('[data-testid="report-frame"]');
  await frame.getByText('triage report').first().waitFor();
  await shot('07-report.png');
}));

test('hostile file names render as text, never as markup', { skip, timeout: 180_000 }, () => walk('hostile', async () => {
  const fx = join(work, 'fixtures');
  const r = spawnSync('bash', [join(REPO, 'test', 'fixtures', 'make-hosts.sh'), fx, 'win-profile'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `make-hosts.sh failed: ${r.stderr}`);
  const evidence = join(fx, HOSTILE_HOST);
  await rename(join(fx, 'win-profile'), evidence);
  server.answers.newCaseFolder = join(work, 'hostile-case');
  server.answers.evidence = [evidence];

  await page.click('text=Cases…');
  await page.getByRole('button', { name: 'New case…' }).click();
  await page.getByLabel('Case number').fill('IR-<b>42</b>');
  await page.getByLabel('Examiner').fill('e2e <i>examiner</i>');
  await page.getByRole('button', { name: /Choose an empty folder/ }).click();
  await page.getByRole('button', { name: 'Add folders…' }).waitFor();
  await page.getByRole('button', { name: 'Add folders…' }).click();
  await page.locator('[data-evidence="E1"]').waitFor();
  await page.click('[data-action="scan"]');
  await page.locator('[data-action="show-fleet"]').waitFor({ timeout: 120_000 });
  assert.match(await page.locator('[data-evidence="E1"]').innerText(), /scanned/);
  await shot('08-case-evidence.png');
  await page.click('[data-tab="fleet"]');
  const row = page.locator('.grid-body [data-host]').first();
  await row.waitFor();
  assert.match(await row.innerText(), /host<svg onload=alert\(2\)>/, 'the hostile host name is shown literally');
  await shot('09-hostile-fleet.png');
  await row.click();
  await page.getByTestId('timeline').waitFor();
  assert.match(await page.locator('.content').innerText(), /x<svg onload=alert\(1\)>/);
  await page.click('[data-tab="browser"]');
  await openPath('E1', '/AppData/Local/Programs/3CXDesktopApp/app');
  await page.locator('.tree-row', { hasText: '<img src=x onerror=alert(1)>.dll' }).waitFor();
  await shot('10-hostile-browser.png');

  assert.equal(await page.locator('svg[onload], img[onerror], script:not([src])').count(), 0, 'no element was created from a file name');
  assert.equal(await page.locator('b, i').filter({ hasText: /42|examiner/ }).count(), 0, 'case fields are text too');
  assert.deepEqual(dialogs, [], 'no alert ran');
  assert.deepEqual(offsite, [], 'the page made no off-site request');
  assert.deepEqual(pageErrors, [], 'no page errors or failed loads');
}));

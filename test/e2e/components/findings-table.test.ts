/**
 * Component test of the Findings grid in Chromium: a test-only harness page (harness/, built here
 * with Vite, served with the app's CSP) mounts the real FindingsTable over 20,000 synthetic rows,
 * some with hostile strings. Checks virtualization, keyboard navigation, Enter, sorting, scrolling
 * and that no string became markup.
 */
import { ROOT } from '../../helpers/cli.js';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { build } from 'vite';
import react from '@vitejs/plugin-react';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TEST_CSP } from '../ui/bridge-server.js';

/** The source tree (E2E_REPO when the tests were compiled somewhere else). */
const REPO = process.env['E2E_REPO'] ?? ROOT;
const HARNESS = join(REPO, 'test', 'e2e', 'components', 'harness');
const OUT = join(REPO, 'out', 'component-harness');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM}` : !existsSync(join(HARNESS, 'index.html')) ? `no harness source at ${HARNESS}` : false;
if (skip) console.log(`# skipping component e2e: ${skip}`);

let server: Server;
let url: string;
let browser: Browser;
let page: Page;
const errors: string[] = [];
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

before(async () => {
  if (skip) return;
  await build({
    configFile: false,
    root: HARNESS,
    base: './',
    logLevel: 'warn',
    plugins: [react()],
    resolve: { alias: { '@common': join(REPO, 'electron', 'common') } },
    build: { outDir: OUT, emptyOutDir: true, target: 'chrome120', modulePreload: { polyfill: false }, sourcemap: false },
  });
  const root = normalize(OUT);
  server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const file = normalize(join(root, u.pathname === '/' ? 'index.html' : decodeURIComponent(u.pathname)));
    if (!file.startsWith(root + sep)) return void res.writeHead(404).end();
    readFile(file).then(
      (body) => res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': TEST_CSP }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 800 }, timezoneId: 'Asia/Tokyo' });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
});

after(async () => {
  if (skip) return;
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await rm(OUT, { recursive: true, force: true });
});

const body = () => page.getByTestId('findings-body');
const activeIndex = async () => body().locator('[role="row"].active').getAttribute('data-index');
const logLines = async () => (await page.locator('#log').innerText()).split('\n').filter(Boolean);

test('20,000 rows: only the visible ones exist; keyboard moves, pages, jumps and opens', { skip, timeout: 120_000 }, async () => {
  await page.goto(`${url}?rows=20000`);
  await body().locator('[data-index="0"]').waitFor();
  const rendered = await body().locator('[role="row"]').count();
  assert.ok(rendered > 5 && rendered < 50, `${rendered} rows in the DOM`);
  assert.equal(await page.locator('[role="grid"]').getAttribute('aria-rowcount'), '20001');

  await body().focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await activeIndex(), '3');
  assert.equal(await body().getAttribute('aria-activedescendant'), 'finding-row-3');
  await page.keyboard.press('ArrowUp');
  assert.equal(await activeIndex(), '2');
  await page.keyboard.press('PageDown');
  const afterPage = Number(await activeIndex());
  assert.ok(afterPage > 6 && afterPage < 20, `PageDown moves by a screenful (now ${afterPage})`);
  await page.keyboard.press('End');
  await body().locator('[data-index="19999"].active').waitFor();
  assert.ok((await body().evaluate((el) => (el as unknown as { scrollTop: number }).scrollTop)) > 19_000 * 40, 'the body scrolled to the end');
  await page.keyboard.press('ArrowDown');
  assert.equal(await activeIndex(), '19999', 'no step past the last row');
  await page.keyboard.press('Home');
  await body().locator('[data-index="0"].active').waitFor();
  await page.keyboard.press('ArrowUp');
  assert.equal(await activeIndex(), '0', 'no step before the first row');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal((await logLines()).at(-1), 'open H1/installed/0 H1');
  assert.ok((await body().locator('[role="row"]').count()) < 50, 'still only the visible rows');
});

test('scrolling renders the rows at the new place and reports them; clicking selects, double-click opens', { skip, timeout: 60_000 }, async () => {
  await page.goto(`${url}?rows=20000`);
  await body().locator('[data-index="0"]').waitFor();
  await body().evaluate((el) => {
    (el as unknown as { scrollTop: number }).scrollTop = 10_000 * 46;
  });
  await body().locator('[data-index="10000"]').waitFor();
  const visible = (await page.locator('body').getAttribute('data-visible')) ?? '';
  const [a, b] = visible.split('-').map(Number);
  assert.ok(a! <= 10_000 && b! >= 10_005, `visible range ${visible}`);
  await body().locator('[data-index="10002"]').click();
  assert.equal(await activeIndex(), '10002');
  await body().locator('[data-index="10003"]').dblclick();
  assert.match((await logLines()).at(-1) ?? '', /^open H1251\//);
});

test('headers sort and say so; hostile strings stay text; times are UTC with the local time on hover', { skip, timeout: 60_000 }, async () => {
  await page.goto(`${url}?rows=200`);
  await body().locator('[data-index="0"]').waitFor();
  const timeHead = page.locator('[role="columnheader"]', { hasText: 'Time (UTC)' });
  assert.equal(await timeHead.getAttribute('aria-sort'), null);
  await page.click('[data-sort="time"]');
  assert.equal(await timeHead.getAttribute('aria-sort'), 'ascending');
  await page.click('[data-sort="time"]');
  assert.equal(await timeHead.getAttribute('aria-sort'), 'descending');
  assert.deepEqual((await logLines()).filter((l) => l.startsWith('sort')), ['sort time', 'sort time']);

  // Row 0: a hostile host name, detail, artefact, path and indicator, all drawn as text.
  const r0 = body().locator('[data-index="0"]');
  const text = await r0.innerText();
  assert.match(text, /host<img src=x onerror=alert\(1\)>/);
  assert.match(text, /finding 0: <img src=x onerror=alert\(1\)>/);
  assert.equal(await page.locator('#root img, #root svg[onload], #root b').count(), 0, 'no element came from a string');
  assert.equal(await r0.locator('.ioc-count').getAttribute('title'), 'sha256 <img src=x onerror=alert(1)>');
  // Row 1 has a time: UTC text, ISO datetime, local time (Tokyo, UTC+9) on hover.
  const t = body().locator('[data-index="1"] time');
  assert.equal(await t.innerText(), '2023-03-01 00:01:00Z');
  assert.match((await t.getAttribute('title')) ?? '', /09:01:00/);
  assert.deepEqual(errors, [], 'no page error and no dialog');
});

test('no rows: the empty state shows and the keyboard does nothing', { skip, timeout: 60_000 }, async () => {
  await page.goto(`${url}?rows=0`);
  await page.locator('#empty').waitFor();
  await body().focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.deepEqual(await logLines(), []);
  assert.equal(await body().getAttribute('aria-activedescendant'), null);
});

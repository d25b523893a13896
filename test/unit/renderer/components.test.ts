/**
 * The renderer's pure components, rendered to static markup under node:test. The test project
 * compiles no JSX, so the components are bundled here with Vite (SSR build, React kept external so
 * this file and the bundle share one React) and rendered with react-dom/server.
 * Hostile strings from evidence must come out as escaped text, never as markup.
 */
import { ROOT } from '../../helpers/cli.js';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createElement, type FunctionComponent } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { build } from 'vite';
import react from '@vitejs/plugin-react';
import type { FindingRow } from '../../../electron/common/ipc-contract.js';

/** The source tree (E2E_REPO when the tests were compiled somewhere else). */
const REPO = process.env['E2E_REPO'] ?? ROOT;
const SRC = join(REPO, 'renderer', 'src');
// Inside the repository, so the bundle's `import 'react'` resolves to the same node_modules copy.
const OUT = join(REPO, 'out', 'renderer-ssr-test');
const skip = existsSync(join(SRC, 'components', 'Badges.tsx')) ? false : `no renderer source at ${SRC}`;

type Fc<P> = FunctionComponent<P>;
let Badges: { VerdictBadge: Fc<{ verdict: string }>; StatusMark: Fc<{ status: string; stage?: string }> };
let TimeMod: { Time: Fc<{ iso: string | null | undefined; seconds?: boolean }> };
let Cite: { CitationLine: Fc<{ citation: string; path: string; compact?: boolean }>; middle: (s: string, n: number) => string };
let Cells: { StageCell: Fc<{ stage: string; status: string }>; IocCell: Fc<{ hits: string[] }>; HostCell: Fc<{ row: { hostId: string; hostName: string } }> };
let Table: { FindingCells: Fc<{ row: FindingRow }>; FindingsTable: Fc<Record<string, unknown>> };

const html = <P extends object>(c: Fc<P>, props: P): string => renderToStaticMarkup(createElement(c as FunctionComponent<object>, props));

before(async () => {
  if (skip) return;
  const input = {
    badges: join(SRC, 'components', 'Badges.tsx'),
    time: join(SRC, 'components', 'Time.tsx'),
    citation: join(SRC, 'components', 'CitationLine.tsx'),
    cells: join(SRC, 'features', 'findings', 'cells.tsx'),
    table: join(SRC, 'features', 'findings', 'FindingsTable.tsx'),
  };
  await build({
    configFile: false,
    // Development JSX, to match the development React that node:test loads (no false key warnings).
    mode: 'development',
    root: join(REPO, 'renderer'),
    logLevel: 'warn',
    plugins: [react()],
    resolve: { alias: { '@common': join(REPO, 'electron', 'common') } },
    build: { ssr: true, outDir: OUT, emptyOutDir: true, sourcemap: false, rollupOptions: { input, output: { format: 'es', entryFileNames: '[name].mjs' } } },
  });
  const load = async <T>(name: string): Promise<T> => (await import(pathToFileURL(join(OUT, `${name}.mjs`)).href)) as T;
  Badges = await load('badges');
  TimeMod = await load('time');
  Cite = await load('citation');
  Cells = await load('cells');
  Table = await load('table');
});

after(async () => {
  if (!skip) await rm(OUT, { recursive: true, force: true });
});

const HOSTILE = '<img src=x onerror=alert(1)>"\'&';
const ESCAPED = '&lt;img src=x onerror=alert(1)&gt;';

test('verdict badge: the word, the colour class and the meaning on hover, for every verdict', { skip }, () => {
  const want: Record<string, [string, RegExp]> = {
    compromised: ['Compromised', /ran/],
    affected: ['Affected', /installed/],
    inconclusive: ['Inconclusive', /could not answer/],
    clean: ['Clean', /not affected/],
    'not-present': ['Not present', /not found/],
  };
  for (const [v, [label, help]] of Object.entries(want)) {
    const m = html(Badges.VerdictBadge, { verdict: v });
    assert.match(m, new RegExp(`^<span class="verdict v-${v}" title="[^"]+">${label}</span>$`));
    assert.match(m, help);
  }
});

test('stage grid cells: a glyph, a colour class, and words for screen readers for each status', { skip }, () => {
  assert.equal(html(Badges.StatusMark, { status: 'observed', stage: 'Beacon to C2' }), '<span class="mark s-observed" title="Beacon to C2: observed — evidence for this stage was found" aria-label="Beacon to C2: observed — evidence for this stage was found" role="img">●</span>');
  assert.match(html(Badges.StatusMark, { status: 'not-observed' }), /class="mark s-not-observed"[^>]*aria-label="not observed — looked for and not found"[^>]*>○</);
  assert.match(html(Badges.StatusMark, { status: 'not-assessed' }), /class="mark s-not-assessed"[^>]*>\?</);
  const cell = html(Cells.StageCell, { stage: 'dormancy-timer', status: 'not-assessed' });
  assert.match(cell, /^<span class="stage-cell"><span class="mark s-not-assessed"/);
  assert.match(cell, /<span class="stage-name" title="Dormancy timer: not assessed">Dormancy timer<\/span>/);
});

test('citation line: the path picked out inside the citation, or under it; hostile text escaped', { skip }, () => {
  const m = html(Cite.CitationLine, { citation: 'E1 › folder WS › /Users/a/app/ffmpeg.dll › offset 0x1a50 (pe)', path: '/Users/a/app/ffmpeg.dll' });
  assert.match(m, /^<div class="cite-ref mono small" title="evidence › layers › path › location \(parser\)">E1 › folder WS › <span class="cite-path" data-testid="citation-path">\/Users\/a\/app\/ffmpeg.dll<\/span> › offset 0x1a50 \(pe\)<\/div>$/);
  const apart = html(Cite.CitationLine, { citation: 'E2 › something else', path: '/x' });
  assert.match(apart, /E2 › something else<div class="cite-path" data-testid="citation-path">\/x<\/div>/);
  const bad = html(Cite.CitationLine, { citation: `E1 › ${HOSTILE} › /p/${HOSTILE}`, path: `/p/${HOSTILE}` });
  assert.ok(!bad.includes('<img'), bad);
  assert.ok(bad.includes(`<span class="cite-path" data-testid="citation-path">/p/${ESCAPED}&quot;&#x27;&amp;</span>`), bad);
  // Compact (table rows): the whole citation on hover, the path cut in the middle.
  const long = `/Users/someone/AppData/Local/Programs/3CXDesktopApp/app-18.12.416/resources/app/node_modules/deep/ffmpeg.dll`;
  const c = html(Cite.CitationLine, { citation: `E3 › ${long}`, path: long, compact: true });
  assert.match(c, new RegExp(`title="E3 › ${long.replace(/[.]/g, '\\.')}"`));
  assert.match(c, /<span class="cite-path" data-testid="citation-path">\/Users\/someone\/AppData\/L…[^<]*deep\/ffmpeg\.dll<\/span>/);
  assert.equal(Cite.middle(long, 72).length, 72);
  assert.equal(Cite.middle('short', 72), 'short');
  const emoji = 'a'.repeat(20) + '😀'.repeat(30);
  assert.doesNotMatch(Cite.middle(emoji, 31), /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/, 'no lone surrogate');
});

test('time cell: UTC text, ISO datetime, local time on hover; anything else shown as escaped raw text', { skip }, () => {
  const t = html(TimeMod.Time, { iso: '2023-03-21T08:30:00.000Z' });
  assert.match(t, /^<time dateTime="2023-03-21T08:30:00.000Z" title="local: [^"]+" class="time">2023-03-21 08:30:00Z<\/time>$/);
  assert.match(html(TimeMod.Time, { iso: '2023-03-21T08:30:00Z', seconds: false }), />2023-03-21 08:30Z</);
  assert.equal(html(TimeMod.Time, { iso: null }), '<span class="muted">—</span>');
  assert.equal(html(TimeMod.Time, { iso: '' }), '<span class="muted">—</span>');
  for (const bad of [HOSTILE, '2023-13-45T99:99:99Z', '"><script>alert(1)</script>', 'javascript:alert(1)']) {
    const m = html(TimeMod.Time, { iso: bad });
    assert.ok(!/<(img|script)/.test(m), m);
    assert.ok(!m.includes('title='), `no local time for ${bad}`);
    assert.match(m, /^<time dateTime="[^"]*" class="time">[^<]*<\/time>$/, m);
  }
  assert.equal(html(TimeMod.Time, { iso: HOSTILE }), `<time dateTime="${ESCAPED}&quot;&#x27;&amp;" class="time">${ESCAPED}&quot;&#x27;&amp;</time>`);
});

test('IOC and host cells, and a whole findings row, escape every string from evidence', { skip }, () => {
  assert.equal(html(Cells.IocCell, { hits: [] }), '<span class="muted">—</span>');
  const ioc = html(Cells.IocCell, { hits: ['sha256 abc', `domain ${HOSTILE}`] });
  assert.match(ioc, /^<span class="ioc-count" title="sha256 abc\ndomain &lt;img[^"]*" aria-label="2 indicator match\(es\): sha256 abc; domain &lt;img[^"]*">2<\/span>$/);
  assert.match(html(Cells.HostCell, { row: { hostId: 'H7', hostName: HOSTILE } }), /<span class="mono muted">H7<\/span> &lt;img src=x onerror=alert\(1\)&gt;/);
  const row: FindingRow = { key: 'H7/beacon/0', hostId: 'H7', hostName: HOSTILE, verdict: 'compromised', stage: 'beacon', status: 'observed', index: 0, evidenceId: 'E1', path: `/l/${HOSTILE}`, artefact: HOSTILE, detail: HOSTILE, citation: `E1 › /l/${HOSTILE} › line 1`, time: HOSTILE, iocHits: [HOSTILE] };
  const m = html(Table.FindingCells, { row });
  assert.ok(!/<(img|script|svg)/i.test(m), m);
  assert.equal(m.split(ESCAPED).length - 1, 12, 'each twice: host, artefact, detail (hover title and text), citation (title and path), time (datetime and text), indicator (title and label)');
  assert.equal((m.match(/role="gridcell"/g) ?? []).length, 6);
});

test('findings table on the server: sortable headers with aria-sort, the empty state when there are no rows', { skip }, () => {
  const m = html(Table.FindingsTable, { count: 0, rowAt: () => undefined, active: 0, onActive: () => undefined, onOpen: () => undefined, sort: 'time', descending: true, onSort: () => undefined, empty: createElement('p', { id: 'nothing' }, 'none') });
  assert.match(m, /<div role="columnheader" aria-sort="descending"><button type="button" class="sort on" data-sort="time" title="Sort by time \(utc\) \(click again to reverse\)">Time \(UTC\)<span class="sort-arrow" aria-hidden="true">▼<\/span><\/button><\/div>/);
  assert.equal((m.match(/aria-sort=/g) ?? []).length, 1, 'only the sorted column says so');
  assert.match(m, /<p id="nothing">none<\/p>/);
  assert.doesNotMatch(m, /aria-activedescendant/, 'no active row without rows');
  assert.match(m, /role="grid" aria-label="Findings" aria-rowcount="1"/);
});

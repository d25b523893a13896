/**
 * Test-only page (never shipped): mounts the Findings grid with synthetic rows in memory, no
 * bridge, so the e2e component test drives the real component (virtualizer, keyboard, sorting)
 * in Chromium. What the component reports back is written to #log as text.
 * Query: ?rows=N (default 20000).
 */
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { FindingRow, FindingSort } from '@common/ipc-contract.js';
import { STAGE_IDS } from '@common/scan-result.js';
import { FindingsTable } from '../../../../renderer/src/features/findings/FindingsTable';
import '../../../../renderer/src/app/app.css';

const HOSTILE = ['<img src=x onerror=alert(1)>', '"><svg onload=alert(2)>', 'a\u202eexe.txt', '&lt;b&gt;not bold&lt;/b&gt;'];

function row(i: number): FindingRow {
  const stage = STAGE_IDS[i % STAGE_IDS.length]!;
  const bad = HOSTILE[i % HOSTILE.length]!;
  const path = `/Users/u${i % 97}/AppData/Local/Programs/3CXDesktopApp/app/${i % 5 === 0 ? bad : 'ffmpeg.dll'}`;
  return {
    key: `H${Math.floor(i / 8) + 1}/${stage}/0`,
    hostId: `H${Math.floor(i / 8) + 1}`,
    hostName: i % 11 === 0 ? `host${bad}` : `WS-${String(Math.floor(i / 8)).padStart(5, '0')}`,
    verdict: 'compromised',
    stage,
    status: 'observed',
    index: 0,
    evidenceId: 'E1',
    path,
    artefact: i % 7 === 0 ? `artefact ${bad}` : 'PE structure (formats/pe markers)',
    detail: `finding ${i}: ${i % 3 === 0 ? bad : 'ffmpeg.dll carries the loader'}`,
    citation: `E1 › folder › ${path} › offset 0x${i.toString(16)}`,
    time: i % 4 === 0 ? null : new Date(Date.UTC(2023, 2, 1) + i * 60_000).toISOString(),
    iocHits: i % 6 === 0 ? [`sha256 ${bad}`] : [],
  };
}

function log(line: string): void {
  const el = document.getElementById('log');
  if (el) el.textContent = `${el.textContent ?? ''}${line}\n`;
}

function Harness() {
  const count = Number(new URLSearchParams(location.search).get('rows') ?? 20000);
  const [active, setActive] = useState(0);
  const [sort, setSort] = useState<FindingSort>('host');
  const [descending, setDescending] = useState(false);
  return (
    <div style={{ height: '560px', display: 'flex', flexDirection: 'column', padding: '10px' }}>
      <FindingsTable
        count={count}
        rowAt={(i) => (i >= 0 && i < count ? row(i) : undefined)}
        active={active}
        onActive={(i) => {
          setActive(i);
          log(`active ${i}`);
        }}
        onOpen={(r) => log(`open ${r.key} ${r.hostId}`)}
        sort={sort}
        descending={descending}
        onSort={(s) => {
          setDescending(s === sort ? !descending : false);
          setSort(s);
          log(`sort ${s}`);
        }}
        onVisible={(a, b) => document.body.setAttribute('data-visible', `${a}-${b}`)}
        empty={<p id="empty">nothing here</p>}
      />
      <pre id="log" />
    </div>
  );
}

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <Harness />
    </StrictMode>,
  );

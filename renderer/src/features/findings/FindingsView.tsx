/**
 * Findings: every piece of evidence every host's stages cite, across the case, in one dense
 * table — filtered (host, stage, text) and sorted in the engine, fetched a page at a time and
 * virtualized, so tens of thousands of rows stay smooth. The selected row is shown in full below
 * the table; Enter or a double-click opens the host at that finding.
 */
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { FindingRow, FindingSort, FindingsPage } from '@common/ipc-contract.js';
import { STAGE_IDS, type StageId } from '@common/scan-result.js';
import { STAGE_LABELS } from '@common/chain-graph.js';
import { api, unwrap } from '../../bridge';
import { Empty, ErrorNote, Loading } from '../../components/States';
import { VerdictBadge } from '../../components/Badges';
import { CitationLine } from '../../components/CitationLine';
import { Time } from '../../components/Time';
import { useCase } from '../../stores/case';
import { FINDING_ROW_HEIGHT, FindingsTable } from './FindingsTable';
import { HostCell, StageCell } from './cells';

const PAGE = 200;

/** Kept by the shell, so leaving for a host and coming back finds the same filters and place. */
export interface FindingsState {
  host: string;
  stage: StageId | '';
  text: string;
  sort: FindingSort;
  descending: boolean;
  active: number;
}
export const INITIAL_FINDINGS: FindingsState = { host: '', stage: '', text: '', sort: 'host', descending: false, active: 0 };

type Counts = Omit<FindingsPage, 'items'>;

export function FindingsView({ state, onState, onOpen }: { state: FindingsState; onState: (s: FindingsState) => void; onOpen: (row: FindingRow) => void }) {
  const { snapshot } = useCase();
  const [host, setHost] = useState(state.host);
  const [text, setText] = useState(state.text);
  const [counts, setCounts] = useState<Counts | null>(null);
  const [error, setError] = useState<unknown>(null);
  const pages = useRef(new Map<number, FindingRow[] | 'loading'>());
  const [, redraw] = useReducer((x: number) => x + 1, 0);
  const st = useRef(state);
  st.current = state;
  const set = useCallback((patch: Partial<FindingsState>) => onState({ ...st.current, ...patch }), [onState]);

  // Typing waits a moment before asking the engine again.
  useEffect(() => {
    if (host === state.host && text === state.text) return;
    const t = setTimeout(() => set({ host, text, active: 0 }), 180);
    return () => clearTimeout(t);
  }, [host, text, state.host, state.text, set]);

  const version = snapshot?.version ?? 0;
  const scanned = snapshot?.scan !== null && snapshot?.scan !== undefined;
  const query = JSON.stringify({ host: state.host, stage: state.stage, text: state.text, sort: state.sort, descending: state.descending, version });
  const queryRef = useRef(query);

  const loadPage = useCallback((page: number) => {
    if (pages.current.has(page)) return;
    pages.current.set(page, 'loading');
    const q = queryRef.current;
    const s = st.current;
    unwrap(api().listFindings({ offset: page * PAGE, limit: PAGE, host: s.host, stages: s.stage ? [s.stage] : [], text: s.text, sort: s.sort, descending: s.descending })).then(
      (r) => {
        if (q !== queryRef.current) return; // the filters changed meanwhile
        pages.current.set(page, r.items);
        setCounts({ total: r.total, all: r.all, hostsWithFindings: r.hostsWithFindings });
        redraw();
      },
      (err: unknown) => {
        pages.current.delete(page);
        setError(err);
      },
    );
  }, []);

  useEffect(() => {
    queryRef.current = query;
    pages.current = new Map();
    setError(null);
    if (scanned) loadPage(Math.floor(st.current.active / PAGE));
  }, [query, scanned, loadPage]);

  const onVisible = useCallback(
    (first: number, last: number) => {
      for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) loadPage(p);
    },
    [loadPage],
  );
  const rowAt = (i: number): FindingRow | undefined => {
    const p = pages.current.get(Math.floor(i / PAGE));
    return Array.isArray(p) ? p[i % PAGE] : undefined;
  };

  if (!snapshot) return null;
  if (!snapshot.scan) return snapshot.scanning ? <Loading what="findings: the scan is running (see the Evidence tab for progress)" /> : <Empty title="Not scanned yet">Add evidence and press Scan on the Evidence tab.</Empty>;

  const filtered = state.host !== '' || state.stage !== '' || state.text !== '';
  const clear = () => {
    setHost('');
    setText('');
    onState({ ...state, host: '', stage: '', text: '', active: 0 });
  };
  const selected = rowAt(state.active);
  const hostCount = snapshot.scan.hostCount;

  return (
    <div className="findings">
      <div className="toolbar" role="toolbar" aria-label="Findings filters">
        <input type="search" className="search" placeholder="Host name or id" value={host} onChange={(e) => setHost(e.target.value)} aria-label="Filter by host" />
        <label className="small">
          Stage{' '}
          <select value={state.stage} onChange={(e) => set({ stage: e.target.value as StageId | '', active: 0 })} aria-label="Filter by stage">
            <option value="">all stages</option>
            {STAGE_IDS.map((s) => (
              <option key={s} value={s}>
                {STAGE_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <input type="search" className="search wide" placeholder="Text in finding, path, citation or indicator" value={text} onChange={(e) => setText(e.target.value)} aria-label="Search findings" />
        {filtered ? (
          <button type="button" className="ghost small" onClick={clear}>
            Clear filters
          </button>
        ) : null}
        <span className="muted small push" data-testid="findings-count">
          {counts === null ? 'counting…' : `${counts.total.toLocaleString('en-US')} of ${counts.all.toLocaleString('en-US')} finding(s) · ${counts.hostsWithFindings.toLocaleString('en-US')} of ${hostCount.toLocaleString('en-US')} host(s) have findings`}
        </span>
      </div>
      {error ? <ErrorNote error={error} onRetry={() => set({})} /> : null}
      {counts === null && !error ? (
        <Loading what="findings" />
      ) : (
        <FindingsTable
          key={query}
          count={counts?.total ?? 0}
          rowAt={rowAt}
          active={state.active}
          onActive={(i) => set({ active: i })}
          onOpen={onOpen}
          sort={state.sort}
          descending={state.descending}
          onSort={(s) => set({ sort: s, descending: s === state.sort ? !state.descending : false, active: 0 })}
          onVisible={onVisible}
          initialOffset={Math.max(0, (state.active - 3) * FINDING_ROW_HEIGHT)}
          empty={
            counts?.all === 0 ? (
              <Empty title="No findings in this case">No stage of any host cites evidence: every host is not present, clean or not assessed. The Fleet tab shows each host's verdict.</Empty>
            ) : (
              <Empty title="No finding matches these filters">
                <button type="button" onClick={clear}>
                  Clear filters
                </button>
              </Empty>
            )
          }
        />
      )}
      <FindingDetail row={counts && counts.total > 0 ? selected : undefined} onOpen={onOpen} />
    </div>
  );
}

/** The selected finding in full (rows cut long text short). */
function FindingDetail({ row, onOpen }: { row: FindingRow | undefined; onOpen: (row: FindingRow) => void }) {
  if (!row) return <div className="finding-detail muted small">Select a finding (click, or move with ↑/↓) to read it in full; Enter or a double-click opens its host.</div>;
  return (
    <section className="finding-detail" aria-label="Selected finding" data-testid="finding-detail">
      <div className="row">
        <HostCell row={row} />
        <VerdictBadge verdict={row.verdict} />
        <StageCell stage={row.stage} status={row.status} />
        <span className="muted small">
          {row.artefact} · <Time iso={row.time} />
        </span>
        <button type="button" className="primary push" onClick={() => onOpen(row)} data-action="open-finding">
          Open host at this finding →
        </button>
      </div>
      <div className="fd-detail">{row.detail}</div>
      <CitationLine citation={row.citation} path={row.path} />
      {row.iocHits.length > 0 ? (
        <div className="small">
          Indicators matched on this file: <span className="mono">{row.iocHits.join(' · ')}</span>
        </div>
      ) : null}
    </section>
  );
}

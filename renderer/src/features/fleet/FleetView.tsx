/**
 * Fleet: hosts × the eight stages, with verdict badges, filter by verdict, search and sort.
 * Rows are virtualized and fetched from the engine a page at a time, so thousands of hosts
 * stay fast. Keyboard: ↑/↓/PgUp/PgDn/Home/End move, Enter opens the host.
 */
import { useCallback, useEffect, useReducer, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { HostSort, HostSummary } from '@common/ipc-contract.js';
import { STAGE_IDS, type Verdict } from '@common/scan-result.js';
import { STAGE_LABELS } from '@common/chain-graph.js';
import { api, unwrap } from '../../bridge';
import { StatusMark, VerdictBadge } from '../../components/Badges';
import { Empty, ErrorNote, Loading } from '../../components/States';
import { Time } from '../../components/Time';
import { VERDICT_LABEL, VERDICTS } from '../../lib/labels';
import { useCase } from '../../stores/case';

const PAGE = 200;
const ROW = 36;
const SHORT: Record<string, string> = { installer: 'Installer', installed: 'Installed', 'trojanized-library': 'Troj. lib', 'encrypted-payload': 'Payload', executed: 'First run', 'dormancy-timer': 'Timer', beacon: 'Beacon', 'second-stage': '2nd stage' };

export function FleetView({ onOpenHost }: { onOpenHost: (id: string, name: string) => void }) {
  const { snapshot } = useCase();
  const [verdicts, setVerdicts] = useState<Verdict[]>([]);
  const [sort, setSort] = useState<HostSort>('severity');
  const [text, setText] = useState('');
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [active, setActive] = useState(0);
  const pages = useRef(new Map<number, HostSummary[] | 'loading'>());
  const [, redraw] = useReducer((x: number) => x + 1, 0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const version = snapshot?.version ?? 0;
  const query = JSON.stringify({ verdicts, sort, text, version });

  const loadPage = useCallback(
    (page: number, q: string) => {
      if (pages.current.has(page)) return;
      pages.current.set(page, 'loading');
      const { verdicts: v, sort: s, text: t } = JSON.parse(q) as { verdicts: Verdict[]; sort: HostSort; text: string };
      unwrap(api().listHosts({ offset: page * PAGE, limit: PAGE, verdicts: v, sort: s, text: t })).then(
        (r) => {
          if (q !== queryRef.current) return; // the filter changed meanwhile
          pages.current.set(page, r.items);
          setTotal(r.total);
          redraw();
        },
        (err: unknown) => {
          pages.current.delete(page);
          setError(err);
        },
      );
    },
    [],
  );
  const queryRef = useRef(query);
  useEffect(() => {
    queryRef.current = query;
    pages.current = new Map();
    setError(null);
    setActive(0);
    if (snapshot?.scan) loadPage(0, query);
  }, [query, loadPage, snapshot?.scan]);

  const count = total ?? 0;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 12 });
  const rowAt = (i: number): HostSummary | undefined => {
    const p = pages.current.get(Math.floor(i / PAGE));
    return Array.isArray(p) ? p[i % PAGE] : undefined;
  };
  const items = virtualizer.getVirtualItems();
  useEffect(() => {
    for (const it of items) loadPage(Math.floor(it.index / PAGE), queryRef.current);
  });

  if (!snapshot) return null;
  if (!snapshot.scan) return snapshot.scanning ? <Loading what="the fleet: the scan is running (see the Evidence tab for progress)" /> : <Empty title="Not scanned yet">Add evidence and press Scan on the Evidence tab.</Empty>;
  const counts = snapshot.scan.verdicts;

  const move = (to: number) => {
    const i = Math.max(0, Math.min(count - 1, to));
    setActive(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };
  const onKey = (e: KeyboardEvent) => {
    const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 15, PageUp: -15 };
    if (e.key in step) move(active + (step[e.key] ?? 0));
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(count - 1);
    else if (e.key === 'Enter') {
      const h = rowAt(active);
      if (h) onOpenHost(h.id, h.name);
    } else return;
    e.preventDefault();
  };
  const toggle = (v: Verdict) => setVerdicts((old) => (old.includes(v) ? old.filter((x) => x !== v) : [...old, v]));

  return (
    <div className="fleet">
      <div className="toolbar" role="toolbar" aria-label="Fleet filters">
        <span className="muted small">Verdict:</span>
        {VERDICTS.map((v) => (
          <button key={v} type="button" className={`chip v-${v} ${verdicts.includes(v) ? 'on' : ''}`} aria-pressed={verdicts.includes(v)} onClick={() => toggle(v)} disabled={counts[v] === 0 && !verdicts.includes(v)}>
            {VERDICT_LABEL[v]} <span className="chip-count">{counts[v]}</span>
          </button>
        ))}
        <input type="search" className="search" placeholder="Host name or id" value={text} onChange={(e) => setText(e.target.value)} aria-label="Search hosts" />
        <label className="small">
          Sort{' '}
          <select value={sort} onChange={(e) => setSort(e.target.value as HostSort)}>
            <option value="severity">most severe first</option>
            <option value="name">host name</option>
            <option value="id">host id</option>
            <option value="first-seen">first seen</option>
          </select>
        </label>
        <span className="muted small push">{total === null ? '' : `${total} of ${snapshot.scan.hostCount} host(s)`}</span>
      </div>
      {error ? <ErrorNote error={error} onRetry={() => setVerdicts([...verdicts])} /> : null}
      <div className="grid-wrap" role="grid" aria-label="Hosts by stage" aria-rowcount={count + 1}>
        <div className="grid-row grid-head" role="row">
          <div role="columnheader">Host</div>
          <div role="columnheader">OS</div>
          <div role="columnheader">Verdict</div>
          {STAGE_IDS.map((s) => (
            <div key={s} role="columnheader" className="stage-col" title={STAGE_LABELS[s]}>
              {SHORT[s]}
            </div>
          ))}
          <div role="columnheader" className="num">Installs</div>
          <div role="columnheader" className="num">IOC hits</div>
          <div role="columnheader">First seen (UTC)</div>
        </div>
        <div className="grid-body" ref={scrollRef} tabIndex={0} onKeyDown={onKey} aria-activedescendant={`host-row-${active}`} data-testid="fleet-body">
          {total === 0 ? <Empty title="No host matches these filters" /> : null}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((it) => {
              const h = rowAt(it.index);
              return (
                <div
                  key={it.key}
                  id={`host-row-${it.index}`}
                  role="row"
                  aria-rowindex={it.index + 2}
                  className={`grid-row ${it.index === active ? 'active' : ''}`}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${it.start}px)` }}
                  onClick={() => {
                    setActive(it.index);
                    if (h) onOpenHost(h.id, h.name);
                  }}
                  data-host={h?.id}
                >
                  {h ? (
                    <>
                      <div role="gridcell" className="host-name" title={h.verdictReason}>
                        <span className="mono muted">{h.id}</span> {h.name}
                      </div>
                      <div role="gridcell">{h.os}</div>
                      <div role="gridcell">
                        <VerdictBadge verdict={h.verdict} />
                      </div>
                      {STAGE_IDS.map((s) => (
                        <div key={s} role="gridcell" className="stage-col">
                          <StatusMark status={h.stages[s]} stage={STAGE_LABELS[s]} />
                        </div>
                      ))}
                      <div role="gridcell" className="num">{h.installs}</div>
                      <div role="gridcell" className="num">{h.iocHits}</div>
                      <div role="gridcell">
                        <Time iso={h.firstSeen} seconds={false} />
                      </div>
                    </>
                  ) : (
                    <div role="gridcell" className="muted">
                      loading…
                    </div>
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </div>
      <p className="legend small muted">
        <StatusMark status="observed" /> observed · <StatusMark status="not-observed" /> looked for, not found · <StatusMark status="not-assessed" /> not assessed (no artefact to judge). Click a row or press Enter to open a host.
      </p>
    </div>
  );
}

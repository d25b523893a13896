/**
 * The Findings grid, without data fetching: a virtualized list of rows handed in by index (rows
 * not loaded yet draw as placeholders), sortable headers, and the keyboard. The view feeds it
 * pages from the engine; the component harness feeds it synthetic rows.
 * Keyboard: ↑/↓/PgUp/PgDn/Home/End move, Enter opens the host at the finding.
 */
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { FindingRow, FindingSort } from '@common/ipc-contract.js';
import { CitationLine } from '../../components/CitationLine';
import { Time } from '../../components/Time';
import { HostCell, IocCell, StageCell } from './cells';

export const FINDING_ROW_HEIGHT = 46;

export interface FindingsTableProps {
  count: number;
  rowAt: (index: number) => FindingRow | undefined;
  active: number;
  onActive: (index: number) => void;
  onOpen: (row: FindingRow) => void;
  sort: FindingSort;
  descending: boolean;
  onSort: (sort: FindingSort) => void;
  /** Told which rows are on screen (to fetch their pages). */
  onVisible?: (first: number, last: number) => void;
  /** Where to start scrolled to (coming back to the view). */
  initialOffset?: number;
  onScrolled?: (offset: number) => void;
  /** Drawn in the body when count is 0. */
  empty?: ReactNode;
}

const COLUMNS: { label: string; sort: FindingSort | null; className?: string }[] = [
  { label: 'Host', sort: 'host' },
  { label: 'Stage', sort: 'stage' },
  { label: 'Artefact', sort: 'artefact' },
  { label: 'Finding and evidence citation', sort: null },
  { label: 'Time (UTC)', sort: 'time' },
  { label: 'IOC hits', sort: 'iocs', className: 'num' },
];

export function FindingsTable(p: FindingsTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: p.count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => FINDING_ROW_HEIGHT,
    overscan: 10,
    initialOffset: p.initialOffset ?? 0,
    onChange: (v) => p.onScrolled?.(v.scrollOffset ?? 0),
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (last >= first) p.onVisible?.(first, last);
  }, [first, last, p.count, p.onVisible]);

  const move = (to: number) => {
    if (p.count === 0) return;
    const i = Math.max(0, Math.min(p.count - 1, to));
    p.onActive(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };
  const onKey = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 460) / FINDING_ROW_HEIGHT) - 1);
    const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (e.key in step) move(p.active + (step[e.key] ?? 0));
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(p.count - 1);
    else if (e.key === 'Enter') {
      const r = p.rowAt(p.active);
      if (r) p.onOpen(r);
    } else return;
    e.preventDefault();
  };

  return (
    <div className="grid-wrap findings-grid" role="grid" aria-label="Findings" aria-rowcount={p.count + 1}>
      <div className="f-row grid-head" role="row">
        {COLUMNS.map((c) => {
          const on = c.sort !== null && c.sort === p.sort;
          return (
            <div key={c.label} role="columnheader" className={c.className} aria-sort={on ? (p.descending ? 'descending' : 'ascending') : undefined}>
              {c.sort ? (
                <button type="button" className={`sort ${on ? 'on' : ''}`} onClick={() => p.onSort(c.sort as FindingSort)} data-sort={c.sort} title={`Sort by ${c.label.toLowerCase()}${on ? ' (click again to reverse)' : ''}`}>
                  {c.label}
                  {on ? (
                    <span className="sort-arrow" aria-hidden="true">
                      {p.descending ? '▼' : '▲'}
                    </span>
                  ) : null}
                </button>
              ) : (
                c.label
              )}
            </div>
          );
        })}
      </div>
      <div className="grid-body" ref={scrollRef} tabIndex={0} onKeyDown={onKey} aria-activedescendant={p.count > 0 ? `finding-row-${p.active}` : undefined} data-testid="findings-body">
        {p.count === 0 ? <div className="grid-empty">{p.empty}</div> : null}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((it) => {
            const r = p.rowAt(it.index);
            return (
              <div
                key={it.key}
                id={`finding-row-${it.index}`}
                role="row"
                aria-rowindex={it.index + 2}
                aria-selected={it.index === p.active}
                className={`f-row grid-row ${it.index === p.active ? 'active' : ''}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: FINDING_ROW_HEIGHT, transform: `translateY(${it.start}px)` }}
                onClick={() => p.onActive(it.index)}
                onDoubleClick={() => r && p.onOpen(r)}
                data-finding={r?.key}
                data-index={it.index}
              >
                {r ? <FindingCells row={r} /> : <div role="gridcell" className="muted">loading…</div>}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

export function FindingCells({ row }: { row: FindingRow }) {
  return (
    <>
      <div role="gridcell" className="f-host">
        <HostCell row={row} />
      </div>
      <div role="gridcell">
        <StageCell stage={row.stage} status={row.status} />
      </div>
      <div role="gridcell" className="f-artefact" title={row.artefact}>
        {row.artefact}
      </div>
      <div role="gridcell" className="f-finding">
        <div className="f-detail" title={row.detail}>
          {row.detail}
        </div>
        <CitationLine citation={row.citation} path={row.path} compact />
      </div>
      <div role="gridcell">
        <Time iso={row.time} />
      </div>
      <div role="gridcell" className="num">
        <IocCell hits={row.iocHits} />
      </div>
    </>
  );
}

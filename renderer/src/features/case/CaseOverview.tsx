/** The case tab: details, the evidence list with per-item progress, scan and cancel, drag-and-drop. */
import { useState, type DragEvent } from 'react';
import type { CaseEvidence } from '@common/ipc-contract.js';
import type { Actions } from '../../app/actions';
import { Time } from '../../components/Time';
import { VerdictBadge } from '../../components/Badges';
import { Empty } from '../../components/States';
import { VERDICTS } from '../../lib/labels';
import { useCase } from '../../stores/case';
import { CaseDetails } from './CaseDetails';

const STATUS_TEXT: Record<CaseEvidence['status'], string> = { pending: 'not scanned', scanning: 'scanning', done: 'scanned', error: 'error', cancelled: 'cancelled' };

export function CaseOverview({ actions, onShowFleet }: { actions: Actions; onShowFleet: () => void }) {
  const { snapshot, progress } = useCase();
  const [dragging, setDragging] = useState(false);
  if (!snapshot) return null;
  const scan = snapshot.scan;

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const files = [...e.dataTransfer.files];
    if (files.length > 0) void actions.dropEvidence(files);
  };

  return (
    <div
      className={`overview ${dragging ? 'dragging' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <CaseDetails actions={actions} />
      <section className="panel">
        <div className="panel-head">
          <h2>Evidence</h2>
          <div className="row">
            <button type="button" onClick={() => void actions.addEvidence({ source: 'dialog-files' })} disabled={snapshot.scanning}>
              Add files…
            </button>
            <button type="button" onClick={() => void actions.addEvidence({ source: 'dialog-folders' })} disabled={snapshot.scanning}>
              Add folders…
            </button>
            {snapshot.scanning ? (
              <button type="button" className="danger" onClick={() => void actions.cancelScan()} data-action="cancel-scan">
                Cancel scan
              </button>
            ) : (
              <button type="button" className="primary" onClick={() => void actions.startScan()} disabled={snapshot.evidence.length === 0} data-action="scan">
                {scan ? 'Rescan all' : 'Scan'}
              </button>
            )}
          </div>
        </div>
        {snapshot.evidence.length === 0 ? (
          <Empty title="No evidence yet">Add image files, archives or folders (mounted volumes, triage collections) — or drop them onto this window.</Empty>
        ) : (
          <table className="table" aria-label="Evidence items">
            <thead>
              <tr>
                <th style={{ width: '4em' }}>Id</th>
                <th>Path</th>
                <th style={{ width: '11em' }}>Added (UTC)</th>
                <th style={{ width: '30%' }}>Status</th>
              </tr>
            </thead>
            <tbody>
              {snapshot.evidence.map((e) => {
                const p = progress[e.id];
                const done = p?.done ?? e.done;
                const total = p?.total ?? e.total;
                return (
                  <tr key={e.id} data-evidence={e.id}>
                    <td className="mono">{e.id}</td>
                    <td className="mono wrap">{e.path}</td>
                    <td>
                      <Time iso={e.addedAt} />
                    </td>
                    <td>
                      <span className={`status st-${e.status}`}>{STATUS_TEXT[e.status]}</span> <span className="muted small">{p?.message ?? e.message ?? ''}</span>
                      {e.status === 'scanning' && total ? <progress max={total} value={done ?? 0} aria-label={`${e.id} progress`} /> : null}
                      {e.status === 'scanning' && !total ? <progress aria-label={`${e.id} progress`} /> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <p className="muted small">Drop files or folders anywhere on this tab to add them. Evidence is opened read-only.</p>
      </section>
      {scan ? (
        <section className="panel">
          <div className="panel-head">
            <h2>Last scan</h2>
            <button type="button" onClick={onShowFleet} data-action="show-fleet">
              Show the fleet →
            </button>
          </div>
          <p>
            Finished <Time iso={scan.finishedAt} /> · {scan.hostCount} host(s) · {scan.tool} · indicators {scan.iocSet}
          </p>
          <div className="row wrap-row">
            {VERDICTS.filter((v) => scan.verdicts[v] > 0).map((v) => (
              <span key={v} className="count">
                <VerdictBadge verdict={v} /> × {scan.verdicts[v]}
              </span>
            ))}
          </div>
          {scan.errors.length > 0 ? (
            <details className="errors">
              <summary>{scan.errors.length} issue(s) met while reading the evidence</summary>
              <table className="table">
                <tbody>
                  {scan.errors.slice(0, 500).map((er, i) => (
                    <tr key={i}>
                      <td className="mono">{er.evidenceId ?? ''}</td>
                      <td className="mono wrap">{er.path}</td>
                      <td className="wrap">{er.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

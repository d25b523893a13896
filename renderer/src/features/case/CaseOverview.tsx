/**
 * The case tab: details, the evidence list with per-item progress and per-item cancel, removal
 * (after a confirmation), scan and cancel, drag-and-drop.
 */
import { useState, type DragEvent } from 'react';
import type { CaseEvidence } from '@common/ipc-contract.js';
import type { Actions } from '../../app/actions';
import { Time } from '../../components/Time';
import { VerdictBadge } from '../../components/Badges';
import { Empty } from '../../components/States';
import { VERDICTS } from '../../lib/labels';
import { useCase } from '../../stores/case';
import { CaseDetails } from './CaseDetails';
import { ConfirmDialog } from '../../components/ConfirmDialog';

const STATUS_TEXT: Record<CaseEvidence['status'], string> = { pending: 'not scanned', scanning: 'scanning', done: 'scanned', error: 'error', cancelled: 'cancelled' };
/** While a scan runs, a pending item is simply next in line. */
const statusText = (s: CaseEvidence['status'], scanning: boolean): string => (s === 'pending' && scanning ? 'queued' : STATUS_TEXT[s]);

export function CaseOverview({ actions, onShowFleet }: { actions: Actions; onShowFleet: () => void }) {
  const { snapshot, progress, current } = useCase();
  const [dragging, setDragging] = useState(false);
  const [removing, setRemoving] = useState<CaseEvidence | null>(null);
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
                <th style={{ width: '12.5em' }}>Added (UTC)</th>
                <th style={{ width: '32%' }}>Status</th>
                <th style={{ width: '7.5em' }}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {snapshot.evidence.map((item) => {
                const p = progress[item.id];
                // The snapshot is refreshed when the case changes, not on every progress line: while
                // a scan runs, the progress stream says which item is being scanned and which are through.
                const e = item.status === 'pending' && snapshot.scanning && p ? { ...item, status: item.id === current ? ('scanning' as const) : ('done' as const), message: item.id === current ? p.message : 'scanned; waiting for the other items' } : item;
                const done = p?.done ?? e.done;
                const total = p?.total ?? e.total;
                const live = snapshot.scanning && (e.status === 'scanning' || e.status === 'pending');
                return (
                  <tr key={e.id} data-evidence={e.id}>
                    <td className="mono">{e.id}</td>
                    <td className="mono wrap">{e.path}</td>
                    <td className="nowrap">
                      <Time iso={e.addedAt} />
                    </td>
                    <td>
                      <span className={`status st-${e.status}`}>{statusText(e.status, snapshot.scanning)}</span>{' '}
                      <span className="muted small">{e.status === 'scanning' ? (p?.message ?? e.message ?? '') : e.status === 'pending' && snapshot.scanning ? '' : (e.message ?? '')}</span>
                      {e.status === 'scanning' && total ? (
                        <span className="progress-line">
                          <progress max={total} value={done ?? 0} aria-label={`${e.id} progress`} />
                          <span className="muted small mono nowrap">
                            {done ?? 0}/{total}
                            {p?.phase === 'hash' ? ' files' : ''}
                          </span>
                        </span>
                      ) : null}
                      {e.status === 'scanning' && !total ? <progress aria-label={`${e.id} progress`} /> : null}
                    </td>
                    <td className="actions">
                      {live ? (
                        <button type="button" className="small-btn" onClick={() => void actions.cancelItem(e.id)} data-action="cancel-item" aria-label={`Cancel scanning ${e.id}`} title="Stop scanning this item only; its hosts will show as not assessed">
                          Cancel
                        </button>
                      ) : null}
                      {!snapshot.scanning ? (
                        <button type="button" className="small-btn ghost-danger" onClick={() => setRemoving(e)} data-action="remove-evidence" aria-label={`Remove ${e.id} from the case`} title="Remove from the case (the file or folder itself is not touched)">
                          Remove…
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <p className="muted small">Drop files or folders anywhere on this tab to add them. Evidence is opened read-only. Cancel on a row stops that item only; the rest of the scan goes on.</p>
      </section>
      {removing ? (
        <ConfirmDialog
          title={`Remove ${removing.id} from this case?`}
          confirm="Remove from case"
          cancel="Keep it"
          onCancel={() => setRemoving(null)}
          onConfirm={() => {
            const id = removing.id;
            setRemoving(null);
            void actions.removeEvidence(id);
          }}
        >
          <p className="mono wrap">{removing.path}</p>
          <p>The hosts found on it, and their findings, leave the fleet and the report. The removal is recorded in the case's audit log.</p>
          <p>
            <strong>The file or folder itself is not touched:</strong> nothing is deleted, moved or changed. You can add it again later (it gets a new id).
          </p>
        </ConfirmDialog>
      ) : null}
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

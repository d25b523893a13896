/** One host: the verdict in a sentence, the chain-of-infection graph with citations, installs, IOC hits, timeline. */
import { useEffect, useMemo, useState } from 'react';
import type { HostResult, StageId } from '@common/scan-result.js';
import { buildChainGraph, STAGE_HINTS, STAGE_LABELS, WAKE_UP_NODE } from '@common/chain-graph.js';
import { api, unwrap } from '../../bridge';
import { StatusMark, VerdictBadge } from '../../components/Badges';
import { ErrorNote, Loading } from '../../components/States';
import { Time } from '../../components/Time';
import { useAsync } from '../../components/use-async';
import { STATUS_HELP, STATUS_LABEL, VERDICT_HELP } from '../../lib/labels';
import { ChainGraph } from './ChainGraph';
import { Citations } from './Citations';
import { InstallsTable, IocTable, TimelineTable } from './HostTables';

/** A finding to land on: its stage is selected and its citation picked out. */
export interface HostFocus {
  stage: StageId;
  index: number;
}

export function HostView({ hostId, version, onBack, focus = null, backTo = 'fleet' }: { hostId: string; version: number; onBack: () => void; focus?: HostFocus | null; backTo?: 'fleet' | 'findings' }) {
  const [state, retry] = useAsync(() => unwrap(api().getHost({ hostId })), [hostId, version]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !(e.target instanceof HTMLInputElement)) onBack();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onBack]);
  if (state.status === 'loading') return <Loading what={`host ${hostId}`} />;
  if (state.status === 'error') return <ErrorNote error={state.error} onRetry={retry} />;
  return <Host host={state.value} onBack={onBack} focus={focus} backTo={backTo} />;
}

function Host({ host, onBack, focus, backTo }: { host: HostResult; onBack: () => void; focus: HostFocus | null; backTo: 'fleet' | 'findings' }) {
  const model = useMemo(() => buildChainGraph(host), [host]);
  const firstObserved = host.stages.find((s) => s.status === 'observed' && s.evidence.length > 0)?.id ?? null;
  const [selected, setSelected] = useState<string | null>(focus?.stage ?? firstObserved);
  const stage = host.stages.find((s) => s.id === selected) ?? null;
  const wake = model.nodes.find((n) => n.id === WAKE_UP_NODE);

  return (
    <div className="host">
      <div className="host-head">
        <button type="button" className="ghost" onClick={onBack} title={`Back to the ${backTo} (Esc)`} data-action="host-back">
          ← {backTo === 'findings' ? 'Findings' : 'Fleet'}
        </button>
        <h1>
          <span className="mono muted">{host.id}</span> <span data-testid="host-name">{host.name}</span>
        </h1>
        <VerdictBadge verdict={host.verdict} />
        <span className="muted small">
          {host.os} · evidence {host.evidence.join(', ')}
        </span>
      </div>
      <p className={`verdict-sentence vs-${host.verdict}`} data-testid="verdict-sentence">
        {host.verdictReason || VERDICT_HELP[host.verdict]}
      </p>

      <section className="panel chain-panel">
        <div className="panel-head">
          <h2>Chain of infection</h2>
          <span className="legend small">
            <span className="key cn-observed">observed</span>
            <span className="key cn-not-observed">not observed</span>
            <span className="key cn-not-assessed">not assessed</span>
            <span className="key cn-event">expected (stated by evidence)</span>
          </span>
        </div>
        <ChainGraph model={model} selected={selected} onSelect={(id) => setSelected(id === WAKE_UP_NODE ? 'dormancy-timer' : id)} />
        <div className="chain-layout">
          <aside className="citations" aria-live="polite" data-testid="citations">
            {stage ? (
              <>
                <h3>
                  {STAGE_LABELS[stage.id]} <StatusMark status={stage.status} />
                </h3>
                <p className="muted small">
                  {STATUS_LABEL[stage.status]}: {STATUS_HELP[stage.status]}. Looks for {STAGE_HINTS[stage.id]}.
                </p>
                {stage.id === 'dormancy-timer' && wake?.time ? <p className="small">
                    The timer states a planned wake-up at <Time iso={wake.time} />.
                  </p> : null}
                <Citations evidence={stage.evidence} focus={focus && focus.stage === stage.id ? focus.index : null} />
              </>
            ) : (
              <p className="muted">Select a stage in the graph (click, or Tab to it and press Enter) to see its evidence.</p>
            )}
          </aside>
          <table className="table stages-table" aria-label="Stages">
            <thead>
              <tr>
                <th>Stage</th>
                <th>Status</th>
                <th>First seen (UTC)</th>
                <th>Evidence</th>
              </tr>
            </thead>
            <tbody>
              {host.stages.map((s) => (
                <tr key={s.id} className={s.id === selected ? 'selected' : ''}>
                  <td>
                    <button type="button" className="link" onClick={() => setSelected(s.id)} data-stage={s.id}>
                      {STAGE_LABELS[s.id]}
                    </button>
                  </td>
                  <td>
                    <StatusMark status={s.status} /> {STATUS_LABEL[s.status]}
                  </td>
                  <td>
                    <Time iso={s.firstSeen} />
                  </td>
                  <td>{s.evidence.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="panel">
        <h2>Installs</h2>
        <InstallsTable installs={host.installs} />
      </section>
      <section className="panel">
        <h2>Indicator matches</h2>
        <IocTable hits={host.iocHits} />
      </section>
      <section className="panel" data-testid="timeline">
        <h2>Timeline (UTC)</h2>
        <TimelineTable entries={host.timeline} />
      </section>
    </div>
  );
}

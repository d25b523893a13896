/** The Findings table's cells: pure functions of a row, so they are rendered and tested in isolation. */
import type { FindingRow } from '@common/ipc-contract.js';
import { STAGE_LABELS } from '@common/chain-graph.js';
import type { StageId, StageStatus } from '@common/scan-result.js';
import { StatusMark } from '../../components/Badges';
import { STATUS_LABEL } from '../../lib/labels';

export function StageCell({ stage, status }: { stage: StageId; status: StageStatus }) {
  return (
    <span className="stage-cell">
      <StatusMark status={status} stage={STAGE_LABELS[stage]} />
      <span className="stage-name" title={`${STAGE_LABELS[stage]}: ${STATUS_LABEL[status]}`}>
        {STAGE_LABELS[stage]}
      </span>
    </span>
  );
}

/** How many indicators matched this file, the values on hover; a dash when none did. */
export function IocCell({ hits }: { hits: readonly string[] }) {
  if (hits.length === 0) return <span className="muted">—</span>;
  return (
    <span className="ioc-count" title={hits.join('\n')} aria-label={`${hits.length} indicator match(es): ${hits.join('; ')}`}>
      {hits.length}
    </span>
  );
}

export function HostCell({ row }: { row: Pick<FindingRow, 'hostId' | 'hostName'> }) {
  return (
    <span className="host-cell" title={`${row.hostId} ${row.hostName}`}>
      <span className="mono muted">{row.hostId}</span> {row.hostName}
    </span>
  );
}

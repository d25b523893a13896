import type { StageStatus, Verdict } from '@common/scan-result.js';
import { STATUS_GLYPH, STATUS_HELP, STATUS_LABEL, VERDICT_HELP, VERDICT_LABEL } from '../lib/labels';

export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  return (
    <span className={`verdict v-${verdict}`} title={VERDICT_HELP[verdict]}>
      {VERDICT_LABEL[verdict]}
    </span>
  );
}

/** One stage cell: a glyph and a colour, and the words for screen readers and hover. */
export function StatusMark({ status, stage }: { status: StageStatus; stage?: string }) {
  const text = `${stage ? `${stage}: ` : ''}${STATUS_LABEL[status]} — ${STATUS_HELP[status]}`;
  return (
    <span className={`mark s-${status}`} title={text} aria-label={text} role="img">
      {STATUS_GLYPH[status]}
    </span>
  );
}

/** A stage's evidence: what was found, the one-line citation, its time and hash. Plain text only. */
import type { StageEvidence } from '@common/scan-result.js';
import { useEffect, useRef } from 'react';
import { CitationLine } from '../../components/CitationLine';
import { Time } from '../../components/Time';

/** `focus`: the citation the examiner came for (from the Findings view), picked out and scrolled to. */
export function Citations({ evidence, focus = null }: { evidence: StageEvidence[]; focus?: number | null }) {
  const focused = useRef<HTMLLIElement>(null);
  useEffect(() => {
    focused.current?.scrollIntoView({ block: 'nearest' });
  }, [focus, evidence]);
  if (evidence.length === 0) return <p className="muted">No evidence is cited for this stage.</p>;
  return (
    <ol className="citation-list">
      {evidence.map((e, i) => (
        <li key={i} className={i === focus ? 'citation focused' : 'citation'} ref={i === focus ? focused : undefined} data-focused={i === focus ? 'true' : undefined}>
          <div className="cite-detail">{e.detail}</div>
          <CitationLine citation={e.citation ?? `${e.evidenceId} › ${e.path}`} path={e.path} />
          <div className="small muted">
            {e.artefact} · <Time iso={e.time} />
            {e.sha256 ? (
              <>
                {' '}
                · sha256 <span className="mono selectable">{e.sha256}</span>
              </>
            ) : null}
          </div>
        </li>
      ))}
    </ol>
  );
}

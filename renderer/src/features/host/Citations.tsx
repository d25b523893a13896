/** A stage's evidence: what was found, the one-line citation, its time and hash. Plain text only. */
import type { StageEvidence } from '@common/scan-result.js';
import { Time } from '../../components/Time';

export function Citations({ evidence }: { evidence: StageEvidence[] }) {
  if (evidence.length === 0) return <p className="muted">No evidence is cited for this stage.</p>;
  return (
    <ol className="citation-list">
      {evidence.map((e, i) => (
        <li key={i} className="citation">
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

/** The one-line citation with the file path picked out (the part an examiner looks for first). */
function CitationLine({ citation, path }: { citation: string; path: string }) {
  const at = citation.indexOf(path);
  return (
    <div className="cite-ref mono small" title="evidence › layers › path › location (parser)">
      {at < 0 ? (
        <>
          {citation}
          <div className="cite-path" data-testid="citation-path">
            {path}
          </div>
        </>
      ) : (
        <>
          {citation.slice(0, at)}
          <span className="cite-path" data-testid="citation-path">
            {path}
          </span>
          {citation.slice(at + path.length)}
        </>
      )}
    </div>
  );
}

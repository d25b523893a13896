/**
 * A long path cut in its middle, so the file name (the part read first) survives a narrow column.
 * Counts UTF-16 units; a cut never splits a surrogate pair.
 */
export function middle(text: string, max: number): string {
  if (text.length <= max || max < 8) return text;
  const keepEnd = Math.ceil((max - 1) * 0.65);
  let head = text.slice(0, max - 1 - keepEnd);
  let tail = text.slice(text.length - keepEnd);
  if (/[\ud800-\udbff]$/.test(head)) head = head.slice(0, -1);
  if (/^[\udc00-\udfff]/.test(tail)) tail = tail.slice(1);
  return `${head}…${tail}`;
}

/** The one-line citation with the file path picked out (the part an examiner looks for first). Text nodes only. */
export function CitationLine({ citation, path, compact = false }: { citation: string; path: string; compact?: boolean }) {
  const at = path ? citation.indexOf(path) : -1;
  const cls = compact ? 'cite-ref cite-compact mono small' : 'cite-ref mono small';
  // Compact rows cut the line short, so the whole citation goes in the hover text.
  const title = compact ? citation : 'evidence › layers › path › location (parser)';
  return (
    <div className={cls} title={title}>
      {at < 0 ? (
        <>
          {citation}
          {compact ? null : (
            <div className="cite-path" data-testid="citation-path">
              {path}
            </div>
          )}
        </>
      ) : (
        <>
          {citation.slice(0, at)}
          <span className="cite-path" data-testid="citation-path">
            {compact ? middle(path, 72) : path}
          </span>
          {citation.slice(at + path.length)}
        </>
      )}
    </div>
  );
}

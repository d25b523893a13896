/** A file's first bytes as a hex dump and its strings: text only, nothing interpreted or rendered. */
import { api, unwrap } from '../../bridge';
import { ErrorNote, Loading } from '../../components/States';
import { useAsync } from '../../components/use-async';
import { hexRows, size } from '../../lib/format';

export function Preview({ evidenceId, path }: { evidenceId: string; path: string }) {
  const [state, retry] = useAsync(() => unwrap(api().previewEvidence({ evidenceId, path })), [evidenceId, path]);
  if (state.status === 'loading') return <Loading what="preview" />;
  if (state.status === 'error') return <ErrorNote error={state.error} onRetry={retry} />;
  const p = state.value;
  const rows = hexRows(p.hex);
  return (
    <div className="preview" data-testid="preview">
      <h3 className="mono wrap">{p.path}</h3>
      <dl className="facts">
        <dt>Evidence</dt>
        <dd>{p.evidenceId}</dd>
        <dt>Size</dt>
        <dd>
          {size(p.size)} ({p.size.toLocaleString('en')} bytes)
        </dd>
        <dt>SHA-256</dt>
        <dd className="mono selectable">{p.sha256 ?? 'not computed (large file: hashed during a scan)'}</dd>
        <dt>MD5</dt>
        <dd className="mono selectable">{p.md5 ?? '—'}</dd>
      </dl>
      <h4>
        Hex (first {Math.floor(p.hex.length / 2).toLocaleString('en')} of {p.size.toLocaleString('en')} bytes)
      </h4>
      <pre className="hexdump" aria-label="Hex dump">
        {rows.map((r) => `${r.offset}  ${r.hex.padEnd(49)}  ${r.ascii}`).join('\n')}
      </pre>
      <h4>Strings ({p.strings.length})</h4>
      {p.strings.length ? <pre className="strings">{p.strings.join('\n')}</pre> : <p className="muted small">No printable runs of 4+ characters in the shown bytes.</p>}
    </div>
  );
}

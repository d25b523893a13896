/**
 * Report preview. The report HTML is built by the engine with every field escaped and a CSP that
 * allows no script; here it is shown in a frame sandboxed with no permissions at all.
 */
import { api, unwrap } from '../../bridge';
import { Empty, ErrorNote, Loading } from '../../components/States';
import { useAsync } from '../../components/use-async';

export function ReportView({ version, scanned, onPrint }: { version: number; scanned: boolean; onPrint: () => void }) {
  const [state, retry] = useAsync(() => (scanned ? unwrap(api().reportHtml({})) : Promise.resolve(null)), [version, scanned]);
  if (!scanned) return <Empty title="No report yet">Scan the evidence first; the report is built from the latest scan.</Empty>;
  if (state.status === 'loading') return <Loading what="the report" />;
  if (state.status === 'error') return <ErrorNote error={state.error} onRetry={retry} />;
  return (
    <div className="report">
      <div className="toolbar">
        <span className="muted small">Preview of the case report (as printed). Saved reports go to the case's reports/ folder and are logged.</span>
        <button type="button" className="primary push" onClick={onPrint} data-action="print-pdf">
          Save as PDF…
        </button>
      </div>
      <iframe className="report-frame" title="Report preview" sandbox="" srcDoc={state.value?.html ?? ''} data-testid="report-frame" />
    </div>
  );
}

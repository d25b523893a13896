/** The host's dense tables. Every value from evidence is a React text node (escaped by React). */
import type { InstallRecord, IocHit, TimelineEntry } from '@common/scan-result.js';
import { Empty } from '../../components/States';
import { Time } from '../../components/Time';

export function InstallsTable({ installs }: { installs: InstallRecord[] }) {
  if (installs.length === 0) return <Empty title="No 3CX install found" />;
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Product</th>
          <th>Version</th>
          <th>Trojanized build</th>
          <th>User</th>
          <th>Path</th>
          <th>How we know</th>
        </tr>
      </thead>
      <tbody>
        {installs.map((i, n) => (
          <tr key={n}>
            <td>{i.product}</td>
            <td className="mono">{i.version ?? '?'}</td>
            <td>{i.affected === null ? 'unknown' : i.affected ? <strong className="bad">yes</strong> : 'no'}</td>
            <td>{i.user ?? '—'}</td>
            <td className="mono wrap">{i.path}</td>
            <td className="wrap small">{i.source}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function IocTable({ hits }: { hits: IocHit[] }) {
  if (hits.length === 0) return <Empty title="No indicator matched" />;
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Type</th>
          <th>Indicator</th>
          <th>Where</th>
          <th>Source (confidence)</th>
        </tr>
      </thead>
      <tbody>
        {hits.map((h, n) => (
          <tr key={n}>
            <td>{h.type}</td>
            <td className="wrap">
              <span className="mono">{h.value}</span>
              <div className="small muted">{h.description}</div>
            </td>
            <td className="mono wrap">
              {h.evidenceId ? `${h.evidenceId} ` : ''}
              {h.path}
            </td>
            <td className="wrap small">
              {h.source} {h.confidence ? `(${h.confidence})` : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TimelineTable({ entries }: { entries: TimelineEntry[] }) {
  if (entries.length === 0) return <Empty title="No dated facts" />;
  return (
    <table className="table timeline">
      <thead>
        <tr>
          <th style={{ width: '13em' }}>Time (UTC)</th>
          <th>Event</th>
          <th>Source</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((t, n) => (
          <tr key={n}>
            <td>
              <Time iso={t.time} />
            </td>
            <td className="wrap">{t.event}</td>
            <td className="mono wrap small">{t.source}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

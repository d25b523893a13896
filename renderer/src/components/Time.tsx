import { localTitle, utc } from '../lib/format';

/** A UTC time, with the examiner's local time on hover. */
export function Time({ iso, seconds = true }: { iso: string | null | undefined; seconds?: boolean }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={localTitle(iso)} className="time">
      {utc(iso, seconds)}
    </time>
  );
}

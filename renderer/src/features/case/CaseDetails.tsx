/** Case number, name, examiner and notes; edits are saved to case.json and logged in the audit log. */
import { useEffect, useState } from 'react';
import type { Actions } from '../../app/actions';
import { Time } from '../../components/Time';
import { useCase } from '../../stores/case';

export function CaseDetails({ actions }: { actions: Actions }) {
  const { snapshot } = useCase();
  const [editing, setEditing] = useState(false);
  const [meta, setMeta] = useState(snapshot?.meta ?? { caseNumber: '', name: '', examiner: '', notes: '' });
  useEffect(() => {
    if (!editing && snapshot) setMeta(snapshot.meta);
  }, [snapshot, editing]);
  if (!snapshot) return null;

  if (!editing) {
    return (
      <section className="panel">
        <div className="panel-head">
          <h2>Case</h2>
          <button type="button" className="ghost" onClick={() => setEditing(true)}>
            Edit details
          </button>
        </div>
        <dl className="facts">
          <dt>Case number</dt>
          <dd>{snapshot.meta.caseNumber || '—'}</dd>
          <dt>Name</dt>
          <dd>{snapshot.meta.name || '—'}</dd>
          <dt>Examiner</dt>
          <dd>{snapshot.meta.examiner || '—'}</dd>
          <dt>Created</dt>
          <dd>
            <Time iso={snapshot.createdAt} />
          </dd>
          <dt>Case folder</dt>
          <dd className="mono wrap">{snapshot.dir}</dd>
          {snapshot.meta.notes ? (
            <>
              <dt>Notes</dt>
              <dd className="pre-wrap">{snapshot.meta.notes}</dd>
            </>
          ) : null}
        </dl>
      </section>
    );
  }
  const set = (k: keyof typeof meta) => (e: { target: { value: string } }) => setMeta({ ...meta, [k]: e.target.value });
  return (
    <section className="panel">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void actions.updateMeta(meta).then((ok) => ok && setEditing(false));
        }}
      >
        <h2>Case details</h2>
        <label className="field">
          <span>Case number</span>
          <input value={meta.caseNumber} onChange={set('caseNumber')} />
        </label>
        <label className="field">
          <span>Name</span>
          <input value={meta.name} onChange={set('name')} />
        </label>
        <label className="field">
          <span>Examiner</span>
          <input value={meta.examiner} onChange={set('examiner')} />
        </label>
        <label className="field">
          <span>Notes</span>
          <textarea rows={4} value={meta.notes} onChange={set('notes')} />
        </label>
        <div className="row">
          <button type="submit" className="primary">
            Save
          </button>
          <button type="button" className="ghost" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

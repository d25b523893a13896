/** The first screen: the demo case one click away, a new case, or an existing case folder. */
import { useState, type FormEvent } from 'react';
import type { Actions } from '../../app/actions';

export function StartScreen({ actions, startWithForm, onBack }: { actions: Actions; startWithForm: boolean; onBack?: (() => void) | undefined }) {
  const [showForm, setShowForm] = useState(startWithForm);
  const [meta, setMeta] = useState({ caseNumber: '', name: '', examiner: '', notes: '' });
  const busy = actions.busy !== null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void actions.newCase(meta);
  };
  const field = (k: keyof typeof meta, label: string, placeholder: string, required = false) => (
    <label className="field">
      <span>{label}</span>
      <input value={meta[k]} required={required} placeholder={placeholder} onChange={(e) => setMeta({ ...meta, [k]: e.target.value })} />
    </label>
  );

  return (
    <div className="start">
      <div className="start-head">
        <h1>3CX Triage</h1>
        <p className="lead">Offline triage of hosts for the March 2023 3CX DesktopApp supply-chain compromise: one verdict per host, the installs, and the chain of infection with the evidence for every step.</p>
      </div>
      {actions.notice ? (
        <div className={`notice ${actions.notice.kind}`} role="alert">
          {actions.notice.text}
        </div>
      ) : null}
      <div className="start-cards">
        <section className="card primary-card">
          <h2>Try the demo case</h2>
          <p>Two hosts built from benign stand-ins — a Windows workstation and a Mac, both compromised — scanned by the real engine.</p>
          <button type="button" className="primary" onClick={() => void actions.openDemo()} disabled={busy} data-action="open-demo" autoFocus>
            {actions.busy === 'Open demo case' ? 'Opening…' : 'Open demo case'}
          </button>
        </section>
        <section className="card">
          <h2>New case</h2>
          {showForm ? (
            <form onSubmit={submit} className="form">
              {field('caseNumber', 'Case number', 'e.g. IR-2023-0142', true)}
              {field('name', 'Case name', 'e.g. ACME 3CX exposure')}
              {field('examiner', 'Examiner', 'your name', true)}
              <label className="field">
                <span>Notes</span>
                <textarea rows={3} value={meta.notes} onChange={(e) => setMeta({ ...meta, notes: e.target.value })} />
              </label>
              <div className="row">
                <button type="submit" className="primary" disabled={busy}>
                  Choose an empty folder and create…
                </button>
                <button type="button" className="ghost" onClick={() => setShowForm(false)}>
                  Cancel
                </button>
              </div>
            </form>
          ) : (
            <>
              <p>A case is a folder: case details, results, reports and an append-only audit log of what you did.</p>
              <button type="button" onClick={() => setShowForm(true)} disabled={busy}>
                New case…
              </button>
            </>
          )}
        </section>
        <section className="card">
          <h2>Open a case</h2>
          <p>Reopen a case folder; its last results load without rescanning.</p>
          <button type="button" onClick={() => void actions.openCase()} disabled={busy}>
            Open case…
          </button>
        </section>
      </div>
      <p className="muted small footnote">Evidence is opened read-only. The app makes no network connections. Times are shown in UTC; hover a time for your local time.</p>
      {onBack ? (
        <button type="button" className="ghost" onClick={onBack}>
          ← Back to the open case
        </button>
      ) : null}
    </div>
  );
}

/** The shell: start screen or the open case with its tabs; menu commands and shortcuts land here. */
import { useEffect, useState } from 'react';
import type { MenuCommand } from '@common/ipc-contract.js';
import { api, hasBridge } from '../bridge';
import { CaseProvider, useCase } from '../stores/case';
import { StartScreen } from '../features/start/StartScreen';
import { CaseOverview } from '../features/case/CaseOverview';
import { FleetView } from '../features/fleet/FleetView';
import { HostView } from '../features/host/HostView';
import { EvidenceBrowser } from '../features/browser/EvidenceBrowser';
import { ReportView } from '../features/report/ReportView';
import { FindingsView, INITIAL_FINDINGS, type FindingsState } from '../features/findings/FindingsView';
import type { HostFocus } from '../features/host/HostView';
import { useActions } from './actions';

type Tab = 'evidence' | 'fleet' | 'findings' | 'host' | 'browser' | 'report';
const TAB_KEYS: Record<string, Tab> = { '1': 'evidence', '2': 'fleet', '3': 'findings', '4': 'browser', '5': 'report' };

export function App() {
  if (!hasBridge()) {
    return (
      <div className="state error fatal" role="alert">
        <h1>3CX Triage</h1>
        <p>This page runs inside the 3CX Triage desktop app; the app bridge is missing here.</p>
      </div>
    );
  }
  return (
    <CaseProvider>
      <Shell />
    </CaseProvider>
  );
}

function Shell() {
  const { snapshot } = useCase();
  const actions = useActions();
  const [tab, setTab] = useState<Tab>('evidence');
  const [hostId, setHostId] = useState<string | null>(null);
  const [hostName, setHostName] = useState<string>('');
  const [hostFocus, setHostFocus] = useState<HostFocus | null>(null);
  const [hostFrom, setHostFrom] = useState<'fleet' | 'findings'>('fleet');
  const [findings, setFindings] = useState<FindingsState>(INITIAL_FINDINGS);
  const [startRequested, setStartRequested] = useState<'start' | 'new' | null>(null);

  const caseKey = snapshot ? `${snapshot.dir}|${snapshot.createdAt}` : '';
  // When evidence leaves the case, the open host may have left with it: close its tab.
  const evidenceKey = snapshot?.evidence.map((e) => e.id).join(',') ?? '';
  useEffect(() => {
    if (!hostId) return;
    void api()
      .getHost({ hostId })
      .then((r) => {
        if (r.ok || r.error.code !== 'not-found') return;
        setHostId(null);
        setTab((t) => (t === 'host' ? hostFrom : t));
      });
  }, [evidenceKey]);
  useEffect(() => {
    if (!caseKey) return;
    setTab(snapshot?.demo ? 'fleet' : 'evidence');
    setHostId(null);
    setStartRequested(null);
    setFindings(INITIAL_FINDINGS);
  }, [caseKey]);

  useEffect(() => {
    const onCommand = (command: MenuCommand) => {
      switch (command) {
        case 'new-case':
          return setStartRequested('new');
        case 'open-case':
          return void actions.openCase();
        case 'open-demo':
          return void actions.openDemo();
        case 'add-files':
          return void actions.addEvidence({ source: 'dialog-files' });
        case 'add-folders':
          return void actions.addEvidence({ source: 'dialog-folders' });
        case 'print-report':
          return void actions.printPdf();
        case 'view-evidence':
          return setTab('evidence');
        case 'view-fleet':
          return setTab('fleet');
        case 'view-findings':
          return setTab('findings');
        case 'view-browser':
          return setTab('browser');
        case 'view-report':
          return setTab('report');
        default:
          return undefined;
      }
    };
    const off = api().onMenuCommand((m) => onCommand(m.command));
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && TAB_KEYS[e.key] && snapshot) {
        e.preventDefault();
        setTab(TAB_KEYS[e.key] as Tab);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      off();
      window.removeEventListener('keydown', onKey);
    };
  }, [actions, snapshot]);

  if (!snapshot || startRequested) {
    return <StartScreen actions={actions} startWithForm={startRequested === 'new'} onBack={snapshot ? () => setStartRequested(null) : undefined} />;
  }

  const openHost = (id: string, name: string, focus: HostFocus | null = null, from: 'fleet' | 'findings' = 'fleet') => {
    setHostId(id);
    setHostName(name);
    setHostFocus(focus);
    setHostFrom(from);
    setTab('host');
  };
  const tabs: { id: Tab; label: string }[] = [
    { id: 'evidence', label: 'Evidence' },
    { id: 'fleet', label: `Fleet${snapshot.scan ? ` (${snapshot.scan.hostCount})` : ''}` },
    { id: 'findings', label: 'Findings' },
    ...(hostId ? [{ id: 'host' as Tab, label: `Host: ${hostName}` }] : []),
    { id: 'browser', label: 'Evidence browser' },
    { id: 'report', label: 'Report' },
  ];

  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand" aria-label="3CX Triage">
          3CX&nbsp;Triage
        </div>
        <div className="case-title">
          <span className="case-number">{snapshot.meta.caseNumber || 'no case number'}</span>
          <span className="case-name">{snapshot.meta.name || 'untitled case'}</span>
          {snapshot.demo ? <span className="tag">demo</span> : null}
          <span className="muted small">examiner {snapshot.meta.examiner || '—'}</span>
        </div>
        <nav className="tabs" role="tablist" aria-label="Case views">
          {tabs.map((t) => (
            <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'tab active' : 'tab'} onClick={() => setTab(t.id)} data-tab={t.id}>
              {t.label}
            </button>
          ))}
        </nav>
        <button type="button" className="ghost" onClick={() => setStartRequested('start')} title="New case, open case, demo case">
          Cases…
        </button>
      </header>
      {actions.notice ? (
        <div className={`notice ${actions.notice.kind}`} role={actions.notice.kind === 'error' ? 'alert' : 'status'}>
          <span>{actions.notice.text}</span>
          <button type="button" className="ghost" onClick={actions.clearNotice} aria-label="Dismiss">
            ×
          </button>
        </div>
      ) : null}
      <main className="content">
        {tab === 'evidence' && <CaseOverview actions={actions} onShowFleet={() => setTab('fleet')} />}
        {tab === 'fleet' && <FleetView onOpenHost={(id, name) => openHost(id, name)} />}
        {tab === 'findings' && <FindingsView state={findings} onState={setFindings} onOpen={(f) => openHost(f.hostId, f.hostName, { stage: f.stage, index: f.index }, 'findings')} />}
        {tab === 'host' && hostId && <HostView key={`${hostId}|${hostFocus?.stage ?? ''}|${hostFocus?.index ?? ''}`} hostId={hostId} version={snapshot.version} focus={hostFocus} backTo={hostFrom} onBack={() => setTab(hostFrom)} />}
        {tab === 'browser' && <EvidenceBrowser evidence={snapshot.evidence} />}
        {tab === 'report' && <ReportView version={snapshot.version} scanned={snapshot.scan !== null} onPrint={() => void actions.printPdf()} />}
      </main>
    </div>
  );
}

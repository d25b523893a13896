/**
 * The preload: `window.triage`, one function per channel of common/ipc-contract.ts, nothing else
 * (no ipcRenderer, no generic send). A sandboxed preload is CommonJS with a limited `require`, so
 * this file is self-contained: channel names are written out here and type-checked against the
 * contract (a wrong or missing channel is a compile error), and only `electron` is imported
 * (.cts, so it compiles to CommonJS `require('electron')`).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';

type Contract = typeof import('../common/ipc-contract.js');
type TriageApi = import('../common/ipc-contract.js').TriageApi;
type Channel = import('../common/ipc-contract.js').Channel;
type EventName = import('../common/ipc-contract.js').EventName;
type EventContract = import('../common/ipc-contract.js').EventContract;
type Req<C extends Channel> = import('../common/ipc-contract.js').Req<C>;
type Res<C extends Channel> = import('../common/ipc-contract.js').Res<C>;
type IpcResult<T> = import('../common/ipc-contract.js').IpcResult<T>;

{
  const invoke =
    <C extends Channel>(channel: C) =>
    (req: Req<C>): Promise<IpcResult<Res<C>>> =>
      ipcRenderer.invoke(channel, req) as Promise<IpcResult<Res<C>>>;

  const subscribe =
    <E extends EventName>(event: E) =>
    (listener: (payload: EventContract[E]) => void): (() => void) => {
      const wrapped = (_e: unknown, payload: EventContract[E]): void => listener(payload);
      ipcRenderer.on(event, wrapped);
      return () => void ipcRenderer.removeListener(event, wrapped);
    };

  const api: TriageApi = {
    newCase: invoke('case:new'),
    openCase: invoke('case:open'),
    openDemoCase: invoke('case:open-demo'),
    getCase: invoke('case:get'),
    updateCaseMeta: invoke('case:update-meta'),
    closeCase: invoke('case:close'),
    addEvidence: invoke('evidence:add'),
    startScan: invoke('scan:start'),
    cancelScan: invoke('scan:cancel'),
    removeEvidence: invoke('evidence:remove'),
    listFindings: invoke('findings:list'),
    listHosts: invoke('hosts:list'),
    getHost: invoke('host:get'),
    browseEvidence: invoke('evidence:browse'),
    previewEvidence: invoke('evidence:preview'),
    reportHtml: invoke('report:html'),
    reportPdf: invoke('report:pdf'),
    onScanProgress: subscribe('scan:progress'),
    onCaseUpdated: subscribe('case:updated'),
    onMenuCommand: subscribe('menu:command'),
    // Dropped File objects become paths here (renderers no longer see File.path); main re-checks them.
    dropEvidence: (files) => {
      const FileCtor = (globalThis as { File?: abstract new (...a: never[]) => object }).File;
      const paths = FileCtor ? files.filter((f) => f instanceof FileCtor).map((f) => webUtils.getPathForFile(f as never)).filter((p) => p.length > 0) : [];
      return invoke('evidence:add')({ source: 'dropped', paths });
    },
  };

  // Compile-time check that every contract method is built above with its own channel.
  const _methods: Record<keyof Contract['API_METHODS'] | keyof Contract['EVENT_METHODS'], true> = {
    newCase: true, openCase: true, openDemoCase: true, getCase: true, updateCaseMeta: true, closeCase: true, addEvidence: true,
    startScan: true, cancelScan: true, removeEvidence: true, listFindings: true, listHosts: true, getHost: true, browseEvidence: true, previewEvidence: true, reportHtml: true,
    reportPdf: true, onScanProgress: true, onCaseUpdated: true, onMenuCommand: true,
  };
  void _methods;

  contextBridge.exposeInMainWorld('triage', Object.freeze(api));
}

/** Case-level actions shared by the start screen, the case view and the menu. */
import { useCallback, useState } from 'react';
import type { AddEvidenceSource, CaseMeta, CaseSnapshot, IpcResult } from '@common/ipc-contract.js';
import { api } from '../bridge';
import { useCase } from '../stores/case';

export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

export function useActions() {
  const { accept } = useCase();
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  const run = useCallback(
    async <T,>(what: string, p: () => Promise<IpcResult<T>>, onOk?: (v: T) => void): Promise<boolean> => {
      setBusy(what);
      setNotice(null);
      try {
        const r = await p();
        if (r.ok) {
          onOk?.(r.value);
          return true;
        }
        if (r.error.code !== 'cancelled') setNotice({ kind: 'error', text: `${what}: ${r.error.message}` });
        return false;
      } catch (err) {
        setNotice({ kind: 'error', text: `${what}: ${err instanceof Error ? err.message : String(err)}` });
        return false;
      } finally {
        setBusy(null);
      }
    },
    [],
  );

  const snap = (s: CaseSnapshot) => accept(s);
  return {
    busy,
    notice,
    clearNotice: () => setNotice(null),
    newCase: (meta: CaseMeta) => run('New case', () => api().newCase(meta), snap),
    openCase: () => run('Open case', () => api().openCase({}), snap),
    openDemo: () => run('Open demo case', () => api().openDemoCase({}), snap),
    addEvidence: (src: AddEvidenceSource) => run('Add evidence', () => api().addEvidence(src), snap),
    dropEvidence: (files: File[]) => run('Add dropped evidence', () => api().dropEvidence(files), snap),
    startScan: () => run('Scan', () => api().startScan({}), snap),
    cancelScan: () => run('Cancel scan', () => api().cancelScan({}), snap),
    cancelItem: (evidenceId: string) => run(`Cancel ${evidenceId}`, () => api().cancelScan({ evidenceId }), snap),
    removeEvidence: (evidenceId: string) => run(`Remove ${evidenceId}`, () => api().removeEvidence({ evidenceId }), snap),
    updateMeta: (meta: CaseMeta) => run('Save case details', () => api().updateCaseMeta(meta), snap),
    closeCase: () => run('Close case', () => api().closeCase({}), () => accept(null)),
    printPdf: () => run('Print report', () => api().reportPdf({}), (v) => setNotice({ kind: 'info', text: `Report saved: ${v.path}` })),
  };
}

export type Actions = ReturnType<typeof useActions>;

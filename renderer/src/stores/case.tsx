/**
 * The case snapshot shared by every view: loaded from the bridge, refreshed when the engine says
 * the case changed, plus the latest progress line per evidence item while a scan runs.
 */
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { CaseSnapshot, ScanProgressEvent } from '@common/ipc-contract.js';
import { api, unwrap } from '../bridge';

interface CaseState {
  snapshot: CaseSnapshot | null;
  progress: Record<string, ScanProgressEvent>;
  /** The item the engine reported on last (the one being scanned now, while a scan runs). */
  current: string | null;
  /** Set the snapshot from an action's answer (new/open/add/scan). */
  accept(s: CaseSnapshot | null): void;
  refresh(): Promise<void>;
}

const Ctx = createContext<CaseState | null>(null);

export function CaseProvider({ children }: { children: ReactNode }) {
  const [snapshot, setSnapshot] = useState<CaseSnapshot | null>(null);
  const [progress, setProgress] = useState<Record<string, ScanProgressEvent>>({});
  const [current, setCurrent] = useState<string | null>(null);
  const latest = useRef(0);

  const accept = useCallback((s: CaseSnapshot | null) => {
    if (s && s.version < latest.current) return; // an older answer arriving late
    latest.current = s?.version ?? 0;
    setSnapshot(s);
    if (s && !s.scanning) {
      setProgress({});
      setCurrent(null);
    }
  }, []);

  const refresh = useCallback(async () => {
    accept(await unwrap(api().getCase({})));
  }, [accept]);

  useEffect(() => {
    const offUpdated = api().onCaseUpdated(() => void refresh().catch(() => undefined));
    const offProgress = api().onScanProgress((p) => {
      if (p.evidenceId) {
        setProgress((old) => ({ ...old, [p.evidenceId as string]: p }));
        setCurrent(p.evidenceId);
      }
    });
    void refresh().catch(() => undefined);
    return () => {
      offUpdated();
      offProgress();
    };
  }, [refresh]);

  return <Ctx.Provider value={{ snapshot, progress, current, accept, refresh }}>{children}</Ctx.Provider>;
}

export function useCase(): CaseState {
  const c = useContext(Ctx);
  if (!c) throw new Error('useCase outside CaseProvider');
  return c;
}

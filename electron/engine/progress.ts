/** Progress events the engine emits; the CLI prints them, the app forwards them to the window. */
export interface ScanProgress {
  phase: 'iocs' | 'open' | 'artefacts' | 'hash' | 'analyse' | 'done';
  evidenceId?: string;
  message: string;
  done?: number;
  total?: number;
}

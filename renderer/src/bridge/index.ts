/**
 * The only module that touches `window.triage` (built by the preload in the app, by a test shim in
 * the e2e bridge). Features call `api()` and get typed results; `unwrap` turns an error result
 * into an exception for hooks that prefer throwing.
 */
import type { IpcResult, TriageApi } from '@common/ipc-contract.js';

declare global {
  interface Window {
    triage?: TriageApi;
  }
}

export function hasBridge(): boolean {
  return typeof window !== 'undefined' && typeof window.triage === 'object' && window.triage !== null;
}

export function api(): TriageApi {
  const t = window.triage;
  if (!t) throw new Error('The app bridge is missing: this page only works inside 3CX Triage.');
  return t;
}

export class BridgeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}

export async function unwrap<T>(p: Promise<IpcResult<T>>): Promise<T> {
  const r = await p;
  if (r.ok) return r.value;
  throw new BridgeError(r.error.code, r.error.message);
}

/**
 * macOS fseventsd Disk Log Stream files (`/.fseventsd/<16 hex digits>`): gzip members holding
 * pages of path + event id + flags (+ node id) records. The only public surface; see SPEC.md.
 */
export { readFsevents, type FseventsReadOptions, type FseventsSummary } from './stream.js';
export { parseDlsStream, fseventFlagNames, type DlsRecord } from './pages.js';
export { FSEVENT_FLAGS, FSEVENTS_LIMITS, type FseventFlagName } from './constants.js';

export const FSEVENTS_PARSER = { id: 'fsevents', version: '1' } as const;

/** fseventsd names each log file after the last event id it holds: 16 hex digits. */
export function fseventsFileLastEventId(name: string): bigint | null {
  return /^[0-9a-f]{16}$/i.test(name) ? BigInt(`0x${name}`) : null;
}

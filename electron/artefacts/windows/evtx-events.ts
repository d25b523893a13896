/**
 * Windows event logs (dossier §8.1): MsiInstaller installs/removals of the 3CX Desktop App,
 * its crashes and hangs, Sysmon process/network/image-load/file/DNS events, Defender
 * SamScissors detections and Security 4688 process creation. Each log is read chunk by chunk
 * (formats/evtx); a damaged chunk or record is an issue and the rest of the log is still read.
 */
import { issueFromError } from '../../common/issues.js';
import type { Target } from '../../common/vfs.js';
import { EVTX_PARSER, openEvtx } from '../../formats/evtx/index.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { withReader } from '../read-file.js';
import { matchEvent } from './evtx-match.js';

const ID = 'windows.evtx-events';
const VERSION = '1';
const PARSER = `${ID}@${VERSION}`;
const LOG_DIR = '/Windows/System32/winevt/Logs';
/** Record-level issues reported per log before the rest are summarised in one line. */
const MAX_ISSUES_PER_LOG = 50;

export const EVTX_LOGS = [
  'Application.evtx',
  'Security.evtx',
  'System.evtx',
  'Microsoft-Windows-Sysmon%4Operational.evtx',
  'Microsoft-Windows-Windows Defender%4Operational.evtx',
] as const;

export const windowsEvtxEvents: ArtefactPlugin = {
  id: ID,
  version: VERSION,
  compatible: (t: Target) => t.os === 'windows' && t.shape === 'windows-system',
  async run(ctx: PluginContext): Promise<void> {
    const examined: string[] = [];
    for (const name of EVTX_LOGS) {
      const entry = await ctx.target.resolve(`${LOG_DIR}/${name}`);
      if (entry?.type !== 'file') continue;
      examined.push(name);
      try {
        await withReader(ctx, entry, (r) => scanLog(ctx, entry.path, r));
      } catch (err) {
        if (ctx.signal?.aborted) throw err;
        ctx.issue(issueFromError(err, PARSER, ctx.target.ref(entry.path, { parser: EVTX_PARSER }), false));
      }
    }
    const detail = examined.length ? `event logs examined: ${examined.join(', ')}` : `no event logs under ${LOG_DIR}`;
    // Installer history comes from Application.evtx; network evidence from Sysmon.
    ctx.emit({ type: 'coverage', area: 'installers', platform: 'windows', state: 'examined', detail });
    if (examined.includes('Microsoft-Windows-Sysmon%4Operational.evtx')) ctx.emit({ type: 'coverage', area: 'network', platform: 'windows', state: 'examined', detail: 'Sysmon operational log read' });
  },
};

async function scanLog(ctx: PluginContext, path: string, reader: Parameters<typeof openEvtx>[0]): Promise<void> {
  const f = await openEvtx(reader);
  let issues = 0;
  for await (const item of f.records(ctx.signal ? { signal: ctx.signal } : {})) {
    if ('error' in item) {
      if (++issues <= MAX_ISSUES_PER_LOG) {
        const e = item.error;
        const within = { ...(e.offset !== null ? { offset: e.offset } : {}), ...(e.recordId !== null ? { recordId: e.recordId } : {}) };
        ctx.issue({ severity: 'warning', code: e.code, message: e.message, parser: PARSER, evidence: ctx.target.ref(path, { within, parser: EVTX_PARSER }), recovered: true });
      }
      continue;
    }
    const ref = ctx.target.ref(path, { within: { recordId: item.recordId, offset: item.offset }, parser: EVTX_PARSER });
    const rec = matchEvent(item, path, ref);
    // Event log records are not yet in the ArtefactRecord union (the lead adds them).
    if (rec) ctx.emit(rec);
  }
  if (issues > MAX_ISSUES_PER_LOG) {
    ctx.issue({ severity: 'warning', code: 'decode', message: `${issues - MAX_ISSUES_PER_LOG} more damaged records or chunks not listed`, parser: PARSER, evidence: ctx.target.ref(path, { parser: EVTX_PARSER }), recovered: true });
  }
}

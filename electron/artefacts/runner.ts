/**
 * Runs every compatible plugin against a target. A plugin that throws is recorded as a failed
 * plugin (a ParseIssue) and the others still run: one malformed artefact never stops a scan.
 */
import { issueFromError, type ParseIssue } from '../common/issues.js';
import type { Target } from '../common/vfs.js';
import type { ArtefactPlugin } from './plugin.js';
import type { ArtefactRecord } from './records.js';

export interface RunOutcome {
  records: ArtefactRecord[];
  issues: ParseIssue[];
  ran: string[];
  incompatible: string[];
  failed: string[];
}

export async function runPlugins(target: Target, plugins: readonly ArtefactPlugin[], signal?: AbortSignal): Promise<RunOutcome> {
  const out: RunOutcome = { records: [], issues: [], ran: [], incompatible: [], failed: [] };
  for (const p of plugins) {
    signal?.throwIfAborted();
    if (!p.compatible(target)) {
      out.incompatible.push(p.id);
      continue;
    }
    const ctx = { target, signal, emit: (r: ArtefactRecord) => out.records.push(r), issue: (i: ParseIssue) => out.issues.push(i) };
    try {
      await p.run(ctx);
      out.ran.push(p.id);
    } catch (err) {
      if (signal?.aborted) throw err;
      out.failed.push(p.id);
      out.issues.push({ ...issueFromError(err, `${p.id}@${p.version}`, target.ref('/'), false), code: 'plugin-failed' });
    }
  }
  return out;
}

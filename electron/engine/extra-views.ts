/**
 * A host's extra views (volume shadow copies of a disk image, KAPE/Velociraptor `VSS<n>` folders)
 * scanned with the same plugins as its main view. Each view is its own Target, so every record it
 * yields cites the view's layers (a shadow copy's `vss {guid} created <UTC>` among them); the OS
 * found on the main view is passed down, since a snapshot tree can be too partial to tell.
 */
import type { Filesystem, OsKind } from '../common/vfs.js';
import { FsTarget } from '../evidence/target.js';
import type { ArtefactPlugin } from '../artefacts/plugin.js';
import { runPlugins, type RunOutcome } from '../artefacts/runner.js';

export interface ViewOutcome extends RunOutcome {
  /** One line per view scanned, for the host's notes. */
  notes: string[];
}

export async function runPluginsOverViews(
  evidenceId: string,
  views: readonly { label: string; fs: Filesystem }[],
  plugins: readonly ArtefactPlugin[],
  osHint: OsKind,
  signal?: AbortSignal,
): Promise<ViewOutcome> {
  const out: ViewOutcome = { records: [], issues: [], ran: [], incompatible: [], failed: [], notes: [] };
  for (const v of views) {
    signal?.throwIfAborted();
    const target = await FsTarget.create(evidenceId, v.fs, osHint);
    const run = await runPlugins(target, plugins, signal);
    out.records.push(...run.records);
    out.issues.push(...run.issues);
    out.ran.push(...run.ran.filter((id) => !out.ran.includes(id)));
    out.failed.push(...run.failed);
    out.notes.push(`${v.label}: scanned as an earlier state of this host (${run.records.length} record(s))`);
  }
  return out;
}

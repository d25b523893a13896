/** The contract between the runner and artefact plugins (dissect-style: check, then yield records). */
import type { ParseIssue } from '../common/issues.js';
import type { Target } from '../common/vfs.js';
import type { ArtefactRecord } from './records.js';

export interface PluginContext {
  readonly target: Target;
  readonly signal?: AbortSignal;
  emit(record: ArtefactRecord): void;
  issue(issue: ParseIssue): void;
}

export interface ArtefactPlugin {
  /** Dotted id, e.g. `windows.app-tree`. */
  readonly id: string;
  readonly version: string;
  /** Cheap check: does this target have what the plugin reads? Absent is coverage, not failure. */
  compatible(target: Target): boolean;
  run(ctx: PluginContext): Promise<void>;
}

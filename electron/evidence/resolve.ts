/**
 * EvidenceRef → an open Reader, in any process. The engine, hash workers and the report all go
 * through here, so a worker re-opens the bytes from plain data and never receives a handle.
 * Each evidence kind registers an opener for its outermost layer kind.
 */
import type { EvidenceRef } from '../common/evidence-ref.js';
import type { Reader } from '../io/reader.js';
import { openFolderFile } from './filesystems/folder.js';
import { resolveSubdir } from './loaders/subdir.js';

export type LayerOpener = (ref: EvidenceRef) => Promise<Reader>;

// A `subdir` layer (a KAPE folder's C/ seen as the host's root) moves the path under that folder.
const openers = new Map<string, LayerOpener>([['folder', (ref) => openFolderFile(ref.chain[0]!.locator, resolveSubdir(ref).path)]]);

export function registerOpener(kind: string, opener: LayerOpener): void {
  openers.set(kind, opener);
}

export async function openRef(ref: EvidenceRef): Promise<Reader> {
  const outer = ref.chain[0];
  if (!outer) throw new Error(`evidence ref ${ref.evidenceId}:${ref.path} has no layers`);
  const opener = openers.get(outer.kind);
  if (!opener) throw new Error(`no opener for evidence layer kind '${outer.kind}'`);
  return opener(ref);
}

/**
 * One evidence item → the file systems of the host(s) it holds. Each evidence kind has an opener
 * (registered in engine/openers.ts); this module knows only the registry and the folder opener.
 * A kind with no opener yet is reported, not guessed at: the host becomes `inconclusive`.
 */
import type { EvidenceItem, EvidenceKind } from '../common/scan-result.js';
import type { Filesystem, HostFileHash, OsKind } from '../common/vfs.js';
import { detectEvidence, type Detected } from './detect.js';
import { FolderFilesystem } from './filesystems/folder.js';

export interface OpenedHost {
  fs: Filesystem;
  /** A name the evidence itself gives this host (collection metadata, volume label), if any. */
  label: string | null;
  /** What a collection holds or could not hold for this host, and other notes (report limitations). */
  coverage?: string[];
  notes?: string[];
  /** The OS the container records (a collector's layout), for trees too partial to tell. */
  osHint?: OsKind;
  /** Hashes a collector recorded for files on the host, copied or not. */
  collectorHashes?: () => HostFileHash[];
  /**
   * Earlier states of the same host — a disk's volume shadow copies, a KAPE/Velociraptor `VSS<n>`
   * folder — scanned with the same plugins; their records cite their own layers.
   */
  extraViews?: { label: string; fs: Filesystem }[];
  /**
   * A lazy host (one of hundreds of collection archives in a folder): what is above is only what a
   * first look told — `fs` works, but reads the evidence on demand for the examiner utilities. A
   * scan calls `open()` for the host read in full (fs, coverage, notes, hashes, extra views, and
   * errors met reading it) and `release()` as soon as the scan is done, so only the hosts being
   * scanned are held in memory. Call `release()` once after each `open()`, also when it threw.
   */
  open?(): Promise<OpenedHost & { errors?: { path: string; message: string }[] }>;
  release?(): Promise<void>;
}


export interface OpenedEvidence {
  item: Omit<EvidenceItem, 'id' | 'path'>;
  hosts: OpenedHost[];
  close(): Promise<void>;
}

export type EvidenceOpener = (path: string, evidenceId: string, detected: Detected) => Promise<OpenedEvidence>;

const openers = new Map<EvidenceKind, EvidenceOpener>([['folder', openFolderEvidence]]);

export function registerEvidenceOpener(kind: EvidenceKind, opener: EvidenceOpener): void {
  openers.set(kind, opener);
}

export async function openEvidence(path: string, evidenceId: string): Promise<OpenedEvidence> {
  const detected = await detectEvidence(path);
  const opener = openers.get(detected.kind);
  if (!opener) {
    return {
      item: { kind: detected.kind, sizeBytes: detected.sizeBytes, errors: [{ path: '/', message: `${detected.kind} evidence is recognised but this version cannot open it yet` }] },
      hosts: [],
      close: async () => {},
    };
  }
  try {
    return await opener(path, evidenceId, detected);
  } catch (err) {
    // The kind is known even when its reader gives up: report it with the reason, host inconclusive.
    return {
      item: { kind: detected.kind, sizeBytes: detected.sizeBytes, errors: [{ path: '/', message: err instanceof Error ? err.message : String(err) }] },
      hosts: [],
      close: async () => {},
    };
  }
}

async function openFolderEvidence(path: string): Promise<OpenedEvidence> {
  const fs = await FolderFilesystem.open(path);
  return { item: { kind: 'folder', layout: 'plain', sizeBytes: 0, errors: [] }, hosts: [{ fs, label: null }], close: () => fs.close() };
}

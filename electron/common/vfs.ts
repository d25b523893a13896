/**
 * The one file-system-like interface that live folders, disk images and triage archives all
 * present to the artefact layer (Velociraptor's accessor idea). Paths are always `/`-separated and
 * absolute inside the evidence (`/Users/alice/AppData/...`), whatever the source used.
 */
import type { EvidenceRef, Layer } from './evidence-ref.js';

export type EntryType = 'file' | 'dir' | 'link' | 'other';

export interface FileEntry {
  /** Full path inside the evidence, `/`-separated, with the on-disk spelling of each component. */
  readonly path: string;
  readonly name: string;
  readonly type: EntryType;
  readonly size: number;
  /** Stable id within the file system: inode, MFT entry-sequence, archive member index. */
  readonly id?: string;
  /** UTC ISO 8601 times, or null where the source has none. */
  readonly created: string | null;
  readonly modified: string | null;
  readonly accessed: string | null;
  readonly changed: string | null;
  readonly deleted?: boolean;
}

/** Minimal reader contract re-declared here so `common` stays free of `io` (same shape as io/Reader). */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface Filesystem {
  readonly kind: string;
  /** NTFS, APFS (default) and HFS+ compare names without case; live Windows trees copied to Linux too. */
  readonly caseInsensitive: boolean;
  stat(path: string): Promise<FileEntry | null>;
  /** `deleted`: also entries the file system can still see as deleted (NTFS, FAT, ext); others ignore it. */
  readdir(path: string, opts?: { deleted?: boolean }): Promise<FileEntry[]>;
  open(path: string): Promise<ByteSource>;
  /** The layers that lead to a path, for its EvidenceRef. */
  layersFor(path: string): Layer[];
  close(): Promise<void>;
}

export type OsKind = 'windows' | 'macos' | 'linux' | 'unknown';

export interface UserProfile {
  readonly name: string;
  /** Home folder path inside the evidence. */
  readonly home: string;
}

/** A host's view: one file system plus what we learnt about the OS from it. */
export interface Target {
  readonly evidenceId: string;
  readonly fs: Filesystem;
  readonly os: OsKind;
  readonly hostName: string | null;
  /** How the host name was learnt (artefact and path), for citation. */
  readonly hostNameSource: string | null;
  readonly users: readonly UserProfile[];
  /** What kind of root this is: a system volume, a lone profile, a macOS root... */
  readonly shape: 'windows-system' | 'windows-profile' | 'macos-root' | 'macos-profile' | 'unknown';
  /** Resolve a path case-insensitively where the file system is; null when absent. */
  resolve(path: string): Promise<FileEntry | null>;
  ref(path: string, extra?: Partial<Pick<EvidenceRef, 'within' | 'parser' | 'sha256'>>): EvidenceRef;
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p.length > 0);
}

export function baseName(path: string): string {
  const parts = splitPath(path);
  return parts[parts.length - 1] ?? '';
}

export function dirName(path: string): string {
  const parts = splitPath(path);
  parts.pop();
  return '/' + parts.join('/');
}

/**
 * The earliest time a file is known to have existed here. In a copied folder the birth time is the
 * copy's, later than the preserved modification time, so the earlier of the two is the better
 * estimate of when it arrived on the host.
 */
export function earliestTime(e: Pick<FileEntry, 'created' | 'modified'>): string | null {
  const ts = [e.created, e.modified].filter((t): t is string => t !== null).sort();
  return ts[0] ?? null;
}

/** A hash a collector recorded for a file on the host (`collected`: whether the file itself came too). */
export interface HostFileHash {
  /** Host path in the host view (`/Users/bob/...`). */
  path: string;
  md5?: string;
  sha1?: string;
  sha256?: string;
  /** Which collector record said so (member and row), for the citation. */
  source: string;
  collected: boolean;
}

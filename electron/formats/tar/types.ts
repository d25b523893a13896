export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  readonly index: number;
  /** The member name as stored (pax `path` / GNU long name applied); separators untouched. */
  readonly name: string;
  readonly type: TarEntryType;
  readonly size: number;
  /** Offset of the member's header block (locator for refs) and of its data. */
  readonly headerOffset: number;
  readonly dataOffset: number;
  readonly linkName: string | null;
  readonly mode: number;
  /** UTC ISO times: tar mtime is seconds since the Unix epoch (UTC); pax adds fractions, atime, ctime. */
  readonly modified: string | null;
  readonly accessed: string | null;
  readonly changed: string | null;
  readonly created: string | null;
  /** pax SCHILY.xattr.* values (e.g. com.apple.quarantine), raw. */
  readonly xattrs: Readonly<Record<string, string>>;
}

export interface TarIssue {
  readonly severity: 'error' | 'warning' | 'info';
  readonly code: string;
  readonly member: string | null;
  readonly message: string;
}

export interface TarOpenOptions {
  maxEntries?: number;
  /** Largest decompressed size of a .tar.gz copied to a private temp file. */
  gunzipMaxBytes?: number;
  tempDir?: string;
}

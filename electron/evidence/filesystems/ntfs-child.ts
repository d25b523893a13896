/** One name in an NTFS directory listing, as NtfsFilesystem keeps it (ntfs.ts, ntfs-deleted.ts, ntfs-entry.ts). */
import type { FileName, MftRef, SlackName } from '../../formats/ntfs/index.js';
import type { NtfsNameSource } from './ntfs-deleted.js';

export interface Child {
  readonly name: string;
  readonly ref: MftRef;
  readonly deleted: boolean;
  /** The $FILE_NAME that put it here (index key or record attribute), the fallback for stat. */
  readonly fn: FileName | null;
  readonly orphanDir?: boolean;
  /** Deleted names: where they were found (ntfs-deleted.ts). */
  readonly source?: NtfsNameSource;
  /** A slack name's recovered entry. */
  readonly slack?: SlackName;
  /** A slack name whose MFT record no longer holds it: facts come from its key, no contents. */
  readonly detached?: boolean;
  /** Lists no children (a slack name of a record in use or gone: TSK does not descend either). */
  readonly leaf?: boolean;
}

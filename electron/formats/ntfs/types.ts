/** Shapes shared by the NTFS modules (see SPEC.md for the on-disk layouts behind them). */

export const ATTR = {
  STANDARD_INFORMATION: 0x10,
  ATTRIBUTE_LIST: 0x20,
  FILE_NAME: 0x30,
  OBJECT_ID: 0x40,
  SECURITY_DESCRIPTOR: 0x50,
  VOLUME_NAME: 0x60,
  VOLUME_INFORMATION: 0x70,
  DATA: 0x80,
  INDEX_ROOT: 0x90,
  INDEX_ALLOCATION: 0xa0,
  BITMAP: 0xb0,
  REPARSE_POINT: 0xc0,
  END: 0xffffffff,
} as const;

/** An MFT reference: entry number (48 bits) and sequence number (16 bits). */
export interface MftRef {
  readonly entry: number;
  readonly sequence: number;
}

/** One run of a runlist; `lcn === null` is a sparse run (reads as zeros). */
export interface Run {
  readonly vcn: number;
  readonly lcn: number | null;
  readonly length: number;
}

export interface AttrHeader {
  readonly type: number;
  readonly name: string;
  readonly id: number;
  readonly flags: number;
  /** Absolute byte offset of the attribute header in the volume (for citations). */
  readonly offset: number;
}

export interface ResidentAttr extends AttrHeader {
  readonly resident: true;
  readonly value: Uint8Array;
}

export interface NonResidentAttr extends AttrHeader {
  readonly resident: false;
  readonly startVcn: number;
  readonly lastVcn: number;
  /** log2 of the compression unit in clusters; 0 when not compressed. */
  readonly compressionUnit: number;
  readonly allocatedSize: number;
  readonly dataSize: number;
  readonly initializedSize: number;
  readonly runs: Run[];
}

export type Attr = ResidentAttr | NonResidentAttr;

export const ATTR_FLAG_COMPRESSED = 0x0001;
export const ATTR_FLAG_ENCRYPTED = 0x4000;
export const ATTR_FLAG_SPARSE = 0x8000;

export interface MftRecord {
  readonly entry: number;
  readonly sequence: number;
  readonly linkCount: number;
  readonly inUse: boolean;
  readonly isDir: boolean;
  /** Base record of an extension record; null for base records. */
  readonly base: MftRef | null;
  readonly attrs: Attr[];
  /** Absolute byte offset of the record in the volume. */
  readonly offset: number;
}

export interface NtfsTimes {
  readonly created: string | null;
  readonly modified: string | null;
  /** MFT entry changed. */
  readonly changed: string | null;
  readonly accessed: string | null;
}

export interface StandardInformation extends NtfsTimes {
  readonly fileAttributes: number;
}

/** File name namespaces. */
export const NS = { POSIX: 0, WIN32: 1, DOS: 2, WIN32_DOS: 3 } as const;

export interface FileName extends NtfsTimes {
  readonly parent: MftRef;
  readonly allocatedSize: number;
  readonly realSize: number;
  readonly fileAttributes: number;
  readonly namespace: number;
  readonly name: string;
}

export interface AttrListEntry {
  readonly type: number;
  readonly name: string;
  readonly startVcn: number;
  readonly ref: MftRef;
  readonly id: number;
}

/** A located problem met while reading the volume. */
export interface NtfsIssue {
  readonly message: string;
  readonly offset: number | null;
  readonly entry: number | null;
}

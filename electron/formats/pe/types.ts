/** Result types of the PE parser; field meanings and offsets are in SPEC.md. */

export interface PeIssue {
  message: string;
  /** File offset of the structure that was bad, when known. */
  offset: number | null;
}

export interface PeSection {
  name: string;
  virtualAddress: number;
  virtualSize: number;
  rawOffset: number;
  rawSize: number;
}

export interface PeInfo {
  machine: number;
  /** 'x86' | 'x64' | 'arm64' | 'unknown(0x..)' */
  machineName: string;
  is64: boolean;
  isDll: boolean;
  timeDateStamp: number;
  /** null when the stamp is 0 (reproducible builds, mingw --no-insert-timestamp). */
  timeDateStampIso: string | null;
  sections: PeSection[];
  version: PeVersionInfo | null;
  /** null = no security data directory (or it is all zero). */
  certificateTable: PeCertTable | null;
  /** Recoverable problems: parsing went on past them. */
  issues: PeIssue[];
}

export interface PeVersionInfo {
  /** From VS_FIXEDFILEINFO, 'a.b.c.d'; null when the fixed info is absent or has a bad signature. */
  fileVersion: string | null;
  productVersion: string | null;
  /** StringFileInfo values of the first string table that has them (first key wins). */
  strings: Record<string, string>;
  /** File offset of VS_VERSIONINFO. */
  offset: number;
}

export interface PeCertTable {
  /** From IMAGE_DIRECTORY_ENTRY_SECURITY: a FILE offset, not an RVA. */
  offset: number;
  size: number;
  entries: PeCertEntry[];
  /** Bytes inside the directory after the last entry's 8-aligned end. */
  bytesAfterEntries: number;
  /** File offsets of every FE ED FA CE inside the directory (overlapping hits included). */
  feedface: number[];
  payload: PePayload | null;
}

export interface PeCertEntry {
  offset: number;
  dwLength: number;
  revision: number;
  certificateType: number;
  /** Length of the outer DER SEQUENCE (header + content) when bCertificate starts with one. */
  pkcs7Length: number | null;
  /** Data inside dwLength after the DER object, zero alignment padding (< 8 bytes) excluded. */
  trailingOffset: number;
  trailingBytes: number;
  signer: { subject: string; issuer: string; serialHex: string } | null;
  /** Signed attribute signingTime (1.2.840.113549.1.9.5), ISO UTC. */
  signingTime: string | null;
}

export interface PeEmbeddedPe {
  /** Offset of 'MZ' inside the decrypted payload (not a file offset). */
  offset: number;
  machineName: string;
  isDll: boolean;
  timeDateStampIso: string | null;
}

export interface PePayload {
  /** File offset of the last FE ED FA CE. */
  markerOffset: number;
  /** File offset and length of the bytes after it, to the end of its entry (or directory). */
  offset: number;
  length: number;
  decrypted: {
    /** SHA-256 of the whole RC4-decrypted payload. */
    sha256: string;
    embeddedPe: PeEmbeddedPe | null;
    startsWithCode: boolean;
  };
}

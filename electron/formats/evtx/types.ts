/** Public shapes of the EVTX parser (see SPEC.md). */
import type { ParseErrorCode } from '../../common/issues.js';

export interface EvtxFileHeader {
  firstChunk: number;
  lastChunk: number;
  nextRecordId: number;
  minorVersion: number;
  majorVersion: number;
  headerBlockSize: number;
  /** Chunk count stated by the header (stale when the log is dirty). */
  chunkCount: number;
  /** Chunks the file really has room for: (size - 4096) / 65536. */
  chunksInFile: number;
  dirty: boolean;
  full: boolean;
  flags: number;
  checksum: number;
  checksumOk: boolean;
}

export interface EvtxChunkHeader {
  index: number;
  /** Absolute file offset of the chunk. */
  offset: number;
  firstRecordNumber: number;
  lastRecordNumber: number;
  firstRecordId: number;
  lastRecordId: number;
  lastRecordOffset: number;
  freeSpaceOffset: number;
  headerCrcOk: boolean;
  dataCrcOk: boolean;
}

/** A problem met while reading, located in the file; the parser went on after it. */
export interface EvtxIssue {
  code: ParseErrorCode;
  message: string;
  /** Absolute file offset, when known. */
  offset: number | null;
  chunk: number | null;
  recordId: number | null;
}

export interface EvtxSystem {
  Provider: { Name: string | null; Guid: string | null; EventSourceName?: string };
  EventID: number | null;
  Qualifiers?: number;
  Version?: number;
  Level: number | null;
  Task?: number;
  Opcode?: number;
  Keywords?: string;
  /** SystemTime attribute, ISO 8601 UTC with 100 ns precision. */
  TimeCreated: string | null;
  EventRecordID: number | null;
  Correlation?: Record<string, string>;
  Execution?: Record<string, string>;
  Channel: string | null;
  Computer: string | null;
  Security: { UserID: string | null };
}

export type EvtxJson = string | { [k: string]: EvtxJson } | EvtxJson[];

export interface EvtxEvent {
  System: EvtxSystem;
  /** Named `<Data Name=..>` values as a map; unnamed ones in order. */
  EventData?: Record<string, string> | string[];
  /** `<EventData><Binary>` hex, kept apart from the Data values. */
  Binary?: string;
  UserData?: { [k: string]: EvtxJson };
}

export interface EvtxRecord {
  recordId: number;
  /** Record header "written" FILETIME as ISO 8601 UTC (100 ns precision), null when zero/invalid. */
  time: string | null;
  /** Absolute offset of the record in the file. */
  offset: number;
  chunk: number;
  /** True when the record was found outside the chunk's allocated records (slack or a damaged chunk). */
  recovered: boolean;
  xml: string;
  event: EvtxEvent;
}

export type EvtxItem = EvtxRecord | { error: EvtxIssue };

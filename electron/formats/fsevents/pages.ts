/**
 * Disk Log Stream pages (decompressed): a 12-byte header (signature, unknown u32, page size u32
 * including the header) and records packed up to the page end. A page is only read once all its
 * bytes are buffered, so a record can never run past the bytes that are there.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { DLS_PAGE_HEADER_BYTES, DLS_RECORD_TAIL, DLS_SIGNATURES, FSEVENT_FLAGS, FSEVENTS_LIMITS, type FseventFlagName } from './constants.js';

export interface DlsRecord {
  /** As stored: relative to the root of the volume the .fseventsd folder belongs to. */
  path: string;
  eventId: bigint;
  flags: number;
  /** File-system node id (inode / APFS object id), version 2 and later. */
  nodeId: bigint | null;
  /** Version 3's trailing u32 (meaning not published). */
  extra: number | null;
  version: 1 | 2 | 3;
  /** 0-based page number and the record's offset in the decompressed stream. */
  page: number;
  offset: number;
}

export interface DlsPageHeader {
  version: 1 | 2 | 3;
  /** Page size including its header. */
  size: number;
}

/** Header at `c[off]`; throws bad-signature / decode / limit-exceeded. */
export function readPageHeader(c: ByteCursor, off: number): DlsPageHeader {
  const sig = new TextDecoder('latin1').decode(c.raw(off, 4, 'DLS page signature'));
  const version = DLS_SIGNATURES[sig];
  if (version === undefined) throw new ParseError('bad-signature', { what: `DLS page signature ${JSON.stringify(sig)}`, offset: c.base + off });
  const size = c.u32(off + 8, 'DLS page size');
  if (size < DLS_PAGE_HEADER_BYTES) throw new ParseError('decode', { what: `DLS page size ${size} (smaller than its header)`, offset: c.base + off + 8 });
  if (size > FSEVENTS_LIMITS.maxPageBytes) throw new ParseError('limit-exceeded', { what: 'DLS page size', offset: c.base + off + 8, need: size, have: FSEVENTS_LIMITS.maxPageBytes });
  return { version, size };
}

const utf8 = new TextDecoder('utf-8');

/** The records of one whole page (`c` holds exactly the page, `c.base` its stream offset). */
export function* pageRecords(c: ByteCursor, header: DlsPageHeader, page: number): Generator<DlsRecord> {
  const tail = DLS_RECORD_TAIL[header.version];
  let pos = DLS_PAGE_HEADER_BYTES;
  while (pos < c.length) {
    const window = c.bytes.subarray(pos, Math.min(c.length, pos + FSEVENTS_LIMITS.maxPathBytes + 1));
    const nul = window.indexOf(0);
    if (nul < 0) {
      throw window.length > FSEVENTS_LIMITS.maxPathBytes
        ? new ParseError('limit-exceeded', { what: 'DLS record path length', offset: c.base + pos, need: window.length, have: FSEVENTS_LIMITS.maxPathBytes })
        : new ParseError('truncated', { what: 'DLS record path (no NUL before the page end)', offset: c.base + pos, need: window.length + 1, have: window.length });
    }
    const at = pos + nul + 1;
    c.need(at, tail, 'DLS record fields');
    yield {
      path: utf8.decode(window.subarray(0, nul)),
      eventId: c.u64big(at, 'DLS record event id'),
      flags: c.u32(at + 8, 'DLS record flags'),
      nodeId: header.version >= 2 ? c.u64big(at + 12, 'DLS record node id') : null,
      extra: header.version >= 3 ? c.u32(at + 20, 'DLS record v3 field') : null,
      version: header.version,
      page,
      offset: c.base + pos,
    };
    pos = at + tail;
  }
}

/** Every page in a fully decompressed stream (tests, `dump`); streaming callers use readFsevents. */
export function* parseDlsStream(bytes: Uint8Array, base = 0): Generator<DlsRecord> {
  const c = new ByteCursor(bytes, base);
  let off = 0;
  let page = 0;
  while (off < c.length) {
    const h = readPageHeader(c, off);
    yield* pageRecords(c.slice(off, h.size, 'DLS page'), h, page++);
    off += h.size;
  }
}

export function fseventFlagNames(flags: number): FseventFlagName[] {
  return FSEVENT_FLAGS.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}

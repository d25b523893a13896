/**
 * The 100-byte SQLite database header (SPEC.md §1). We read it ourselves before handing bytes to
 * sql.js so that a file which is not a database, or whose page size is impossible, fails with a
 * located ParseError instead of an engine message, and so the WAL can be checked against it.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';

export const SQLITE_MAGIC = 'SQLite format 3\0';
export const HEADER_SIZE = 100;

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface SqliteHeader {
  /** 0x10 u16 BE; the stored value 1 means 65536. */
  pageSize: number;
  /** 0x12 / 0x13: 1 = rollback journal, 2 = WAL. */
  writeVersion: number;
  readVersion: number;
  /** 0x14 bytes reserved at the end of each page. */
  reservedBytes: number;
  /** 0x18 file change counter. */
  changeCounter: number;
  /** 0x1C in-header database size in pages (trusted by SQLite only when 0x5C equals 0x18). */
  pageCount: number;
  /** 0x38 text encoding. */
  textEncoding: TextEncodingName;
  /** 0x3C user version, 0x44 application id. */
  userVersion: number;
  applicationId: number;
  /** 0x60 SQLITE_VERSION_NUMBER of the library that last wrote the file. */
  sqliteVersion: number;
}

export function isPowerOfTwoPageSize(n: number): boolean {
  return Number.isInteger(n) && n >= 512 && n <= 65536 && (n & (n - 1)) === 0;
}

/** Decode and validate the header; throws `bad-signature`, `truncated` or `unsupported-version`. */
export function parseSqliteHeader(bytes: Uint8Array): SqliteHeader {
  const c = new ByteCursor(bytes);
  c.need(0, HEADER_SIZE, 'sqlite database header');
  if (c.ascii(0, 16, 'magic') !== SQLITE_MAGIC) throw new ParseError('bad-signature', { what: 'sqlite magic "SQLite format 3\\0"', offset: 0 });
  const raw = c.u16be(0x10, 'page size');
  const pageSize = raw === 1 ? 65536 : raw;
  if (!isPowerOfTwoPageSize(pageSize)) throw new ParseError('unsupported-version', { what: `page size ${raw}`, offset: 0x10 });
  const writeVersion = c.u8(0x12, 'file format write version');
  const readVersion = c.u8(0x13, 'file format read version');
  if (readVersion !== 1 && readVersion !== 2) throw new ParseError('unsupported-version', { what: `file format read version ${readVersion}`, offset: 0x13 });
  const reservedBytes = c.u8(0x14, 'reserved bytes per page');
  if (pageSize - reservedBytes < 480) throw new ParseError('unsupported-version', { what: `usable page size ${pageSize - reservedBytes}`, offset: 0x14 });
  const enc = c.u32be(0x38, 'text encoding');
  // 0 appears in a database that has no schema yet; SQLite then uses UTF-8.
  const textEncoding: TextEncodingName | undefined = ({ 0: 'utf-8', 1: 'utf-8', 2: 'utf-16le', 3: 'utf-16be' } as Record<number, TextEncodingName>)[enc];
  if (!textEncoding) throw new ParseError('unsupported-version', { what: `text encoding ${enc}`, offset: 0x38 });
  return {
    pageSize,
    writeVersion,
    readVersion,
    reservedBytes,
    changeCounter: c.u32be(0x18, 'file change counter'),
    pageCount: c.u32be(0x1c, 'database size in pages'),
    textEncoding,
    userVersion: c.u32be(0x3c, 'user version'),
    applicationId: c.u32be(0x44, 'application id'),
    sqliteVersion: c.u32be(0x60, 'SQLITE_VERSION_NUMBER'),
  };
}

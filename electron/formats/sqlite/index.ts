/**
 * SQLite databases read from evidence: header and WAL checked by our own code, rows read through
 * sql.js from an in-memory copy (never written back). The only public surface of formats/sqlite;
 * see SPEC.md.
 */
import type { Reader } from '../../io/reader.js';
import { SqliteDb } from './engine.js';
import { buildImage, loadImage, type LoadedImage } from './load.js';

export { parseSqliteHeader, SQLITE_MAGIC, type SqliteHeader, type TextEncodingName } from './header.js';
export { applyWal, walChecksum, type WalSummary } from './wal.js';
export { buildImage, loadImage, copyReader, SQLITE_LIMITS, type LoadedImage } from './load.js';
export { SqliteDb, setSqliteWasmPath, sqliteWasmPath, quoteId, type SqlValue, type SqlRow, type SelectOptions, type SelectResult, type ColumnInfo } from './engine.js';

export const SQLITE_PARSER = { id: 'sqlite', version: '1' } as const;

export interface OpenedSqlite {
  db: SqliteDb;
  /** Header, WAL replay summary and in-memory patches (the image itself is released). */
  info: Omit<LoadedImage, 'image'>;
}

/** Open a database from its Reader and optional `-wal` Reader; throws ParseError. Close `db` after use. */
export async function openSqlite(main: Reader, wal: Reader | null, caps?: { maxDbBytes?: number; maxWalBytes?: number }): Promise<OpenedSqlite> {
  const { image, ...info } = await loadImage(main, wal, caps);
  return { db: await SqliteDb.open(image), info };
}

/** Same, from bytes already in memory (tests, small members). */
export async function openSqliteBytes(main: Uint8Array, wal: Uint8Array | null = null, maxBytes?: number): Promise<OpenedSqlite> {
  const { image, ...info } = buildImage(main, wal, maxBytes);
  return { db: await SqliteDb.open(image), info };
}

/** Core Data / NSDate reference date (2001-01-01T00:00:00Z) in Unix seconds. */
export const CORE_DATA_EPOCH = 978307200;

/** A Core Data timestamp (seconds since 2001, fractional) as UTC ISO; null when absent or absurd. */
export function coreDataTime(v: unknown): string | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  const ms = (v + CORE_DATA_EPOCH) * 1000;
  // Outside 1990..2100 the value is not a Core Data time we can trust (or it is another epoch).
  if (ms < Date.UTC(1990, 0, 1) || ms > Date.UTC(2100, 0, 1)) return null;
  return new Date(ms).toISOString();
}

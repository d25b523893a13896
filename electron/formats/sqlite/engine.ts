/**
 * sql.js (SQLite compiled to WebAssembly) behind a narrow, read-only surface. sql.js opens a
 * database only from bytes it copies into its in-memory file system; we never call `export()` or
 * any writing statement, and `PRAGMA query_only` refuses writes inside the engine as well.
 *
 * Hostile schemas: a name we query must be an ordinary table (not a view, whose SQL could recurse
 * for ever, nor a virtual table); virtual generated columns are never selected (their expressions
 * would run). Rows are stepped one at a time up to a cap. Every engine failure — an Error, a thrown
 * string, or a WebAssembly trap — becomes a ParseError; after a trap the module is discarded and
 * loaded afresh for the next database.
 */
import { createRequire } from 'node:module';
import { ParseError } from '../../common/issues.js';
import { FileReader } from '../../io/file-reader.js';
import { readAll } from '../../io/reader.js';

export type SqlValue = number | string | Uint8Array | null;
export type SqlRow = Record<string, SqlValue>;

interface Statement {
  bind(values: SqlValue[]): boolean;
  step(): boolean;
  get(): SqlValue[];
  getColumnNames(): string[];
  free(): boolean;
}
interface Database {
  prepare(sql: string): Statement;
  run(sql: string): void;
  close(): void;
}
interface SqlJsStatic {
  Database: new (data: Uint8Array) => Database;
}
type InitSqlJs = (config: { wasmBinary: Uint8Array }) => Promise<SqlJsStatic>;

/** sql-wasm.wasm is about 650 KiB; anything far bigger is not it. */
const MAX_WASM_BYTES = 32 * 1024 * 1024;

let wasmPathOverride: string | null = null;
let modulePromise: Promise<SqlJsStatic> | null = null;

/**
 * Where the wasm binary is. By default `node_modules/sql.js/dist/sql-wasm.wasm`, found by module
 * resolution; a packaged app may point elsewhere (e.g. `app.asar.unpacked/...`) before first use.
 */
export function setSqliteWasmPath(path: string | null): void {
  wasmPathOverride = path;
  modulePromise = null;
}

export function sqliteWasmPath(): string {
  return wasmPathOverride ?? createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');
}

async function loadModule(): Promise<SqlJsStatic> {
  const require = createRequire(import.meta.url);
  const init = require('sql.js') as InitSqlJs;
  // We read the binary ourselves (io/FileReader) and hand it over: if sql.js had to find it and
  // failed, its abort path would reject a promise nobody holds and end the process.
  const r = await FileReader.open(sqliteWasmPath());
  let wasmBinary: Uint8Array;
  try {
    wasmBinary = await readAll(r, MAX_WASM_BYTES);
  } finally {
    await r.close();
  }
  return init({ wasmBinary });
}

function engine(): Promise<SqlJsStatic> {
  modulePromise ??= loadModule().catch((err: unknown) => {
    modulePromise = null;
    throw err;
  });
  return modulePromise;
}

/** Turn whatever sql.js threw into a located ParseError; a wasm trap also drops the module. */
export function engineError(err: unknown, what: string): ParseError {
  if (err instanceof ParseError) return err;
  // A WebAssembly.RuntimeError (trap or emscripten abort) leaves the module's memory suspect.
  if (err instanceof Error && err.name === 'RuntimeError') modulePromise = null;
  const msg = err instanceof Error ? err.message : typeof err === 'string' ? err : 'unknown engine failure';
  return new ParseError('decode', { what }, `sqlite: ${what}: ${msg.slice(0, 300)}`);
}

export interface ColumnInfo {
  name: string;
  declaredType: string;
  /** 0 ordinary, 1 hidden (virtual table), 2 virtual generated, 3 stored generated (table_xinfo). */
  hidden: number;
}

export interface SelectOptions {
  table: string;
  /** Wanted columns; those absent from the table come back as null (schemas vary by OS release). */
  columns: readonly string[];
  /** A fixed SQL condition written by us (never from evidence), with `?` parameters. */
  where?: string;
  params?: SqlValue[];
  orderBy?: string;
  maxRows: number;
  /** Longer strings and blobs are cut to this many characters / bytes. */
  maxCellLength?: number;
}

export interface SelectResult {
  rows: (SqlRow & { _rowid: number | null })[];
  /** More rows matched than `maxRows`. */
  truncated: boolean;
  /** Wanted columns the table does not have. */
  missingColumns: string[];
}

export class SqliteDb {
  private closed = false;
  private constructor(private readonly db: Database) {}

  /** Open an in-memory copy of `image` (a whole, already validated database file). */
  static async open(image: Uint8Array): Promise<SqliteDb> {
    const SQL = await engine();
    let db: Database;
    try {
      db = new SQL.Database(image);
    } catch (err) {
      throw engineError(err, 'open database');
    }
    const s = new SqliteDb(db);
    try {
      db.run('PRAGMA query_only = 1');
      db.run('PRAGMA trusted_schema = 0');
    } catch (err) {
      s.close();
      throw engineError(err, 'configure read-only');
    }
    return s;
  }

  /** Ordinary tables (type `table`, not virtual) from sqlite_master. */
  tables(): string[] {
    const rows = this.exec("SELECT name, sql FROM sqlite_master WHERE type = 'table'", [], 10_000, 'list tables');
    return rows.filter((r) => typeof r[0] === 'string' && !/^\s*create\s+virtual\b/i.test(typeof r[1] === 'string' ? r[1] : '')).map((r) => r[0] as string);
  }

  hasTable(name: string): boolean {
    return this.tables().some((t) => t.toLowerCase() === name.toLowerCase());
  }

  columns(table: string): ColumnInfo[] {
    if (!this.hasTable(table)) throw new ParseError('decode', { what: `table ${table}` }, `sqlite: no ordinary table named ${table}`);
    return this.exec(`PRAGMA table_xinfo(${quoteId(table)})`, [], 10_000, `columns of ${table}`).map((r) => ({
      name: String(r[1]),
      declaredType: typeof r[2] === 'string' ? r[2] : '',
      hidden: typeof r[6] === 'number' ? r[6] : 0,
    }));
  }

  /** Bounded SELECT of named columns from an ordinary table, with the rowid when the table has one. */
  select(o: SelectOptions): SelectResult {
    const cols = this.columns(o.table);
    const byName = new Map(cols.map((c) => [c.name.toLowerCase(), c]));
    const present = o.columns.filter((n) => {
      const c = byName.get(n.toLowerCase());
      return c !== undefined && c.hidden !== 2;
    });
    const missingColumns = o.columns.filter((n) => !present.includes(n));
    const withoutRowid = this.isWithoutRowid(o.table);
    const list = [withoutRowid ? 'NULL' : '_rowid_', ...present.map(quoteId)].join(', ');
    const sql = `SELECT ${list} FROM ${quoteId(o.table)}${o.where ? ` WHERE ${o.where}` : ''}${o.orderBy ? ` ORDER BY ${o.orderBy}` : ''} LIMIT ?`;
    const raw = this.exec(sql, [...(o.params ?? []), o.maxRows + 1], o.maxRows + 1, `select from ${o.table}`);
    const cap = o.maxCellLength ?? 1 << 20;
    const rows = raw.slice(0, o.maxRows).map((r) => {
      const row: SqlRow & { _rowid: number | null } = { _rowid: typeof r[0] === 'number' ? r[0] : null };
      for (const n of o.columns) {
        const i = present.indexOf(n);
        const v = i < 0 ? null : (r[i + 1] ?? null);
        row[n] = typeof v === 'string' && v.length > cap ? v.slice(0, cap) : v instanceof Uint8Array && v.length > cap ? v.slice(0, cap) : v;
      }
      return row;
    });
    return { rows, truncated: raw.length > o.maxRows, missingColumns };
  }

  /** Count rows of an ordinary table (for coverage). */
  count(table: string): number {
    if (!this.hasTable(table)) return 0;
    const r = this.exec(`SELECT count(*) FROM ${quoteId(table)}`, [], 1, `count ${table}`);
    return typeof r[0]?.[0] === 'number' ? r[0][0] : 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.close();
    } catch {
      // Closing frees the in-memory copy; a failure here leaves nothing of the evidence to protect.
    }
  }

  private isWithoutRowid(table: string): boolean {
    const r = this.exec("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE", [table], 1, `schema of ${table}`);
    const sql = r[0]?.[0];
    return typeof sql === 'string' && /\bwithout\s+rowid\s*;?\s*$/i.test(sql);
  }

  private exec(sql: string, params: SqlValue[], maxRows: number, what: string): SqlValue[][] {
    if (this.closed) throw new ParseError('decode', { what }, 'sqlite: database closed');
    let stmt: Statement | null = null;
    try {
      stmt = this.db.prepare(sql);
      if (params.length > 0) stmt.bind(params);
      const out: SqlValue[][] = [];
      while (out.length < maxRows && stmt.step()) out.push(stmt.get());
      return out;
    } catch (err) {
      throw engineError(err, what);
    } finally {
      try {
        stmt?.free();
      } catch {
        // A statement that cannot be freed after a trap belongs to a discarded module.
      }
    }
  }
}

/** Quote an identifier for SQL (names come from our code, but quote anyway). */
export function quoteId(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

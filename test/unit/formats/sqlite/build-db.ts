/**
 * Test helper: build SQLite databases with Python's sqlite3 (the real library, so WAL frames,
 * salts and checksums are SQLite's own) and check results against the `sqlite3` CLI.
 */
import { mkdtempSync, readFileSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

export const HAVE_PYTHON = spawnSync('python3', ['-c', 'import sqlite3'], { encoding: 'utf8' }).status === 0;
export const HAVE_SQLITE3 = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' }).status === 0;

/** Run a Python snippet with `d` = a fresh temp dir; returns the dir and the snippet's stdout (JSON). */
export function py(code: string): { dir: string; out: unknown } {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-test-'));
  const prelude = 'import sqlite3, os, sys, json, shutil\nd = sys.argv[1]\n';
  const r = spawnSync('python3', ['-c', prelude + code, dir], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return { dir, out: r.stdout.trim() ? (JSON.parse(r.stdout) as unknown) : null };
}

export const bytes = (p: string): Uint8Array => new Uint8Array(readFileSync(p));

/** Rows via the sqlite3 CLI (`|`-separated), on a private copy so the CLI cannot checkpoint our files. */
export function cli(db: string, sql: string, wal?: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-cli-'));
  copyFileSync(db, join(dir, 'x.db'));
  if (wal && existsSync(wal)) copyFileSync(wal, join(dir, 'x.db-wal'));
  const r = spawnSync('sqlite3', [join(dir, 'x.db'), sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.length > 0);
}

/**
 * A WAL-mode database `w.db` with table t(id, v): txn A (rows 1-3) checkpointed into the main file,
 * txn B (rows 4-5) and txn C (row 6 + a new table u) only in `w.db-wal`. Prints the WAL size after
 * each of B and C so tests can cut the WAL at a transaction boundary.
 */
export const WAL_DB = `
c = sqlite3.connect(os.path.join(d, 'live.db'), isolation_level=None)
c.execute('PRAGMA page_size = 1024'); c.execute('PRAGMA journal_mode = WAL'); c.execute('PRAGMA wal_autocheckpoint = 0')
c.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)')
c.executemany('INSERT INTO t VALUES (?, ?)', [(1, 'one'), (2, 'two'), (3, 'three')])
c.execute('PRAGMA wal_checkpoint(TRUNCATE)')
c.execute('BEGIN'); c.executemany('INSERT INTO t VALUES (?, ?)', [(4, 'four' * 100), (5, 'five')]); c.execute('COMMIT')
b = os.path.getsize(os.path.join(d, 'live.db-wal'))
c.execute('BEGIN'); c.execute("INSERT INTO t VALUES (6, 'six')"); c.execute('CREATE TABLE u (x)'); c.execute("INSERT INTO u VALUES ('in u')"); c.execute('COMMIT')
cc = os.path.getsize(os.path.join(d, 'live.db-wal'))
shutil.copyfile(os.path.join(d, 'live.db'), os.path.join(d, 'w.db'))
shutil.copyfile(os.path.join(d, 'live.db-wal'), os.path.join(d, 'w.db-wal'))
c.close()
print(json.dumps({'afterB': b, 'afterC': cc}))
`;

/** The read-only engine surface: hostile schemas, caps, malformed files, located errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { coreDataTime, openSqlite, openSqliteBytes, parseSqliteHeader, setSqliteWasmPath, sqliteWasmPath } from '../../../../electron/formats/sqlite/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { ParseError } from '../../../../electron/common/issues.js';
import { bytes, HAVE_PYTHON, py } from './build-db.js';

const skip = !HAVE_PYTHON ? 'python3 with sqlite3 is required' : false;
const isParse = (code?: string) => (e: unknown) => e instanceof ParseError && (code === undefined || e.code === code);

const HOSTILE = `
c = sqlite3.connect(os.path.join(d, 'h.db'))
c.execute("CREATE TABLE real (a INTEGER, b TEXT, g TEXT GENERATED ALWAYS AS (printf('%.*c', 100000, 'x')) VIRTUAL, s TEXT GENERATED ALWAYS AS (b || '!') STORED)")
c.executemany('INSERT INTO real (a, b) VALUES (?, ?)', [(i, 'r%d' % i) for i in range(50)])
c.execute("CREATE VIEW LSQuarantineEvent AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x AS LSQuarantineEventIdentifier FROM n")
c.execute('CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID')
c.execute("INSERT INTO kv VALUES ('big', zeroblob(5000)), ('s', 'short')")
c.commit()
`;

test('a view named like an artefact table is not a table (its recursive SQL never runs)', { skip }, async () => {
  const { dir } = py(HOSTILE);
  const { db } = await openSqliteBytes(bytes(join(dir, 'h.db')));
  try {
    assert.equal(db.hasTable('LSQuarantineEvent'), false);
    assert.deepEqual(db.tables().sort(), ['kv', 'real']);
    assert.throws(() => db.select({ table: 'LSQuarantineEvent', columns: ['LSQuarantineEventIdentifier'], maxRows: 5 }), isParse('decode'));
  } finally {
    db.close();
  }
});

test('virtual generated columns are not selected; stored ones are; caps on rows and cells', { skip }, async () => {
  const { dir } = py(HOSTILE);
  const { db } = await openSqliteBytes(bytes(join(dir, 'h.db')));
  try {
    const r = db.select({ table: 'real', columns: ['a', 'b', 'g', 's', 'nope'], orderBy: 'a', maxRows: 10 });
    assert.deepEqual(r.missingColumns, ['g', 'nope']);
    assert.equal(r.truncated, true);
    assert.equal(r.rows.length, 10);
    assert.deepEqual({ ...r.rows[3] }, { _rowid: 4, a: 3, b: 'r3', g: null, s: 'r3!', nope: null });
    assert.equal(db.count('real'), 50);
    const kv = db.select({ table: 'kv', columns: ['k', 'v'], orderBy: 'k', maxRows: 10, maxCellLength: 100 });
    assert.equal(kv.rows[0]!._rowid, null, 'WITHOUT ROWID table has no rowid');
    assert.ok(kv.rows[0]!['v'] instanceof Uint8Array);
    assert.equal((kv.rows[0]!['v'] as Uint8Array).length, 100);
    assert.equal(kv.rows[1]!['v'], 'short');
  } finally {
    db.close();
  }
});

test('not a database, bad page size, truncated header: located ParseErrors before the engine', async () => {
  await assert.rejects(openSqliteBytes(new TextEncoder().encode('x'.repeat(200))), isParse('bad-signature'));
  await assert.rejects(openSqliteBytes(new Uint8Array(50)), isParse('truncated'));
  const h = new Uint8Array(512);
  h.set(new TextEncoder().encode('SQLite format 3\0'));
  h[0x10] = 0x03; // 768: not a power of two
  h[0x13] = 1;
  assert.throws(() => parseSqliteHeader(h), (e: unknown) => e instanceof ParseError && e.code === 'unsupported-version' && e.offset === 0x10);
});

test('a damaged b-tree page surfaces as a ParseError (decode), not an engine exception', { skip }, async () => {
  const { dir } = py(`
c = sqlite3.connect(os.path.join(d, 'c.db'))
c.execute('PRAGMA page_size = 1024')
c.execute('CREATE TABLE t (v TEXT)')
c.executemany('INSERT INTO t VALUES (?)', [('row %d ' % i * 20,) for i in range(200)])
c.commit()
`);
  const b = bytes(join(dir, 'c.db')).slice();
  for (let off = 2 * 1024; off < b.length; off += 1024) b.fill(0xa5, off, off + 12); // wreck every page header but the schema's
  const { db } = await openSqliteBytes(b);
  try {
    assert.throws(() => db.select({ table: 't', columns: ['v'], maxRows: 1000 }), (e: unknown) => e instanceof ParseError && e.code === 'decode' && /malformed|corrupt/i.test(e.message));
  } finally {
    db.close();
  }
});

test('openSqlite reads through a Reader and refuses databases over the cap', { skip }, async () => {
  const { dir } = py(HOSTILE);
  const b = bytes(join(dir, 'h.db'));
  await assert.rejects(openSqlite(new BufferReader(b), null, { maxDbBytes: 1000 }), isParse('limit-exceeded'));
  const o = await openSqlite(new BufferReader(b), new BufferReader(new Uint8Array(10_000)), { maxWalBytes: 100 });
  assert.match(o.info.wal.note ?? '', /over the 100-byte cap/);
  assert.equal(o.info.header.pageSize, 4096);
  o.db.close();
  assert.throws(() => o.db.tables(), isParse('decode'));
});

test('the wasm binary is found beside sql.js; Core Data times convert and refuse absurd values', () => {
  assert.match(sqliteWasmPath(), /sql\.js[\\/]dist[\\/]sql-wasm\.wasm$/);
  assert.equal(coreDataTime(701100131), '2023-03-21T14:02:11.000Z');
  assert.equal(coreDataTime(0), '2001-01-01T00:00:00.000Z');
  assert.equal(coreDataTime(4e9), null, 'beyond 2100');
  assert.equal(coreDataTime(-400_000_000), null, 'before 1990');
  assert.equal(coreDataTime(Number.NaN), null);
  assert.equal(coreDataTime('701100131'), null);
});

test('a missing wasm binary is an ordinary rejection (not a process abort); the default path works again after', { skip }, async () => {
  const { dir } = py(HOSTILE);
  const b = bytes(join(dir, 'h.db'));
  setSqliteWasmPath(join(dir, 'missing.wasm'));
  try {
    await assert.rejects(openSqliteBytes(b), /ENOENT/);
  } finally {
    setSqliteWasmPath(null);
  }
  const o = await openSqliteBytes(b);
  assert.ok(o.db.hasTable('real'));
  o.db.close();
  assert.equal(process.exitCode ?? 0, 0);
});

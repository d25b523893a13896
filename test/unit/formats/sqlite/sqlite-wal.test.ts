/** WAL replay against SQLite's own behaviour (databases built by Python's sqlite3, read back by the sqlite3 CLI). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { applyWal, openSqliteBytes, walChecksum, type OpenedSqlite } from '../../../../electron/formats/sqlite/index.js';
import { ParseError } from '../../../../electron/common/issues.js';
import { bytes, cli, HAVE_PYTHON, HAVE_SQLITE3, py, WAL_DB } from './build-db.js';

const skip = !HAVE_PYTHON ? 'python3 with sqlite3 is required' : false;

async function rows(o: OpenedSqlite, table = 't'): Promise<string[]> {
  try {
    return o.db.select({ table, columns: ['id', 'v'], orderBy: 'id', maxRows: 100 }).rows.map((r) => `${r['id']}|${String(r['v']).slice(0, 8)}`);
  } finally {
    o.db.close();
  }
}

test('committed WAL frames are replayed: rows agree with the sqlite3 CLI; main file alone has only the checkpointed rows', { skip }, async () => {
  const { dir } = py(WAL_DB);
  const main = bytes(join(dir, 'w.db'));
  const wal = bytes(join(dir, 'w.db-wal'));
  const withWal = await openSqliteBytes(main, wal);
  assert.equal(withWal.info.wal.applied, true);
  assert.equal(withWal.info.wal.note, null);
  assert.equal(withWal.info.wal.committedFrames, withWal.info.wal.frames);
  assert.ok(withWal.info.patches.some((p) => p.includes('rollback mode')), 'WAL-mode header patched in the copy');
  assert.equal(main[0x12], 2, 'the caller\'s bytes are untouched');
  assert.deepEqual(withWal.db.tables().sort(), ['t', 'u']);
  const got = await rows(withWal);
  assert.deepEqual(got, ['1|one', '2|two', '3|three', '4|fourfour', '5|five', '6|six']);
  if (HAVE_SQLITE3) assert.deepEqual(got, cli(join(dir, 'w.db'), "SELECT id, substr(v, 1, 8) FROM t ORDER BY id", join(dir, 'w.db-wal')));
  const alone = await openSqliteBytes(main, null);
  assert.equal(alone.info.wal.applied, false);
  assert.deepEqual(await rows(alone), ['1|one', '2|two', '3|three']);
  if (HAVE_SQLITE3) assert.deepEqual(cli(join(dir, 'w.db'), 'SELECT count(*) FROM t'), ['3']);
});

test('a WAL cut inside the last transaction applies only the earlier commit (as SQLite recovery does)', { skip }, async () => {
  const { dir, out } = py(WAL_DB);
  const { afterB, afterC } = out as { afterB: number; afterC: number };
  const wal = bytes(join(dir, 'w.db-wal'));
  const cut = wal.subarray(0, afterC - 100); // last frame of C incomplete
  const o = await openSqliteBytes(bytes(join(dir, 'w.db')), cut);
  assert.equal(o.info.wal.applied, true);
  assert.equal(o.info.wal.committedFrames, (afterB - 32) / (24 + 1024));
  assert.match(o.info.wal.note ?? '', /after the last commit ignored/);
  assert.deepEqual(o.db.tables(), ['t'], 'table u was created in the uncommitted part');
  assert.deepEqual(await rows(o), ['1|one', '2|two', '3|three', '4|fourfour', '5|five']);
});

test('a damaged frame stops replay at the checksum; a foreign salt stops it too', { skip }, async () => {
  const { dir, out } = py(WAL_DB);
  const { afterB } = out as { afterB: number };
  const main = bytes(join(dir, 'w.db'));
  const wal = bytes(join(dir, 'w.db-wal'));
  const bad = wal.slice();
  bad[afterB + 24 + 500] = bad[afterB + 24 + 500]! ^ 0xff; // page data of C's first frame
  const o = await openSqliteBytes(main, bad);
  assert.match(o.info.wal.note ?? '', /checksum mismatch/);
  assert.equal(o.info.wal.committedFrames, (afterB - 32) / 1048);
  assert.deepEqual(await rows(o), ['1|one', '2|two', '3|three', '4|fourfour', '5|five']);
  const salted = wal.slice();
  salted[afterB + 8] = salted[afterB + 8]! ^ 1;
  const s = await openSqliteBytes(main, salted);
  assert.match(s.info.wal.note ?? '', /salt differs/);
  assert.equal((await rows(s)).length, 5);
  const first = wal.slice();
  first[32 + 24 + 10] = first[32 + 24 + 10]! ^ 0x55; // first frame damaged: nothing committed
  const f = await openSqliteBytes(main, first);
  assert.equal(f.info.wal.applied, false);
  assert.equal((await rows(f)).length, 3);
});

test('an unusable WAL is not applied and says why; the database still opens', { skip }, async () => {
  const { dir } = py(WAL_DB);
  const main = bytes(join(dir, 'w.db'));
  const wal = bytes(join(dir, 'w.db-wal'));
  const badMagic = wal.slice();
  badMagic[0] = 0;
  const a = await openSqliteBytes(main, badMagic);
  assert.match(a.info.wal.note ?? '', /WAL not applied: bad-signature/);
  assert.equal((await rows(a)).length, 3);
  const hdr = wal.slice();
  hdr[20] = hdr[20]! ^ 1; // salt-2 changes: header checksum no longer matches
  const b = await openSqliteBytes(main, hdr);
  assert.match(b.info.wal.note ?? '', /header checksum mismatch/);
  const short = await openSqliteBytes(main, wal.subarray(0, 20));
  assert.match(short.info.wal.note ?? '', /shorter than its header/);
  short.db.close();
  b.db.close();
  // WAL of a 4096-byte-page database over this 1024-byte-page one.
  const other = py(`
c = sqlite3.connect(os.path.join(d, 'o.db'), isolation_level=None)
c.execute('PRAGMA journal_mode = WAL'); c.execute('PRAGMA wal_autocheckpoint = 0'); c.execute('CREATE TABLE z (a)')
shutil.copyfile(os.path.join(d, 'o.db-wal'), os.path.join(d, 'copy-wal'))
`);
  const m = await openSqliteBytes(main, bytes(join(other.dir, 'copy-wal')));
  assert.match(m.info.wal.note ?? '', /page size 4096 differs/);
  assert.equal((await rows(m)).length, 3);
});

test('a database whose pages all live in the WAL (empty main file) is rebuilt from it', { skip }, async () => {
  const { dir } = py(WAL_DB);
  const o = await openSqliteBytes(new Uint8Array(0), bytes(join(dir, 'w.db-wal')));
  // Without the checkpointed main file only pages rewritten in the WAL exist; page 1 is among them.
  assert.equal(o.info.wal.applied, true);
  assert.deepEqual(o.db.tables().sort(), ['t', 'u']);
  o.db.close();
});

test('walChecksum follows SQLite: big- and little-endian words, cumulative', () => {
  const data = new Uint8Array([0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4]);
  // s0 = 1 + 0 = 1, s1 = 2 + 1 = 3; then s0 = 1 + 3 + 3 = 7, s1 = 3 + 4 + 7 = 14
  assert.deepEqual(walChecksum(data, true, 0, 0), [7, 14]);
  const le = walChecksum(data, false, 0, 0);
  assert.deepEqual(le, [(0x01000000 + 0x03000000 + 0x03000000) >>> 0, (0x03000000 + 0x04000000 + ((0x01000000 + 0x03000000 + 0x03000000) >>> 0)) >>> 0]);
});

test('applyWal refuses frames beyond the size cap instead of allocating', { skip }, () => {
  const { dir } = py(WAL_DB);
  const r = applyWal(bytes(join(dir, 'w.db')), bytes(join(dir, 'w.db-wal')), 2048);
  assert.match(r.summary.note ?? '', /beyond the 2048-byte cap/);
  assert.ok(r.image.length <= 2048, 'the image never grows past the cap');
  assert.throws(() => applyWal(new Uint8Array(0), new Uint8Array(40).fill(7), 1 << 20), (e: unknown) => e instanceof ParseError && e.code === 'bad-signature');
});

/**
 * formats/sqlite on mutated databases and WALs: every open and every row read either succeeds or
 * throws ParseError; sql.js must never take the process down, hang, or leak a raw exception.
 */
import { mutate } from '../helpers/mutate.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { openSqliteBytes } from '../../electron/formats/sqlite/index.js';
import { ParseError } from '../../electron/common/issues.js';
import { readQuarantineRows } from '../../electron/artefacts/macos/quarantine.js';
import { readAppUsage } from '../../electron/artefacts/macos/knowledgec.js';
import { CORPUS } from '../helpers/corpus.js';
import { bytes, HAVE_PYTHON, py, WAL_DB } from '../unit/formats/sqlite/build-db.js';

const BUDGET_MS = 6_500;

interface Seed { main: Uint8Array; wal: Uint8Array | null }

function seeds(): Seed[] {
  const out: Seed[] = [];
  if (HAVE_PYTHON) {
    const { dir } = py(WAL_DB);
    out.push({ main: bytes(join(dir, 'w.db')), wal: bytes(join(dir, 'w.db-wal')) });
    const q = py(`
c = sqlite3.connect(os.path.join(d, 'q.db'))
c.execute('PRAGMA page_size = 512')
c.execute('CREATE TABLE LSQuarantineEvent (  LSQuarantineEventIdentifier TEXT PRIMARY KEY NOT NULL,  LSQuarantineTimeStamp REAL,  LSQuarantineAgentBundleIdentifier TEXT,  LSQuarantineAgentName TEXT,  LSQuarantineDataURLString TEXT,  LSQuarantineSenderName TEXT,  LSQuarantineSenderAddress TEXT,  LSQuarantineTypeNumber INTEGER,  LSQuarantineOriginTitle TEXT,  LSQuarantineOriginURLString TEXT,  LSQuarantineOriginAlias BLOB )')
c.executemany('INSERT INTO LSQuarantineEvent VALUES (?,?,?,?,?,?,?,?,?,?,?)', [('ID-%d' % i, 700000000.0 + i, 'com.google.Chrome', 'Chrome', 'https://x.invalid/3CXDesktopApp-18.12.%d.dmg' % i, None, None, 0, None, None, None) for i in range(60)])
c.commit()
`);
    out.push({ main: bytes(join(q.dir, 'q.db')), wal: null });
  }
  for (const rel of ['plaso/test_data/sqlite/quarantine.db', 'plaso/test_data/macos/knowledgec-10.14.db']) {
    const p = join(CORPUS, rel);
    if (existsSync(p)) out.push({ main: new Uint8Array(readFileSync(p)), wal: null });
  }
  return out;
}

async function check(main: Uint8Array, wal: Uint8Array | null): Promise<void> {
  let o;
  try {
    o = await openSqliteBytes(main, wal);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return;
  }
  try {
    for (const fn of [() => o.db.tables(), () => readQuarantineRows(o.db), () => readAppUsage(o.db, 'com.apple.finder'), () => o.db.hasTable('t') && o.db.select({ table: 't', columns: ['id', 'v'], maxRows: 100 })]) {
      try {
        fn();
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
      }
    }
  } finally {
    o.db.close();
  }
}

const mutation = (len: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('byte' as const), at: fc.nat(len - 1), value: fc.nat(255) }),
    // Page headers and cell pointers sit at page starts: bias towards small offsets within pages.
    fc.record({ kind: fc.constant('u32be' as const), at: fc.nat(len - 1), value: fc.oneof(fc.nat(), fc.constantFrom(0, 1, 0xffffffff, len, 0x0d000000)) }),
    fc.record({ kind: fc.constant('zero' as const), at: fc.nat(len - 1), value: fc.integer({ min: 1, max: 600 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(len), value: fc.constant(0) }),
  );


test('mutated databases and WALs: results or ParseError only, within the time box', async () => {
  const all = seeds();
  if (all.length === 0) return;
  const started = Date.now();
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.nat(all.length - 1).chain((i) =>
        fc.tuple(fc.constant(i), fc.boolean(), fc.array(mutation(all[i]!.main.length), { minLength: 1, maxLength: 6 }), fc.array(mutation(all[i]!.wal?.length ?? 64), { minLength: 0, maxLength: 3 })),
      ),
      async ([i, walSide, ms, ws]) => {
        runs++;
        const s = all[i]!;
        if (walSide && s.wal) await check(s.main, mutate(s.wal, ws));
        else await check(mutate(s.main, ms), s.wal);
      },
    ),
    { seed: 0x5e, numRuns: 20_000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false },
  );
  assert.ok(runs > 50, `only ${runs} runs`);
  assert.equal(process.exitCode ?? 0, 0, 'the emscripten runtime did not set an exit code');
  assert.ok(Date.now() - started < BUDGET_MS + 3_000);
  // The engine still works after the storm.
  const ok = await openSqliteBytes(all[0]!.main, all[0]!.wal);
  assert.ok(ok.db.tables().length > 0);
  ok.db.close();
});

test('random bytes behind a valid SQLite header', async () => {
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 4000 }), fc.constantFrom(512, 1024, 4096), async (rnd, pageSize) => {
      const b = new Uint8Array(Math.max(100, pageSize * Math.ceil((rnd.length + 100) / pageSize)));
      b.set(rnd, 100);
      b.set(new TextEncoder().encode('SQLite format 3\0'));
      new DataView(b.buffer).setUint16(16, pageSize);
      b[18] = 1; b[19] = 1; b[21] = 64; b[22] = 32; b[23] = 32;
      b[0x3b] = 1;
      await check(b, null);
    }),
    { seed: 0x33, numRuns: 3_000, interruptAfterTimeLimit: 1_500, markInterruptAsFailure: false },
  );
  assert.ok(Date.now() - started < 4_000);
});

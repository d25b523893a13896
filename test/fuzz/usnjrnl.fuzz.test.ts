/**
 * Random and mutated journals thrown at the USN walker and record parser for a few seconds: every
 * outcome must be records (inside the data, lengths honoured) or a ParseError, never a raw error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ParseError } from '../../electron/common/issues.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { newStats, parseUsnRecord, walkUsnJournal } from '../../electron/formats/usnjrnl/index.js';
import { usnFixtures } from '../unit/formats/usnjrnl/fixtures.js';

const SEED = new Uint8Array(readFileSync(join(usnFixtures(), 'synthetic.usn')));
const BUDGET_MS = 4000;

async function walkAll(b: Uint8Array): Promise<void> {
  const stats = newStats(b.length);
  for await (const r of walkUsnJournal(new BufferReader(b), stats, { windowBytes: 8192 })) {
    assert.ok(r.offset >= 0 && r.offset + r.length <= b.length, 'record inside the data');
    assert.ok(Math.floor(r.offset / 4096) === Math.floor((r.offset + r.length - 1) / 4096), 'record inside one page');
  }
  assert.ok(stats.issues.length <= 200);
}

test('mutated synthetic journals: records or located issues only', async () => {
  const end = Date.now() + BUDGET_MS;
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.nat(SEED.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 64 }), async (edits) => {
      if (Date.now() > end) return;
      const b = SEED.slice();
      for (const [at, v] of edits) b[at] = v;
      await walkAll(b);
    }),
    { numRuns: 400, seed: 0x05a },
  );
});

test('random bytes: the walker never throws, parseUsnRecord throws only ParseError', async () => {
  const end = Date.now() + BUDGET_MS;
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 9000 }), fc.nat(200), async (b, off) => {
      if (Date.now() > end) return;
      await walkAll(b);
      try {
        parseUsnRecord(b, Math.min(off, b.length), 0);
      } catch (e) {
        assert.ok(e instanceof ParseError, String(e));
      }
    }),
    { numRuns: 600, seed: 0x5eed },
  );
});

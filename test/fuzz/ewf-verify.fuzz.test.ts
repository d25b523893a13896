/**
 * Mutated table entries, chunk bytes and truncations of a generated E01 (8 MiB disk): verification
 * must finish with a digest or a ParseError from opening, never another error or a hang, and it
 * must never report a match while any chunk could not be read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ParseError } from '../../electron/common/issues.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { openEwf } from '../../electron/formats/ewf/index.js';
import { verifyEwf } from '../../electron/evidence/containers/verify.js';
import { mutate, type Mutation } from '../helpers/mutate.js';
import { FIXTURE_SKIP, generatedContainers } from '../unit/formats/ewf/fixtures.js';

const BUDGET_MS = Number(process.env['TRIAGE_FUZZ_MS'] ?? 6_000);

test('fuzz E01 verification: digest or ParseError; never ok with unreadable chunks', { skip: FIXTURE_SKIP }, async () => {
  const seed = new Uint8Array(readFileSync(join(generatedContainers(8), 'e01', 'disk.E01')));
  const buf = Buffer.from(seed.buffer, seed.byteOffset, seed.length);
  const table = buf.indexOf('table\0') + 76;
  const table2 = buf.indexOf('table2\0') + 76;
  // Hot spots: both tables' entries, and the chunk data from the first chunk on.
  const hot = [table, table2, 2000, Math.floor(seed.length / 2)];
  const mutation = fc.record({
    spot: fc.nat(hot.length - 1),
    at: fc.nat(4096),
    kind: fc.constantFrom<Mutation['kind']>('byte', 'u32le', 'zero', 'cut'),
    value: fc.oneof(fc.nat(), fc.constantFrom(0, 0xffffffff, 0x80000000, 0x7fffffff, 1, 64)),
  }).map((m): Mutation => ({ kind: m.kind, at: hot[m.spot]! + m.at, value: m.kind === 'zero' ? m.value % 512 : m.value }));
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.nat(1), async (ms, workers) => {
      const bytes = mutate(seed, ms);
      let img;
      try {
        img = await openEwf([{ name: 'disk.E01', reader: new BufferReader(bytes) }]);
      } catch (e) {
        if (e instanceof ParseError) return;
        throw e;
      }
      const v = await verifyEwf(img, { workers });
      if (v.actual.startsWith('could not read')) assert.equal(v.ok, false);
      if (v.ok) assert.equal(v.actual, img.storedMd5 ?? img.storedSha1);
    }),
    { interruptAfterTimeLimit: BUDGET_MS, numRuns: 1_000_000 },
  );
});

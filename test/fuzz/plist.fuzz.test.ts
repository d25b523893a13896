/** parseBplist on mutated and random inputs: a value or a ParseError, never anything else. */
import { mutate } from '../helpers/mutate.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseBplist, parsePlist } from '../../electron/formats/plist/index.js';
import { ParseError } from '../../electron/common/issues.js';
import { arr, ascii, bplist, dict, int8, raw } from '../unit/formats/plist/bplist-builder.js';

const BUDGET_MS = 8_000;
import { CORPUS } from '../helpers/corpus.js';

/** Hand-built seeds always; the corpus's binary plists (read in place) when present. */
function seeds(): Uint8Array[] {
  const out = [
    bplist([dict([1, 2], [3, 4]), ascii('a'), ascii('b'), arr(5, 5, 6), raw(0x33, 0x41, 0xb4, 0, 0, 0, 0, 0, 0)
      , int8(7), raw(0x6f, 0x10, 0x02, 0, 0x41, 0, 0x42)]),
    bplist([arr(1, 2), raw(0x81, 1, 0), raw(0x4f, 0x10, 0x03, 1, 2, 3)]),
  ];
  const manifest = join(CORPUS, 'MANIFEST.json');
  if (existsSync(manifest)) {
    const rows = (JSON.parse(readFileSync(manifest, 'utf8')) as { files: { path: string; detected_as: string }[] }).files;
    for (const r of rows) if (r.detected_as === 'plist-binary' && !r.path.endsWith('.gz')) out.push(new Uint8Array(readFileSync(join(CORPUS, r.path))));
  }
  return out;
}

function check(bytes: Uint8Array): void {
  try {
    parseBplist(bytes);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    assert.ok(e.offset === undefined || Number.isSafeInteger(e.offset));
  }
}

const mutation = (len: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('byte' as const), at: fc.nat(len - 1), value: fc.nat(255) }),
    // Trailer and offset-table fields are where the interesting numbers live: bias towards the end.
    fc.record({ kind: fc.constant('u64be' as const), at: fc.integer({ min: Math.max(0, len - 32), max: len - 1 }), value: fc.oneof(fc.nat(), fc.constantFrom(0, 1, 0xffffffff, len)) }),
    fc.record({ kind: fc.constant('u32be' as const), at: fc.nat(len - 1), value: fc.oneof(fc.nat(), fc.constantFrom(0, 0xffffffff, 8, len)) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(len), value: fc.constant(0) }),
  );


test('parseBplist on mutated plists returns a value or throws ParseError, within the time box', () => {
  const all = seeds();
  const started = Date.now();
  fc.assert(
    fc.property(
      fc.nat(all.length - 1).chain((i) => fc.tuple(fc.constant(i), fc.array(mutation(all[i]!.length), { minLength: 1, maxLength: 6 }))),
      ([i, ms]) => check(mutate(all[i]!, ms)),
    ),
    { seed: 0x7a, numRuns: 20_000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false },
  );
  assert.ok(Date.now() - started < BUDGET_MS + 2_000);
});

test('parseBplist and parsePlist on random bytes (with and without the bplist00 magic)', () => {
  const started = Date.now();
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 512 }), fc.boolean(), (rnd, prefix) => {
      const b = prefix ? Uint8Array.from([...Buffer.from('bplist00'), ...rnd]) : rnd;
      check(b);
      if (b[0] !== 0x3c) {
        // Not '<': parsePlist must refuse before the XML library sees it (keeps xmldom quiet).
        try { parsePlist(b); } catch (e) { if (!(e instanceof ParseError)) throw e; }
      }
    }),
    { seed: 0x3c, numRuns: 5_000, interruptAfterTimeLimit: 1_500, markInterruptAsFailure: false },
  );
  assert.ok(Date.now() - started < 4_000);
});

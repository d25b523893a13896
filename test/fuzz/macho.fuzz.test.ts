/** parseMacho and machoMarkers on mutated stand-ins and random bytes: a result or a ParseError. */
import { mutate } from '../helpers/mutate.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { machoMarkers, parseMacho } from '../../electron/formats/macho/index.js';
import { ParseError } from '../../electron/common/issues.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { DYLIB, EXE, makeMac, SUPPORT } from '../unit/formats/macho/mac-fixture.js';

const BUDGET_MS = 8_000;
const fx = makeMac(['--update-agent']);
if (!fx) throw new Error('python3 is required for the Mach-O fuzz seeds');
after(() => rmSync(fx.root, { recursive: true, force: true }));
const seeds = [EXE, DYLIB, `${SUPPORT}/UpdateAgent`].map((p) => new Uint8Array(readFileSync(join(fx.root, p))));

async function check(bytes: Uint8Array): Promise<void> {
  const reader = new BufferReader(bytes);
  try {
    const m = await parseMacho(reader);
    for (const s of m.slices) {
      assert.ok(s.offset + s.size <= bytes.length);
      assert.equal(typeof s.cpuName, 'string');
      if (s.codeSignature?.cdhash) assert.match(s.codeSignature.cdhash, /^[0-9a-f]{40}$/);
    }
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    assert.ok(e.offset === undefined || Number.isSafeInteger(e.offset));
  }
  for (const h of await machoMarkers(reader)) assert.ok(h.offset < bytes.length);
}

/** Headers, load commands and the fat table sit in the first 4 KiB; signatures at the end. */
const position = (len: number) => fc.oneof(fc.nat(Math.min(len, 4096) - 1), fc.integer({ min: Math.max(0, len - 1024), max: len - 1 }), fc.nat(len - 1));
const mutation = (len: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('byte' as const), at: position(len), value: fc.nat(255) }),
    fc.record({ kind: fc.constantFrom('u32le' as const, 'u32be' as const), at: position(len), value: fc.oneof(fc.nat(), fc.constantFrom(0, 8, 16, 0xffffffff, 0x7fffffff, len)) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(len), value: fc.constant(0) }),
  );


test('parseMacho on mutated stand-ins returns slices or throws ParseError, within the time box', async () => {
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(
      fc.nat(seeds.length - 1).chain((i) => fc.tuple(fc.constant(i), fc.array(mutation(seeds[i]!.length), { minLength: 1, maxLength: 6 }))),
      async ([i, ms]) => check(mutate(seeds[i]!, ms)),
    ),
    { seed: 0x1d, numRuns: 5_000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false },
  );
  assert.ok(Date.now() - started < BUDGET_MS + 3_000);
});

test('parseMacho on random bytes behind each magic', async () => {
  const magics = [[0xca, 0xfe, 0xba, 0xbe], [0xca, 0xfe, 0xba, 0xbf], [0xcf, 0xfa, 0xed, 0xfe], [0xfe, 0xed, 0xfa, 0xce], []];
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.nat(magics.length - 1), async (rnd, k) => {
      await check(Uint8Array.from([...magics[k]!, ...rnd]));
    }),
    { seed: 0xfa, numRuns: 3_000, interruptAfterTimeLimit: 1_500, markInterruptAsFailure: false },
  );
});

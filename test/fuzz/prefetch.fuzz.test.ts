// Throws random and mutated bytes at the LZXPRESS decoders and the prefetch parser (MAM and bare
// SCCA): the only acceptable outcomes are a result or a ParseError; output is exactly the declared
// size; nothing hangs (each case is timed). Seeds: the committed synthetic fixtures and, when the
// corpus is present, real Windows 10/11 MAM files and older SCCA files. Time-boxed (~9 s in all).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { decompressHuffman, decompressPlain } from '../../electron/formats/lzxpress/index.js';
import { parsePrefetch, PREFETCH_MAX_FILES } from '../../electron/formats/prefetch/index.js';
import { ParseError } from '../../electron/common/issues.js';
import { fixture, FIXTURE_NAMES } from '../unit/formats/prefetch/fixtures.js';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';

const CASE_MS = 1_000;

function seeds(): Uint8Array[] {
  const out = FIXTURE_NAMES.map((n) => fixture(n));
  if (HAVE_CORPUS) {
    for (const p of [
      'Prefetch/Prefetch.Test/TestFiles/Win10/CMD.EXE-D269B812.pf',
      'plaso/test_data/winprefetch/AM_DELTA_PATCH_1.443.990.0.EX-7037CF86.pf',
      'velociraptor/artifacts/testdata/files/VELOCIRAPTOR.EXE-DB95245D.pf',
      'Prefetch/Prefetch.Test/TestFiles/XPPro/CALC.EXE-02CD573A.pf',
      'Prefetch/Prefetch.Test/TestFiles/Win7/PING.EXE-B29F6629.pf',
      'Prefetch/Prefetch.Test/TestFiles/Win8x/CMD.EXE-4A81B364.pf',
    ]) out.push(new Uint8Array(readFileSync(join(CORPUS, p))));
  }
  return out;
}

function guard<T>(fn: () => T): T | null {
  const t0 = performance.now();
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return null;
  } finally {
    assert.ok(performance.now() - t0 < CASE_MS, 'one case took too long');
  }
}

const edits = fc.array(fc.record({ kind: fc.constantFrom('byte', 'u32', 'cut'), at: fc.nat(), value: fc.nat() }), { minLength: 1, maxLength: 8 });

function mutate(seed: Uint8Array, ms: { kind: string; at: number; value: number }[]): Uint8Array {
  let b = Uint8Array.from(seed);
  for (const m of ms) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    if (m.kind === 'byte') b[at] = m.value & 0xff;
    else if (m.kind === 'u32' && at + 4 <= b.length) new DataView(b.buffer).setUint32(at, m.value >>> 0, true);
    else if (m.kind === 'cut') b = b.subarray(0, at);
  }
  return b;
}

test('prefetch parser: mutated MAM and SCCA files give a Prefetch or a ParseError', () => {
  const all = seeds();
  fc.assert(
    fc.property(fc.nat(all.length - 1), edits, (i, ms) => {
      const p = guard(() => parsePrefetch(mutate(all[i]!, ms)));
      if (p) {
        assert.ok(p.files.length <= PREFETCH_MAX_FILES);
        assert.ok(p.lastRuns.length <= 8);
        JSON.stringify(p);
      }
    }),
    { seed: 0x5cca, numRuns: 4000, interruptAfterTimeLimit: 4_000, markInterruptAsFailure: false },
  );
});

test('LZXPRESS Huffman: random and mutated streams decode to exactly the declared size or fail cleanly', () => {
  const all = seeds().filter((s) => s[0] === 0x4d).map((s) => s.subarray(8));
  const stream = fc.oneof(
    fc.uint8Array({ maxLength: 2048 }),
    fc.tuple(fc.constantFrom(...all), edits).map(([s, ms]) => mutate(s, ms)),
    // a valid complete table (all 9-bit) followed by random bits: exercises matches and extra lengths
    fc.uint8Array({ maxLength: 1024 }).map((tail) => Uint8Array.from([...new Uint8Array(256).fill(0x99), ...tail])),
  );
  fc.assert(
    fc.property(stream, fc.nat(1 << 20), (input, size) => {
      const out = guard(() => decompressHuffman(input, size));
      if (out) assert.equal(out.length, size);
    }),
    { seed: 0x4c5a, numRuns: 3000, interruptAfterTimeLimit: 3_000, markInterruptAsFailure: false },
  );
});

test('plain LZ77: random streams decode to exactly the declared size or fail cleanly', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1024 }), fc.nat(1 << 20), (input, size) => {
      const out = guard(() => decompressPlain(input, size));
      if (out) assert.equal(out.length, size);
    }),
    { seed: 0x1277, numRuns: 3000, interruptAfterTimeLimit: 1_500, markInterruptAsFailure: false },
  );
});

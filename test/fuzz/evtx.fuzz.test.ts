/**
 * Seeded mutation of EVTX logs (the generated fixtures, plus small corpus samples when present):
 * flipped bytes and overwritten 32-bit fields in chunk headers, template definitions and records,
 * and cut files. Only records, `{ error }` items or a ParseError from openEvtx are acceptable,
 * and every case must finish quickly.
 */
import { mutate } from '../helpers/mutate.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { openEvtx } from '../../electron/formats/evtx/index.js';
import { ParseError } from '../../electron/common/issues.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';
import { FIXTURES } from '../unit/formats/evtx/fixture.js';

const BUDGET_MS = 6_000;
const CODES = new Set(['truncated', 'bad-signature', 'out-of-bounds', 'unsupported-version', 'checksum', 'limit-exceeded', 'loop', 'decode', 'encrypted', 'io']);

function seeds(): Uint8Array[] {
  const out = ['Microsoft-Windows-Sysmon%4Operational.evtx', 'Application.evtx'].map((f) => new Uint8Array(readFileSync(join(FIXTURES, f))));
  const samples = ['velociraptor/artifacts/testdata/files/EID4103_PowershellModule.evtx', 'evtx/samples/Security_short_selected.evtx', 'python-evtx/tests/data/dns_log_malformed.evtx'];
  if (HAVE_CORPUS) for (const s of samples) if (existsSync(join(CORPUS, s))) out.push(new Uint8Array(readFileSync(join(CORPUS, s))));
  return out;
}

async function check(bytes: Uint8Array): Promise<void> {
  const started = Date.now();
  let f;
  try {
    f = await openEvtx(new BufferReader(bytes));
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return;
  }
  for await (const it of f.records()) {
    if ('error' in it) {
      assert.ok(CODES.has(it.error.code), it.error.code);
      assert.ok(it.error.offset === null || Number.isSafeInteger(it.error.offset));
    } else {
      assert.equal(typeof it.xml, 'string');
      assert.ok(Number.isSafeInteger(it.recordId));
      JSON.stringify(it.event);
    }
  }
  assert.ok(Date.now() - started < 2_000, 'one log must not take seconds');
}


/** Mutations aim at the first chunk (header, tables, records) where the parser does its work. */
const mutation = (len: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('byte' as const), at: fc.integer({ min: 4096, max: Math.min(len, 4096 + 65536) - 1 }), value: fc.nat(255) }),
    fc.record({ kind: fc.constant('u32le' as const), at: fc.integer({ min: 4096, max: Math.min(len, 4096 + 65536) - 4 }), value: fc.oneof(fc.nat(), fc.constantFrom(0, 0xffffffff, 0x200, 0x1000, 0xfffe, 0x2a2a)) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(len), value: fc.constant(0) }),
  );


test('mutated EVTX logs give only records, issues or a ParseError', async () => {
  const all = seeds();
  const deadline = Date.now() + BUDGET_MS;
  let runs = 0;
  for (const [i, seed] of all.entries()) {
    const share = Math.floor((deadline - Date.now()) / (all.length - i));
    await fc.assert(
      fc.asyncProperty(fc.array(mutation(seed.length), { minLength: 1, maxLength: 8 }), async (ms) => {
        runs++;
        await check(mutate(seed, ms));
      }),
      { numRuns: 100_000, seed: 0x3cc + i, endOnFailure: true, interruptAfterTimeLimit: share, markInterruptAsFailure: false },
    );
  }
  assert.ok(runs > 50, `only ${runs} runs`);
});

test('random bytes after a valid file header', async () => {
  const head = seeds()[0]!.subarray(0, 4096);
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 8, maxLength: 70_000 }), async (tail) => {
      const b = new Uint8Array(4096 + tail.length);
      b.set(head);
      b.set(tail, 4096);
      b.set([0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00], 4096);
      await check(b);
    }),
    { numRuns: 40, seed: 7 },
  );
});

/**
 * Mutated hives (fixture hives always, a few small corpus hives and logs when present) thrown at
 * openHive + a full walk + deletedKeys + dumpRecords, and random bytes at the ShimCache parser:
 * only results or ParseError are acceptable, and nothing may hang (cyclic lists, ri recursion,
 * huge counts are all bounded). Time-boxed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ParseError } from '../../electron/common/issues.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { deletedKeys, dumpRecords, openHive } from '../../electron/formats/regf/index.js';
import { parseShimCache } from '../../electron/formats/shimcache/index.js';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';
import { fixtureHive, HIVE_NAMES } from '../unit/formats/regf/fixtures.js';

const BUDGET_MS = 8_000;

function seeds(): { hive: Uint8Array; logs: Uint8Array[] }[] {
  const out = HIVE_NAMES.map((n) => ({ hive: fixtureHive(n), logs: [] as Uint8Array[] }));
  if (HAVE_CORPUS) {
    const y = join(CORPUS, 'yarp/hives_for_tests');
    const r = (p: string) => new Uint8Array(readFileSync(join(y, p)));
    out.push({ hive: r('NewDirtyHive1/NewDirtyHive'), logs: [r('NewDirtyHive1/NewDirtyHive.LOG1'), r('NewDirtyHive1/NewDirtyHive.LOG2')] });
    out.push({ hive: r('BigDataHive'), logs: [] }, { hive: r('DeletedDataHive'), logs: [] }, { hive: r('ManySubkeysHive').subarray(0, 131072), logs: [] });
  }
  return out;
}

async function check(hive: Uint8Array, logs: Uint8Array[]): Promise<void> {
  try {
    const h = await openHive(new BufferReader(hive), { logs: logs.map((l) => new BufferReader(l)) });
    let n = 0;
    for await (const r of dumpRecords(h)) {
      assert.equal(typeof r.path, 'string');
      if (++n > 20_000) break;
    }
    let d = 0;
    for await (const k of deletedKeys(h)) {
      assert.equal(k.deleted, true);
      if (++d > 2_000) break;
    }
    for (const i of h.issues) assert.ok(i.offset === undefined || Number.isSafeInteger(i.offset));
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
  }
}

const mutation = (len: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('byte' as const), at: fc.nat(len - 1), value: fc.nat(255) }),
    fc.record({ kind: fc.constant('u32' as const), at: fc.integer({ min: 4096, max: len - 1 }), value: fc.oneof(fc.nat(), fc.constantFrom(0, 0xffffffff, 0x80000000, 0x20, 8, len)) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(len), value: fc.constant(0) }),
  );

function mutate(seed: Uint8Array, ms: { kind: 'byte' | 'u32' | 'cut'; at: number; value: number }[]): Uint8Array {
  let b = Uint8Array.from(seed);
  for (const m of ms) {
    if (m.kind === 'cut') b = b.subarray(0, Math.min(Math.max(m.at, 4096), b.length));
    else if (m.kind === 'byte' && m.at < b.length) b[m.at] = m.value;
    else if (m.kind === 'u32' && m.at + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(m.at, m.value >>> 0, true);
  }
  return b;
}

test('mutated hives and logs: results or ParseError, within the time box', async () => {
  const all = seeds();
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(fc.nat(all.length - 1), fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), fc.boolean(), async (i, picks, mutateLog) => {
      const s = all[i]!;
      const target = mutateLog && s.logs.length > 0 ? s.logs[0]! : s.hive;
      const ms = picks.map((p) => fc.sample(mutation(target.length), { seed: p, numRuns: 1 })[0]!);
      const mutated = mutate(target, ms);
      if (target === s.hive) await check(mutated, s.logs);
      else await check(s.hive, [mutated, ...s.logs.slice(1)]);
    }),
    { numRuns: 100_000, interruptAfterTimeLimit: BUDGET_MS, seed: 20230329 },
  );
  assert.ok(Date.now() - started < BUDGET_MS + 5_000, 'one case ran far past the budget');
});

test('random bytes and mutated caches at the ShimCache parser', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.constantFrom(0x30, 0x34, 0x80, 0xbadc0fee), (bytes, head) => {
      const b = new Uint8Array(Math.max(bytes.length, 4));
      b.set(bytes);
      new DataView(b.buffer).setUint32(0, head, true);
      if (head !== 0xbadc0fee && b.length > head + 4) b.set([0x31, 0x30, 0x74, 0x73], head);
      try {
        const c = parseShimCache(b);
        for (const e of c.entries) assert.equal(typeof e.path, 'string');
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
      }
    }),
    { numRuns: 3000, seed: 7 },
  );
});

/**
 * Fuzzing the VSS reader: a built two-store volume (test/unit/formats/vss/vss-builder.ts) with
 * mutations aimed at the volume header, the catalog, the store headers and the block lists
 * (u64 offsets, flags, counts), then every store opened and a spread of blocks read; plus random
 * bytes at 0x1e00. Only results or ParseError are accepted, every case must finish (chain loops),
 * and a snapshot read always returns the bytes asked for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ParseError } from '../../electron/common/issues.js';
import { openVss } from '../../electron/formats/vss/index.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { B, buildVss } from '../unit/formats/vss/vss-builder.js';

const BUDGET_MS = Number(process.env['FUZZ_MS'] ?? 4_000);
const T = 133243920000000000n;
const seed = buildVss(24, [
  { guidByte: 1, time: T, descs: [{ orig: B, rel: 0, store: 3 * B }, { orig: 2 * B, rel: 5 * B, store: 0, flags: 1 }, { orig: B, rel: 1, store: 4 * B, flags: 2, bitmap: 5 }] },
  { guidByte: 2, time: T + 1n, descs: [{ orig: 5 * B, rel: 0, store: 6 * B }, { orig: 7 * B, rel: 0, store: 8 * B, flags: 2, bitmap: 0xf0 }], bitmapBlocks: [9, 10] },
]);
/** Where the structures are: mutations land there most of the time. */
const targets = [0x1e00, seed.catalog, ...seed.lists, ...seed.headers];

async function exercise(bytes: Uint8Array): Promise<void> {
  let vss;
  try {
    vss = await openVss(new BufferReader(bytes));
  } catch (e) {
    if (e instanceof ParseError) return;
    throw e;
  }
  if (!vss) return;
  for (const s of vss.stores.slice(0, 4)) {
    const r = vss.snapshot(s.index);
    for (const off of [0, B, 2 * B, 5 * B + 100, 7 * B, 9 * B, r.size - 10]) {
      if (off < 0 || off >= r.size) continue;
      const want = Math.min(600, r.size - off);
      assert.equal((await r.read(off, want)).length, want);
    }
    try {
      await vss.ranges(s.index);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
    }
  }
}

test('mutated VSS headers, catalogs, store headers and block lists: results or ParseError', async () => {
  const start = Date.now();
  await fc.assert(fc.asyncProperty(
    fc.array(fc.record({
      base: fc.constantFrom(...targets),
      at: fc.nat(767),
      kind: fc.constantFrom('byte', 'u64', 'u32'),
      value: fc.oneof(fc.nat(255), fc.constantFrom(0, 1, 2, 3, 4, 0x1e00, B, 23 * B, 24 * B, 2 ** 40, 2 ** 53 + 8), fc.constantFrom(...targets)),
    }), { minLength: 1, maxLength: 10 }),
    async (ms) => {
      if (Date.now() - start > BUDGET_MS) return;
      const b = Uint8Array.from(seed.bytes);
      const dv = new DataView(b.buffer);
      for (const m of ms) {
        const o = m.base + m.at;
        if (m.kind === 'byte') b[o] = m.value & 0xff;
        else if (m.kind === 'u32') dv.setUint32(o, m.value >>> 0, true);
        else dv.setBigUint64(o, BigInt(m.value), true);
      }
      await exercise(b);
    },
  ), { numRuns: 100_000, interruptAfterTimeLimit: BUDGET_MS });
});

test('random bytes where the VSS header and catalog would be', async () => {
  const start = Date.now();
  await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 16, maxLength: 512 }), fc.boolean(), async (junk, keepId) => {
    if (Date.now() - start > BUDGET_MS) return;
    const b = Uint8Array.from(seed.bytes);
    b.set(junk, 0x1e00);
    if (keepId) b.set(seed.bytes.subarray(0x1e00, 0x1e18), 0x1e00);
    b.set(junk.subarray(0, Math.min(junk.length, 256)), seed.catalog + 128);
    await exercise(b);
  }), { numRuns: 100_000, interruptAfterTimeLimit: BUDGET_MS });
});

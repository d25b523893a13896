/** ZIP reader on mutated EOCD / central directory / local headers: entries and member bytes, or ParseError. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ParseError } from '../../electron/common/issues.js';
import { ZipArchive } from '../../electron/formats/zip/index.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { buildZip } from '../unit/formats/zip/build.js';

const BUDGET_MS = 8_000;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const SEEDS = [
  buildZip([{ name: 'a.txt', data: enc('alpha'.repeat(40)) }, { name: 'b/c.bin', data: enc('stored'), method: 0, utMtime: 1679303520 }]),
  buildZip([{ name: 'z.bin', data: enc('zip64'), zip64: true }, { name: 'd.txt', data: enc('described'), descriptor: true }], { zip64Eocd: true, comment: 'c' }),
];

/** Offsets of the structures worth hitting: signatures and the fields after them. */
function hotSpots(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 <= b.length; i++) if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2]! < 9) out.push(i);
  return out;
}

async function check(bytes: Uint8Array): Promise<void> {
  try {
    const z = await ZipArchive.open(new BufferReader(bytes), { memoryMaxBytes: 1 << 20, inflateMaxBytes: 1 << 20, maxEntries: 1000 });
    for (const e of z.entries) {
      try {
        const r = await z.openMember(e);
        await r.read(0, Math.min(r.size, 4096));
        await r.close();
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
      }
    }
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
  }
}

test('mutated ZIP structures give entries or ParseErrors within the time box', async () => {
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(
      fc.nat(SEEDS.length - 1),
      fc.array(fc.tuple(fc.nat(), fc.nat(40), fc.oneof(fc.nat(255), fc.constantFrom(0, 0xff))), { minLength: 1, maxLength: 8 }),
      fc.option(fc.nat(), { nil: undefined }),
      async (i, muts, cut) => {
        const b = Uint8Array.from(SEEDS[i]!);
        const spots = hotSpots(b);
        for (const [s, d, v] of muts) {
          const at = (spots[s % spots.length] ?? 0) + d;
          if (at < b.length) b[at] = v;
        }
        await check(cut === undefined ? b : b.subarray(0, cut % (b.length + 1)));
      },
    ),
    { seed: 0x5a, numRuns: 5_000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false },
  );
  assert.ok(Date.now() - started < BUDGET_MS + 2_000);
});

test('random bytes with a ZIP signature sprinkled in are refused with ParseError', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.nat(600), async (rnd, at) => {
      const b = Uint8Array.from(rnd);
      if (at + 4 <= b.length) b.set([0x50, 0x4b, 0x05, 0x06], at);
      await check(b);
    }),
    { seed: 0x5b, numRuns: 2_000, interruptAfterTimeLimit: 2_000, markInterruptAsFailure: false },
  );
});

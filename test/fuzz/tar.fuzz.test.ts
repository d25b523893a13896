/** tar index walk on mutated headers (ustar, GNU long name, pax): entries or ParseError, never a crash. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ParseError } from '../../electron/common/issues.js';
import { TarArchive } from '../../electron/formats/tar/index.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';

const BUDGET_MS = 8_000;

/** One header block with a correct checksum (ustar magic), followed by its padded data. */
function member(name: string, data: Uint8Array, type = '0'): Uint8Array {
  const h = new Uint8Array(512);
  const put = (off: number, s: string): void => h.set(new TextEncoder().encode(s), off);
  put(0, name.slice(0, 99));
  put(100, '0000644\0');
  put(124, data.length.toString(8).padStart(11, '0') + '\0');
  put(136, '14410000000\0');
  h[156] = type.charCodeAt(0);
  put(257, 'ustar\x0000');
  h.fill(0x20, 148, 156);
  const sum = h.reduce((a, b) => a + b, 0);
  put(148, sum.toString(8).padStart(6, '0') + '\0 ');
  const body = new Uint8Array(Math.ceil(data.length / 512) * 512);
  body.set(data);
  return Uint8Array.from([...h, ...body]);
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const SEED = Uint8Array.from([
  ...member('plain.txt', enc('plain')),
  ...member('././@LongLink', enc('a/very/long/name.txt\0'), 'L'),
  ...member('short', enc('long-named')),
  ...member('PaxHeader', enc('26 path=pax/path/name.txt\n22 mtime=1679303520.5\n'), 'x'),
  ...member('x', enc('pax-named')),
  ...new Uint8Array(1024),
]);

async function check(bytes: Uint8Array): Promise<void> {
  try {
    const t = await TarArchive.open(new BufferReader(bytes));
    for (const e of t.entries) {
      try {
        const r = await t.openMember(e);
        await r.read(0, 64);
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
      }
    }
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
  }
}

test('the seed indexes as expected (long name and pax path applied)', async () => {
  const t = await TarArchive.open(new BufferReader(SEED));
  assert.deepEqual(t.entries.map((e) => e.name), ['plain.txt', 'a/very/long/name.txt', 'pax/path/name.txt']);
  assert.equal(t.entries[2]!.modified, '2023-03-20T09:12:00.500Z');
});

test('mutated tar headers give entries or ParseErrors within the time box', async () => {
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(6), fc.nat(511), fc.nat(255)), { minLength: 1, maxLength: 8 }),
      fc.option(fc.nat(SEED.length), { nil: undefined }),
      async (muts, cut) => {
        const b = Uint8Array.from(SEED);
        for (const [block, off, v] of muts) {
          const at = [0, 1024, 2048, 3072, 3584, 4608, 512][block]! + off;
          if (at < b.length) b[at] = v;
        }
        await check(cut === undefined ? b : b.subarray(0, cut));
      },
    ),
    { seed: 0x7b, numRuns: 10_000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false },
  );
  assert.ok(Date.now() - started < BUDGET_MS + 2_000);
});

import { mutate } from '../helpers/mutate.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { markersIn, parsePe } from '../../electron/formats/pe/index.js';
import { ParseError } from '../../electron/common/issues.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { buildPe, versionInfo, versionResourceSection } from '../unit/formats/pe/build-pe.js';
import { haveMingw, makeFixtures } from '../unit/formats/pe/fixtures.js';

const BUDGET_MS = 5_000;

/** Seeds: the toolchain fixtures when mingw is there, hand-built PEs always. */
function seeds(): Uint8Array[] {
  const rsrc = versionResourceSection(0x2000, versionInfo([18, 12, 416, 0], { ProductName: '3CX Desktop App' }));
  const out: Uint8Array[] = [buildPe({ sections: [{ name: '.rsrc', rva: 0x2000, data: rsrc }], dirs: { 2: [0x2000, rsrc.length] } }).bytes];
  if (haveMingw()) {
    const { dir } = makeFixtures();
    for (const f of ['d3dcompiler_47-carrier.dll', '3CXDesktopApp-18.12.416.exe', 'ffmpeg-trojanized.dll']) {
      out.push(new Uint8Array(readFileSync(join(dir, f))));
    }
  }
  return out;
}

/** Only a PeInfo-shaped result or a ParseError is acceptable. */
async function check(bytes: Uint8Array): Promise<void> {
  const reader = new BufferReader(bytes);
  try {
    const info = await parsePe(reader);
    assert.equal(typeof info.machineName, 'string');
    assert.ok(Array.isArray(info.issues));
    for (const i of info.issues) assert.ok(i.offset === null || Number.isSafeInteger(i.offset));
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    assert.ok(e.offset === undefined || Number.isSafeInteger(e.offset));
  }
  await markersIn(reader);
}

const mutation = (len: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('byte' as const), at: fc.nat(len - 1), value: fc.nat(255) }),
    fc.record({ kind: fc.constant('u32le' as const), at: fc.nat(len - 1), value: fc.oneof(fc.nat(), fc.constantFrom(0, 0xffffffff, 0x80000000, 8, len)) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(len), value: fc.constant(0) }),
  );


test('parsePe on mutated PEs returns a PeInfo or throws ParseError, within the time box', async () => {
  const all = seeds();
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(
      fc.nat(all.length - 1).chain((i) => fc.tuple(fc.constant(i), fc.array(mutation(all[i]!.length), { minLength: 1, maxLength: 8 }))),
      async ([i, ms]) => check(mutate(all[i]!, ms)),
    ),
    { seed: 0x3cc, numRuns: 1500, interruptAfterTimeLimit: BUDGET_MS, timeout: 2_000, markInterruptAsFailure: false },
  );
  assert.ok(Date.now() - started < BUDGET_MS + 4_000);
});

test('parsePe on random bytes (with and without an MZ/PE prefix) returns or throws ParseError', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), async (raw, prefix) => {
      const b = Uint8Array.from(raw);
      if (prefix && b.length >= 0x80) {
        b.set([0x4d, 0x5a]);
        new DataView(b.buffer).setUint32(0x3c, 0x40, true);
        b.set([0x50, 0x45, 0, 0], 0x40);
      }
      await check(b);
    }),
    { seed: 0x416, numRuns: 1000, interruptAfterTimeLimit: 1_500, markInterruptAsFailure: false },
  );
});

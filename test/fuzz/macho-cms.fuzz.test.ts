/**
 * The code-signature CMS path on a Developer-ID-signed stand-in (make-signed-mac.py): mutations
 * aimed at the CMS blob, and random DER behind a ContentInfo header, give a result or ParseError.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseMacho } from '../../electron/formats/macho/index.js';
import { describeCms } from '../../electron/formats/macho/cms-signature.js';
import { readTimestampToken } from '../../electron/formats/macho/timestamp.js';
import { ParseError } from '../../electron/common/issues.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { mutate } from '../helpers/mutate.js';
import { EXE } from '../unit/formats/macho/mac-fixture.js';
import { makeSignedMac, SIGNED_SKIP } from '../unit/formats/macho/signed-fixture.js';

const fx = SIGNED_SKIP ? null : makeSignedMac([]);
after(() => fx && rmSync(fx.root, { recursive: true, force: true }));

test('parseMacho with a mutated CMS blob: signature problems are reported, never thrown raw', { skip: SIGNED_SKIP }, async () => {
  const exe = new Uint8Array(readFileSync(join(fx!.root, EXE)));
  const cms = (await parseMacho(new BufferReader(exe))).slices[0]!.codeSignature!.cms!;
  const at = fc.integer({ min: cms.offset, max: cms.offset + cms.length - 1 });
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('byte' as const), at, value: fc.nat(255) }),
    fc.record({ kind: fc.constant('u32be' as const), at, value: fc.oneof(fc.nat(), fc.constantFrom(0, 0x80, 0x81, 0x82, 0xffffffff)) }),
    fc.record({ kind: fc.constant('zero' as const), at, value: fc.nat(64) }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 5 }), async (ms) => {
      try {
        const s = (await parseMacho(new BufferReader(mutate(exe, ms)))).slices[0]!.codeSignature!;
        const c = s.cms;
        if (c?.signingTime) assert.ok(!Number.isNaN(Date.parse(c.signingTime)));
        if (c?.timestamp?.time) assert.ok(!Number.isNaN(Date.parse(c.timestamp.time)));
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
      }
    }),
    { seed: 0xc35, numRuns: 3_000, interruptAfterTimeLimit: 5_000, markInterruptAsFailure: false },
  );
});

test('describeCms and readTimestampToken on random bytes: ParseError or a problem, nothing else', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.constantFrom([], [0x30, 0x82, 0x02, 0x00], [0x30, 0x80], [0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]), (rnd, head) => {
      const b = Uint8Array.from([...head, ...rnd]);
      try {
        describeCms(b, 0);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
      }
      const t = readTimestampToken(b, 0, new Uint8Array(256));
      assert.ok(t.time === null || !Number.isNaN(Date.parse(t.time)));
    }),
    { seed: 0xde5, numRuns: 5_000, interruptAfterTimeLimit: 2_000, markInterruptAsFailure: false },
  );
});

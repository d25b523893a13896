/** fseventsd reader on mutated inflated streams, mutated gzip files and random bytes: records or ParseError. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { parseDlsStream, readFsevents } from '../../electron/formats/fsevents/index.js';
import { ParseError } from '../../electron/common/issues.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { mutate } from '../helpers/mutate.js';

/** A v1, a v2 and a v3 page, built from the SPEC layout. */
function seed(): Uint8Array {
  const pages: Buffer[] = [];
  for (const v of [1, 2, 3] as const) {
    const recs = ['Users/a/Library/Application Support/3CX Desktop App/UpdateAgent', 'Applications/3CX Desktop App.app', 'x'].map((p, i) => {
      const tail = Buffer.alloc(v === 1 ? 12 : v === 2 ? 20 : 24);
      tail.writeBigUInt64LE(BigInt(v * 100 + i), 0);
      tail.writeUInt32LE(0x800001, 8);
      return Buffer.concat([Buffer.from(p), Buffer.from([0]), tail]);
    });
    const body = Buffer.concat(recs);
    const head = Buffer.alloc(12);
    head.write(`${v}SLD`, 0, 'latin1');
    head.writeUInt32LE(body.length + 12, 8);
    pages.push(head, body);
  }
  return new Uint8Array(Buffer.concat(pages));
}
const inflated = seed();
const gz = new Uint8Array(gzipSync(inflated));

function checkRecord(r: { path: string; flags: number; offset: number }, len: number): void {
  assert.equal(typeof r.path, 'string');
  assert.ok(r.flags >= 0 && r.flags <= 0xffffffff);
  assert.ok(r.offset >= 12 && r.offset < len);
}

async function readAll(bytes: Uint8Array): Promise<void> {
  try {
    for await (const r of readFsevents(new BufferReader(bytes), { maxDecompressedBytes: 1 << 20 })) checkRecord(r, 1 << 20);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
  }
}

const mutation = (len: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('byte' as const), at: fc.nat(len - 1), value: fc.nat(255) }),
    fc.record({ kind: fc.constant('u32le' as const), at: fc.nat(len - 1), value: fc.oneof(fc.nat(), fc.constantFrom(0, 11, 12, 13, 0xffffffff, len)) }),
    fc.record({ kind: fc.constant('zero' as const), at: fc.nat(len - 1), value: fc.nat(16) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(len), value: fc.constant(0) }),
  );

test('parseDlsStream on mutated inflated pages: records or ParseError', () => {
  fc.assert(
    fc.property(fc.array(mutation(inflated.length), { minLength: 1, maxLength: 6 }), (ms) => {
      const b = mutate(inflated, ms);
      try {
        for (const r of parseDlsStream(b)) checkRecord(r, b.length);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
      }
    }),
    { seed: 0xf5e, numRuns: 20_000, interruptAfterTimeLimit: 3_000, markInterruptAsFailure: false },
  );
});

test('readFsevents on mutated gzip files, re-gzipped mutations and random bytes: records or ParseError', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.array(mutation(gz.length), { minLength: 1, maxLength: 4 }).map((ms) => mutate(gz, ms)),
        fc.array(mutation(inflated.length), { minLength: 1, maxLength: 4 }).map((ms) => new Uint8Array(gzipSync(mutate(inflated, ms)))),
        fc.uint8Array({ maxLength: 512 }).map((r) => Uint8Array.from([0x1f, 0x8b, ...r])),
        fc.uint8Array({ maxLength: 2048 }).map((r) => new Uint8Array(gzipSync(Buffer.concat([Buffer.from('2SLD'), r])))),
      ),
      readAll,
    ),
    { seed: 0x5ed, numRuns: 3_000, interruptAfterTimeLimit: 5_000, markInterruptAsFailure: false },
  );
});

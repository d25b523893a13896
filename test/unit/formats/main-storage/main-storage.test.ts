import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMainStorage } from '../../../../electron/formats/main-storage/index.js';
import { ParseError } from '../../../../electron/common/issues.js';

/** Build the 56 plain bytes the dylib writes, then XOR every byte with 0x7A (dossier §2.2). */
function encode(uuid: string, seconds: bigint, padding = 0): Uint8Array {
  const plain = Buffer.alloc(56);
  plain.write(uuid, 0, 'latin1');
  plain.fill(padding, 0x24, 0x30);
  plain.writeBigUInt64LE(seconds, 0x30);
  return new Uint8Array(plain.map((b) => b ^ 0x7a));
}

test("decodes the dossier's worked example (Objective-See re-run, 2023-06-22 16:27:43 UTC)", () => {
  const secs = BigInt(Date.UTC(2023, 5, 22, 16, 27, 43) / 1000);
  const bytes = encode('fcd5e94a-aa69-393f-53e4-5e1057a616f1', secs);
  // First byte of the file is 'f' ^ 0x7a; padding bytes read back as 0x7a on disk.
  assert.equal(bytes[0], 0x66 ^ 0x7a);
  assert.equal(bytes[0x24], 0x7a);
  const r = decodeMainStorage(bytes);
  assert.deepEqual(r, {
    uuid: 'fcd5e94a-aa69-393f-53e4-5e1057a616f1',
    time: '2023-06-22T16:27:43.000Z',
    unixSeconds: 1687451263,
    wellFormed: true,
    notes: [],
  });
});

test('anything but 56 bytes is a ParseError', () => {
  for (const n of [0, 55, 57, 4096]) {
    assert.throws(() => decodeMainStorage(new Uint8Array(n)), (e: unknown) => e instanceof ParseError && e.code === 'decode');
  }
});

test('a non-UUID, dirty padding or an implausible time decode but are not well formed', () => {
  const secs = 1687451263n;
  const notUuid = decodeMainStorage(encode('zzzzzzzz-aa69-393f-53e4-5e1057a616f1', secs));
  assert.equal(notUuid.wellFormed, false);
  assert.match(notUuid.notes.join(';'), /not a hex-and-dashes UUID/);
  const pad = decodeMainStorage(encode('fcd5e94a-aa69-393f-53e4-5e1057a616f1', secs, 1));
  assert.equal(pad.wellFormed, false);
  assert.match(pad.notes.join(';'), /padding/);
  const early = decodeMainStorage(encode('fcd5e94a-aa69-393f-53e4-5e1057a616f1', 1_000_000_000n));
  assert.equal(early.time, '2001-09-09T01:46:40.000Z');
  assert.equal(early.wellFormed, false);
  const huge = decodeMainStorage(encode('fcd5e94a-aa69-393f-53e4-5e1057a616f1', 2n ** 64n - 1n));
  assert.equal(huge.wellFormed, false);
  assert.equal(huge.time, '');
  // A file of zero bytes on disk XORs to 0x7a everywhere: decodes, flagged.
  assert.equal(decodeMainStorage(new Uint8Array(56)).wellFormed, false);
});

test('time bounds: 2022-01-01 is in, 2031-01-01 is out', () => {
  const u = 'fcd5e94a-aa69-393f-53e4-5e1057a616f1';
  assert.equal(decodeMainStorage(encode(u, BigInt(Date.UTC(2022, 0, 1) / 1000))).wellFormed, true);
  assert.equal(decodeMainStorage(encode(u, BigInt(Date.UTC(2030, 11, 31, 23, 59, 59) / 1000))).wellFormed, true);
  assert.equal(decodeMainStorage(encode(u, BigInt(Date.UTC(2031, 0, 1) / 1000))).wellFormed, false);
});

/**
 * WinZip AES members and Velociraptor .idx maps under mutation: an AES member's extra field, salt,
 * verifier, sizes and data are flipped at random (the AE-2 member is built here with node:crypto,
 * following the WinZip note), and random JSON is thrown at the sparse-map parser. Only results or
 * ParseError are acceptable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { ParseError } from '../../electron/common/issues.js';
import { parseSparseIndex, SparseReader } from '../../electron/evidence/loaders/vr-sparse.js';
import { ZipArchive } from '../../electron/formats/zip/index.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';

const BUDGET_MS = 4_000;
const PASSWORD = 'fuzz';

/** A one-member AE-2 AES-128 stored ZIP. */
function aesZip(plain: Buffer): Buffer {
  const salt = randomBytes(8);
  const dk = pbkdf2Sync(PASSWORD, salt, 1000, 34, 'sha1');
  const ecb = createCipheriv('aes-128-ecb', dk.subarray(0, 16), null);
  ecb.setAutoPadding(false);
  const blocks = Math.ceil(plain.length / 16);
  const ctr = Buffer.alloc(blocks * 16);
  for (let b = 0; b < blocks; b++) ctr.writeUInt32LE(b + 1, b * 16);
  const ks = ecb.update(ctr);
  const cipher = Buffer.from(plain.map((x, i) => x ^ ks[i]!));
  const mac = createHmac('sha1', dk.subarray(16, 32)).update(cipher).digest().subarray(0, 10);
  const data = Buffer.concat([salt, dk.subarray(32, 34), cipher, mac]);
  const name = Buffer.from('data.zip');
  const extra = Buffer.from([0x01, 0x99, 7, 0, 2, 0, 0x41, 0x45, 1, 0, 0]);
  const u16 = (v: number): Buffer => Buffer.from([v & 0xff, v >> 8]);
  const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };
  const local = Buffer.concat([u32(0x04034b50), u16(20), u16(1), u16(99), u16(0), u16(0x5674), u32(0), u32(data.length), u32(plain.length), u16(name.length), u16(extra.length), name, extra]);
  const cd = Buffer.concat([u32(0x02014b50), u16(20), u16(20), u16(1), u16(99), u16(0), u16(0x5674), u32(0), u32(data.length), u32(plain.length), u16(name.length), u16(extra.length), u16(0), u16(0), u16(0), u32(0), u32(0), name, extra]);
  return Buffer.concat([local, data, cd, u32(0x06054b50), u16(0), u16(0), u16(1), u16(1), u32(cd.length), u32(local.length + data.length), u16(0)]);
}

const seed = aesZip(Buffer.from('PK\u0003\u0004 inner collection '.repeat(20)));

test('the seed decrypts (so the mutations below start from a valid AES member)', async () => {
  const z = await ZipArchive.open(new BufferReader(seed), { password: PASSWORD });
  const r = await z.openMember(z.entries[0]!);
  assert.match(new TextDecoder().decode(await r.read(0, r.size)), /inner collection/);
  assert.deepEqual(z.issues, []);
});

test('mutated AES members: entries and bytes, or ParseError', async () => {
  const deadline = Date.now() + BUDGET_MS;
  await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.constantFrom(PASSWORD, 'other'), async (flips, pw) => {
    if (Date.now() > deadline) return;
    const b = Buffer.from(seed);
    for (const [at, v] of flips) b[at] = v;
    try {
      const z = await ZipArchive.open(new BufferReader(b), { password: pw, memoryMaxBytes: 1 << 20, inflateMaxBytes: 1 << 20 });
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
  }), { numRuns: 3000 });
});

test('random .idx maps: a map whose every run reads back, or ParseError', async () => {
  const deadline = Date.now() + BUDGET_MS;
  const num = fc.oneof(fc.nat(5000), fc.integer({ min: -5, max: -1 }), fc.constant(2 ** 60), fc.nat(99).map(String), fc.constant('x'));
  const range = fc.record({ file_offset: num, original_offset: num, file_length: num, length: num }, { requiredKeys: [] });
  await fc.assert(fc.asyncProperty(fc.oneof(fc.array(range, { maxLength: 8 }).map((ranges) => JSON.stringify({ ranges })), fc.string()), fc.nat(6000), async (text, stored) => {
    if (Date.now() > deadline) return;
    try {
      const m = parseSparseIndex(text, stored, 'f.idx');
      const r = new SparseReader(new BufferReader(new Uint8Array(stored)), m);
      assert.equal((await r.read(0, Math.min(r.size, 1 << 16))).length, Math.min(r.size, 1 << 16));
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
    }
  }), { numRuns: 3000 });
});

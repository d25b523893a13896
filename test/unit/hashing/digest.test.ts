import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { hashReader, AMCACHE_PREFIX_BYTES } from '../../../electron/hashing/index.js';
import type { SyncIntoReader } from '../../../electron/hashing/digest.js';
import { BufferReader } from '../../../electron/io/buffer-reader.js';
import { clampRange, type Reader } from '../../../electron/io/reader.js';

const MiB = 1024 * 1024;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Same bytes through the sync fill-a-buffer path that the worker's folder reader uses. */
class SyncBufferReader implements SyncIntoReader {
  readonly size: number;
  constructor(private readonly bytes: Uint8Array) {
    this.size = bytes.length;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    return this.bytes.slice(r.start, r.start + r.length);
  }
  readIntoSync(target: Uint8Array, offset: number): number {
    const r = clampRange(this.size, offset, target.length);
    target.set(this.bytes.subarray(r.start, r.start + r.length));
    return r.length;
  }
  async close(): Promise<void> {}
}

function patterned(n: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = 0x12345678;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

const node = (alg: string, b: Uint8Array): string => createHash(alg).update(b).digest('hex');

test('known vectors: empty input and "abc" (RFC 1321, FIPS 180-2)', async () => {
  const empty = await hashReader(new BufferReader(new Uint8Array(0)), ['md5', 'sha1', 'sha256']);
  assert.deepEqual(empty, {
    size: 0,
    md5: 'd41d8cd98f00b204e9800998ecf8427e',
    sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  });
  const abc = await hashReader(new BufferReader(enc('abc')), ['sha256', 'md5', 'sha1']);
  assert.equal(abc.md5, '900150983cd24fb0d6963f7d28e17f72');
  assert.equal(abc.sha1, 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.equal(abc.sha256, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(abc.size, 3);
});

test('only the requested digests are present; duplicates are harmless; unknown algorithms are refused', async () => {
  const r = await hashReader(new BufferReader(enc('abc')), ['sha1', 'sha1']);
  assert.deepEqual(Object.keys(r).sort(), ['sha1', 'size']);
  await assert.rejects(hashReader(new BufferReader(enc('abc')), ['sha512' as 'sha1']), TypeError);
});

test('window edges: 1 MiB - 1, 1 MiB, 1 MiB + 1, 3 MiB + 7 agree with a one-shot digest, on both read paths', async () => {
  for (const n of [MiB - 1, MiB, MiB + 1, 3 * MiB + 7]) {
    const b = patterned(n);
    for (const reader of [new BufferReader(b), new SyncBufferReader(b)]) {
      let seen = 0;
      const r = await hashReader(reader, ['md5', 'sha256'], { onBytes: (k) => (seen += k) });
      assert.equal(r.sha256, node('sha256', b), `sha256 of ${n} bytes`);
      assert.equal(r.md5, node('md5', b));
      assert.equal(r.size, n);
      assert.equal(seen, n, 'onBytes accounts for every byte once');
    }
  }
});

test('Amcache prefix SHA-1 covers exactly the first 31,457,280 bytes, with or without whole-file SHA-1', async () => {
  const b = patterned(AMCACHE_PREFIX_BYTES + 1);
  const prefix = node('sha1', b.subarray(0, AMCACHE_PREFIX_BYTES));
  const withSha1 = await hashReader(new SyncBufferReader(b), ['sha1'], { prefixSha1: true });
  assert.equal(withSha1.prefix30MiBSha1, prefix);
  assert.equal(withSha1.sha1, node('sha1', b));
  assert.notEqual(withSha1.sha1, prefix);
  const without = await hashReader(new BufferReader(b), ['sha256'], { prefixSha1: true });
  assert.equal(without.prefix30MiBSha1, prefix);
  assert.equal(without.sha1, undefined);
  // Exactly 30 MiB and smaller files: the prefix digest is the whole-file SHA-1.
  const exact = b.subarray(0, AMCACHE_PREFIX_BYTES);
  assert.equal((await hashReader(new BufferReader(exact), ['md5'], { prefixSha1: true })).prefix30MiBSha1, prefix);
  const small = await hashReader(new BufferReader(enc('abc')), [], { prefixSha1: true });
  assert.equal(small.prefix30MiBSha1, 'a9993e364706816aba3e25717850c26c9cd0d89d');
});

test('a reader that fails or delivers less than its size gives an error result, not a rejection', async () => {
  const failing: Reader = {
    size: 3 * MiB,
    read: async (off) => {
      if (off >= MiB) throw Object.assign(new Error('Input/output error'), { code: 'EIO' });
      return new Uint8Array(MiB);
    },
    close: async () => {},
  };
  const r = await hashReader(failing, ['sha256']);
  assert.equal(r.sha256, undefined);
  assert.match(r.error ?? '', /read failed at offset 1048576: EIO/);

  const shrunk: Reader = { size: 10, read: async (off, len) => new Uint8Array(Math.max(0, Math.min(len, 4 - off))), close: async () => {} };
  const s = await hashReader(shrunk, ['md5']);
  assert.equal(s.md5, undefined);
  assert.match(s.error ?? '', /changed while hashing: 10 bytes when opened, 4 readable/);
});

test('an abort rejects with the AbortError and stops reading', async () => {
  const ac = new AbortController();
  let reads = 0;
  const endless: Reader = {
    size: 1024 * MiB,
    read: async (_o, len) => {
      if (++reads === 3) ac.abort();
      return new Uint8Array(len);
    },
    close: async () => {},
  };
  await assert.rejects(hashReader(endless, ['sha256'], { signal: ac.signal }), { name: 'AbortError' });
  assert.ok(reads <= 4, `stopped after ${reads} reads`);
});

test('property: any bytes through either read path equal node:crypto one-shot digests', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), async (bytes, sync) => {
      const reader = sync ? new SyncBufferReader(bytes) : new BufferReader(bytes);
      const r = await hashReader(reader, ['md5', 'sha1', 'sha256'], { prefixSha1: true });
      return r.md5 === node('md5', bytes) && r.sha1 === node('sha1', bytes) && r.sha256 === node('sha256', bytes) && r.prefix30MiBSha1 === r.sha1;
    }),
    { numRuns: 300 },
  );
});

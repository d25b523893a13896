/** Fuzzing UDIF: mutated koly trailer, mish tables, XML plist and chunk bytes; only results or ParseError. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { ParseError } from '../../electron/common/issues.js';
import { bunzip2, openUdif, adcDecompress, parseResourceFork } from '../../electron/formats/udif/index.js';
import { parseApm } from '../../electron/formats/apm/index.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';

const BUDGET_MS = Number(process.env['FUZZ_MS'] ?? 8_000);

/** A small UDIF: one zlib chunk, one raw chunk, one ignore chunk, terminator; XML plist; koly. */
function seedDmg(): Uint8Array {
  const disk = Buffer.alloc(3 * 4096);
  disk.write('HFS+ stand-in '.repeat(200), 0);
  disk.write('raw chunk', 4096);
  const z = deflateSync(disk.subarray(0, 4096));
  const raw = disk.subarray(4096, 8192);
  const data = Buffer.concat([z, raw]);
  const chunk = (t: number, s: number, n: number, o: number, l: number) => {
    const b = Buffer.alloc(40);
    b.writeUInt32BE(t, 0);
    b.writeBigUInt64BE(BigInt(s), 8);
    b.writeBigUInt64BE(BigInt(n), 16);
    b.writeBigUInt64BE(BigInt(o), 24);
    b.writeBigUInt64BE(BigInt(l), 32);
    return b;
  };
  const head = Buffer.alloc(0xcc);
  head.write('mish', 0);
  head.writeUInt32BE(1, 4);
  head.writeBigUInt64BE(24n, 16);
  head.writeUInt32BE(4, 0xc8);
  const mish = Buffer.concat([head, chunk(0x80000005, 0, 8, 0, z.length), chunk(1, 8, 8, z.length, 4096), chunk(2, 16, 8, 0, 0), chunk(0xffffffff, 24, 0, 0, 0)]);
  const xml = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>resource-fork</key><dict><key>blkx</key><array><dict><key>Name</key><string>whole disk</string><key>ID</key><string>0</string><key>Data</key><data>${mish.toString('base64')}</data></dict></array></dict></dict></plist>`);
  const koly = Buffer.alloc(512);
  koly.write('koly', 0);
  koly.writeUInt32BE(4, 4);
  koly.writeUInt32BE(512, 8);
  koly.writeBigUInt64BE(BigInt(data.length), 0x20);
  koly.writeBigUInt64BE(BigInt(data.length), 0xd8);
  koly.writeBigUInt64BE(BigInt(xml.length), 0xe0);
  koly.writeBigUInt64BE(24n, 0x1ec);
  return new Uint8Array(Buffer.concat([data, xml, koly]));
}

async function check(b: Uint8Array): Promise<void> {
  try {
    const img = await openUdif(new BufferReader(b), { cacheBytes: 1 << 20 });
    assert.ok(Number.isSafeInteger(img.reader.size));
    const n = Math.min(img.reader.size, 1 << 16);
    const got = await img.reader.read(0, n);
    assert.equal(got.length, n);
    for (const p of img.partitions) await p.reader.read(0, Math.min(p.size, 4096));
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
  }
}

test('the seed opens and reads back', async () => {
  const img = await openUdif(new BufferReader(seedDmg()));
  assert.equal(new TextDecoder().decode((await img.reader.read(4096, 9))), 'raw chunk');
  assert.equal(new TextDecoder().decode((await img.reader.read(0, 14))), 'HFS+ stand-in ');
});

test('mutated DMGs (koly, mish inside base64 plist, chunk bytes) give results or ParseError', async () => {
  const seed = seedDmg();
  const start = Date.now();
  const n = seed.length;
  const at = fc.oneof(fc.integer({ min: n - 512, max: n - 1 }), fc.integer({ min: 0, max: n - 513 }));
  await fc.assert(fc.asyncProperty(fc.array(fc.record({ at, value: fc.nat(255) }), { minLength: 1, maxLength: 8 }), fc.boolean(), async (ms, cut) => {
    if (Date.now() - start > BUDGET_MS) return true;
    let b = seed.slice();
    for (const m of ms) b[m.at] = m.value;
    if (cut) b = b.subarray(ms[0]!.at);
    await check(b);
    return true;
  }), { numRuns: 4000 });
});

test('decoders (bzip2, ADC, resource fork, APM) on random bytes give results or ParseError', async () => {
  const start = Date.now();
  await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), async (b, bz) => {
    if (Date.now() - start > 2000) return true;
    if (bz && b.length > 4) b.set([0x42, 0x5a, 0x68, 0x39]);
    for (const f of [() => bunzip2(b, 1 << 16), () => adcDecompress(b, 1 << 16), () => parseResourceFork(b)]) {
      try { f(); } catch (e) { if (!(e instanceof ParseError)) throw e; }
    }
    try { await parseApm(new BufferReader(b)); } catch (e) { if (!(e instanceof ParseError)) throw e; }
    return true;
  }), { numRuns: 3000 });
});

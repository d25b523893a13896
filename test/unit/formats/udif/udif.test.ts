/** UDIF: images written by test/fixtures/hfs/make-udif.py (zlib, bzip2, raw, ignore chunks) and hand-made damage. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParseError } from '../../../../electron/common/issues.js';
import { openDmg } from '../../../../electron/evidence/containers/dmg.js';
import { adcDecompress, bunzip2, openUdif, parseResourceFork } from '../../../../electron/formats/udif/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { findUp, haveTool } from '../hfsplus/tsk.js';

const HAVE_PY = haveTool('python3');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A 5 MiB disk: text, random bytes, a zero run (→ ignore chunks) and a tail. */
function disk(): Uint8Array {
  const d = new Uint8Array(5 * 1024 * 1024 + 512 * 3);
  d.set(new TextEncoder().encode('3CX Desktop App '.repeat(40000)), 0);
  d.set(randomBytes(300000), 1 << 20);
  d.fill(0x41, 4 << 20, (4 << 20) + 1000);
  return d;
}

test('make-udif.py images decompress to the input bytes (zlib, bzip2, raw) with partitions', { skip: !HAVE_PY ? 'needs python3' : false }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'udif-'));
  try {
    const d = disk();
    writeFileSync(join(dir, 'disk.img'), d);
    for (const m of ['zlib', 'bzip2', 'raw']) {
      const out = join(dir, `${m}.dmg`);
      execFileSync('python3', [findUp('test/fixtures/hfs/make-udif.py'), join(dir, 'disk.img'), out, '--method', m, '--part', '0:1:MBR', '--part', '1:10240:Apple_HFS : 1', '--part', '10241:2:tail']);
      const dmg = await openDmg(out, { verify: true });
      assert.equal(dmg.reader.size, d.length, m);
      assert.equal(sha(await dmg.reader.read(0, d.length)), sha(d), m);
      assert.deepEqual(dmg.partitions.map((p) => [p.name, p.offset, p.size]), [['MBR', 0, 512], ['Apple_HFS : 1', 512, 10240 * 512], ['tail', 10241 * 512, 1024]]);
      assert.equal(sha(await dmg.partitions[1]!.reader.read(0, 10240 * 512)), sha(d.subarray(512, 512 + 10240 * 512)));
      assert.equal(dmg.verification?.ok, true);
      assert.deepEqual(dmg.issues, []);
      // Reads across chunk boundaries and inside ignore chunks.
      const at = (1 << 20) - 100;
      assert.deepEqual(await dmg.reader.read(at, 5000), d.subarray(at, at + 5000));
      assert.deepEqual(await dmg.reader.read(3 << 20, 64), new Uint8Array(64));
      await dmg.close();
    }
    // A chunk whose bytes are damaged reads as zeros and becomes one located issue; the rest reads.
    const bad = new Uint8Array(readFileSync(join(dir, 'zlib.dmg')));
    bad.fill(0x55, 100, 400);
    const img = await openUdif(new BufferReader(bad));
    const all = await img.reader.read(0, img.reader.size);
    assert.equal(img.issues.length, 1);
    assert.match(img.issues[0]!.message, /zlib chunk at \d+ does not inflate/);
    assert.deepEqual(all.subarray(4 << 20, (4 << 20) + 1000), d.subarray(4 << 20, (4 << 20) + 1000));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bzip2 decoder matches Python bz2 for several block sizes, and refuses damage', { skip: !HAVE_PY ? 'needs python3' : false }, () => {
  const data = new Uint8Array(Buffer.concat([Buffer.from('abcabcabc'.repeat(30000)), randomBytes(150000), Buffer.alloc(70000, 7), Buffer.from([1, 1, 1, 1, 1, 2])]));
  for (const level of ['1', '9']) {
    const z = new Uint8Array(execFileSync('python3', ['-c', `import bz2,sys; sys.stdout.buffer.write(bz2.compress(sys.stdin.buffer.read(), ${level}))`], { input: data, maxBuffer: 1 << 24 }));
    assert.equal(sha(bunzip2(z, data.length)), sha(data), `level ${level}`);
    assert.throws(() => bunzip2(z, data.length - 1), (e: unknown) => e instanceof ParseError && e.code === 'limit-exceeded');
    const flipped = z.slice();
    flipped[z.length >> 1]! ^= 0x10;
    assert.throws(() => bunzip2(flipped, data.length), ParseError);
    assert.throws(() => bunzip2(z.subarray(0, z.length - 20), data.length), ParseError);
  }
});

test('ADC: literals, short and long copies (overlapping), bad distances', () => {
  // "abc" literal, then copy 6 bytes from distance 3 (2-byte op: len (6-3)<<2, dist 2), then a 3-byte op copying 4 from distance 1.
  const enc = Uint8Array.from([0x82, 0x61, 0x62, 0x63, (3 << 2) | 0, 2, 0x40, 0x00, 0x00]);
  assert.equal(new TextDecoder().decode(adcDecompress(enc, 100)), 'abcabcabccccc');
  assert.equal(adcDecompress(enc, 5).length, 5);
  assert.throws(() => adcDecompress(Uint8Array.from([0x00, 0x05]), 10), (e: unknown) => e instanceof ParseError && e.code === 'decode');
  assert.throws(() => adcDecompress(Uint8Array.from([0x85, 0x61]), 10), (e: unknown) => e instanceof ParseError && e.code === 'truncated');
});

test('encrypted, missing and lying trailers are refused with located ParseErrors', async () => {
  const enc = new Uint8Array(4096);
  enc.set(new TextEncoder().encode('encrcdsa'), 0);
  await assert.rejects(openUdif(new BufferReader(enc)), (e: unknown) => e instanceof ParseError && e.code === 'encrypted' && /password/.test(e.message));
  const v1 = new Uint8Array(4096);
  v1.set(new TextEncoder().encode('cdsaencr'), 4096 - 8);
  await assert.rejects(openUdif(new BufferReader(v1)), (e: unknown) => e instanceof ParseError && e.code === 'encrypted');
  await assert.rejects(openUdif(new BufferReader(new Uint8Array(4096))), (e: unknown) => e instanceof ParseError && e.code === 'bad-signature');
  const koly = new Uint8Array(1024);
  const dv = new DataView(koly.buffer, 512);
  koly.set(new TextEncoder().encode('koly'), 512);
  dv.setUint32(4, 4);
  dv.setUint32(8, 512);
  dv.setBigUint64(0xd8, 100n);
  dv.setBigUint64(0xe0, 5000n); // XML plist past the end of the file
  await assert.rejects(openUdif(new BufferReader(koly)), (e: unknown) => e instanceof ParseError && e.code === 'out-of-bounds' && e.what === 'XML plist');
});

test('classic resource fork: types, ids, names and data', () => {
  const data = Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('abc')]);
  const map = Buffer.alloc(28 + 2 + 8 + 12 + 6);
  map.writeUInt16BE(28, 24);
  map.writeUInt16BE(28 + 2 + 8 + 12, 26);
  map.writeUInt16BE(0, 28); // one type
  map.write('blkx', 30, 'latin1');
  map.writeUInt16BE(0, 34); // one resource
  map.writeUInt16BE(10, 36);
  map.writeInt16BE(-1, 38);
  map.writeUInt16BE(0, 40); // name at name list + 0
  map[49] = 0;
  map[50] = 5;
  map.write('whole', 51, 'latin1');
  const head = Buffer.alloc(16);
  head.writeUInt32BE(16, 0);
  head.writeUInt32BE(16 + data.length, 4);
  head.writeUInt32BE(data.length, 8);
  head.writeUInt32BE(map.length, 12);
  const fork = parseResourceFork(new Uint8Array(Buffer.concat([head, data, map])));
  assert.deepEqual(fork.map((r) => [r.type, r.id, r.name, new TextDecoder().decode(r.data)]), [['blkx', -1, 'whole', 'abc']]);
  assert.throws(() => parseResourceFork(new Uint8Array(head)), ParseError);
});

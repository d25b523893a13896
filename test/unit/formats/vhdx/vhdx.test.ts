import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32c, openVhdx } from '../../../../electron/formats/vhdx/index.js';
import { openContainer } from '../../../../electron/evidence/containers/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { ParseError } from '../../../../electron/common/issues.js';
import type { Reader } from '../../../../electron/io/reader.js';
import { FIXTURE_SKIP, generatedContainers, rawSha256 } from '../ewf/fixtures.js';

async function sha256(r: Reader): Promise<string> {
  const h = createHash('sha256');
  for (let off = 0; off < r.size; off += 1 << 20) h.update(await r.read(off, 1 << 20));
  return h.digest('hex');
}

test('crc32c check value', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
});

test('generated VHDX: logical bytes equal the raw disk', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const c = await openContainer(join(dir, 'disk.vhdx'));
  try {
    assert.equal(c.kind, 'vhdx');
    assert.equal(c.info['block size'], 1024 * 1024);
    assert.equal(await sha256(c.reader), rawSha256(dir));
    assert.deepEqual(c.issues, []);
  } finally {
    await c.close();
  }
});

/** Rewrites both headers with a non-zero log GUID and a valid CRC-32C, as a dirty image has. */
function dirty(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  for (const at of [64 * 1024, 128 * 1024]) {
    const h = out.subarray(at, at + 4096);
    h.fill(0x5a, 48, 64);
    h.fill(0, 4, 8);
    new DataView(h.buffer, h.byteOffset).setUint32(4, crc32c(h), true);
  }
  return out;
}

test('a non-empty log is reported as an issue and not replayed; data reads as the BAT says', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const bytes = dirty(new Uint8Array(readFileSync(join(dir, 'disk.vhdx'))));
  const img = await openVhdx(new BufferReader(bytes), { file: 'disk.vhdx' });
  assert.equal(img.issues.length, 1);
  assert.match(img.issues[0]!.message, /log is not empty.*not replayed/);
  assert.equal(await sha256(img.reader), rawSha256(dir));
});

test('both headers damaged: checksum ParseError; one damaged: the other is used', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const bytes = new Uint8Array(readFileSync(join(dir, 'disk.vhdx')));
  const one = bytes.slice();
  one[64 * 1024 + 100] = one[64 * 1024 + 100]! ^ 1;
  const img = await openVhdx(new BufferReader(one));
  assert.ok(img.issues.some((i) => i.offset === 64 * 1024 && /checksum/.test(i.message)));
  const both = one.slice();
  both[128 * 1024 + 100] = both[128 * 1024 + 100]! ^ 1;
  await assert.rejects(openVhdx(new BufferReader(both)), (e: unknown) => e instanceof ParseError && e.code === 'checksum');
});

test('a BAT entry pointing outside the file reads as zeros plus an issue', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const bytes = new Uint8Array(readFileSync(join(dir, 'disk.vhdx')));
  const img0 = await openVhdx(new BufferReader(bytes));
  assert.equal(img0.issues.length, 0);
  // Find the BAT region from the region table (entry 0 or 1) and corrupt block 0's file offset.
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < 2; i++) {
    const e = 192 * 1024 + 16 + i * 32;
    if (bytes[e] === 0x66 && bytes[e + 1] === 0x77) {
      const bat = Number(dv.getBigUint64(e + 16, true));
      dv.setBigUint64(bat, (0xfffffn << 20n) | 6n, true);
    }
  }
  const img = await openVhdx(new BufferReader(bytes));
  assert.ok((await img.reader.read(0, 512)).every((x) => x === 0));
  assert.ok(img.issues.some((i) => /block 0/.test(i.message)), JSON.stringify(img.issues));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openVhd, sniffVhd } from '../../../../electron/formats/vhd/index.js';
import { vhdChecksum } from '../../../../electron/formats/vhd/headers.js';
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

for (const name of ['fixed.vhd', 'dynamic.vhd']) {
  test(`generated ${name}: logical bytes equal the raw disk`, { skip: FIXTURE_SKIP }, async () => {
    const dir = generatedContainers();
    const c = await openContainer(join(dir, name));
    try {
      assert.equal(c.kind, 'vhd');
      assert.equal(c.info['disk type'], name.replace('.vhd', ''));
      assert.equal(await sha256(c.reader), rawSha256(dir));
      assert.deepEqual(c.issues, []);
    } finally {
      await c.close();
    }
  });
}

test('not a VHD: bad-signature ParseError', async () => {
  assert.equal(sniffVhd(new Uint8Array(512), new Uint8Array(512)), false);
  await assert.rejects(openVhd(new BufferReader(new Uint8Array(4096))), (e: unknown) => e instanceof ParseError && e.code === 'bad-signature');
});

test('dynamic VHD: a BAT entry past the end of file reads as zeros with an issue', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const bytes = new Uint8Array(readFileSync(join(dir, 'dynamic.vhd')));
  const dv = new DataView(bytes.buffer);
  const tableOffset = Number(dv.getBigUint64(512 + 16, false));
  dv.setUint32(tableOffset, 0x7fffffff, false); // block 0 → far outside
  const img = await openVhd(new BufferReader(bytes), { file: 'dynamic.vhd' });
  assert.ok((await img.reader.read(0, 4096)).every((x) => x === 0));
  assert.ok(img.issues.some((i) => i.offset === 0 && /BAT entry 0/.test(i.message)), JSON.stringify(img.issues));
  const raw = readFileSync(join(dir, 'disk.raw'));
  const blockSize = Number(img.info['block size']);
  assert.deepEqual(Buffer.from(await img.reader.read(blockSize, 4096)), raw.subarray(blockSize, blockSize + 4096));
});

test('footer checksum mismatch is an issue, not a refusal; the header copy at 0 is used when the end is gone', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const bytes = new Uint8Array(readFileSync(join(dir, 'dynamic.vhd')));
  const foot = bytes.length - 512;
  bytes[foot + 70] = bytes[foot + 70]! ^ 0xff; // unique id byte: checksum no longer matches
  const img = await openVhd(new BufferReader(bytes.slice()));
  assert.equal(img.reader.size, 32 * 1024 * 1024);
  assert.deepEqual(img.issues.map((i) => i.message), ['VHD footer at end of file missing or damaged; copy at offset 0 used']);
  // Wipe the footer at the end: the copy at 0 (valid checksum) is taken, with an issue.
  const cut = bytes.slice();
  cut.fill(0, foot);
  const img2 = await openVhd(new BufferReader(cut));
  assert.equal(img2.reader.size, 32 * 1024 * 1024);
  assert.ok(img2.issues.some((i) => /copy at offset 0/.test(i.message)));
  assert.equal(vhdChecksum(bytes.subarray(0, 512), 64, 512), new DataView(bytes.buffer).getUint32(64, false));
});

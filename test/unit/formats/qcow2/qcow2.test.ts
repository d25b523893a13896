import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQcow } from '../../../../electron/formats/qcow2/index.js';
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

for (const name of ['disk.qcow2', 'compressed.qcow2']) {
  test(`generated ${name}: logical bytes equal the raw disk`, { skip: FIXTURE_SKIP }, async () => {
    const dir = generatedContainers();
    const c = await openContainer(join(dir, name));
    try {
      assert.equal(c.kind, 'qcow2');
      assert.equal(c.info['format version'], 3);
      assert.equal(await sha256(c.reader), rawSha256(dir));
      assert.deepEqual(c.issues, []);
    } finally {
      await c.close();
    }
  });
}

test('encryption is refused with an encrypted ParseError', { skip: FIXTURE_SKIP }, async () => {
  const bytes = new Uint8Array(readFileSync(join(generatedContainers(), 'disk.qcow2')));
  new DataView(bytes.buffer).setUint32(32, 1, false); // crypt_method = AES
  await assert.rejects(openQcow(new BufferReader(bytes)), (e: unknown) => e instanceof ParseError && e.code === 'encrypted');
});

test('a backing file beside the overlay is followed; a missing one is an issue and reads as zeros', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const tmp = mkdtempSync(join(tmpdir(), 'qcow-backing-'));
  try {
    copyFileSync(join(dir, 'compressed.qcow2'), join(tmp, 'base.qcow2'));
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', join(tmp, 'child.qcow2')]);
    const c = await openContainer(join(tmp, 'child.qcow2'));
    assert.equal(c.info['backing file'], 'base.qcow2');
    assert.equal(await sha256(c.reader), rawSha256(dir));
    assert.deepEqual(c.issues, []);
    await c.close();
    rmSync(join(tmp, 'base.qcow2'));
    const orphan = await openContainer(join(tmp, 'child.qcow2'));
    assert.equal(orphan.issues.length, 1);
    assert.match(orphan.issues[0]!.message, /backing file 'base\.qcow2' not found/);
    assert.ok((await orphan.reader.read(0, 4096)).every((x) => x === 0));
    await orphan.close();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('an L1 entry pointing past the end: that region reads as zeros with an issue', { skip: FIXTURE_SKIP }, async () => {
  const bytes = new Uint8Array(readFileSync(join(generatedContainers(), 'disk.qcow2')));
  const dv = new DataView(bytes.buffer);
  const l1 = Number(dv.getBigUint64(40, false));
  dv.setBigUint64(l1, 0x00fffffffffffe00n, false);
  const img = await openQcow(new BufferReader(bytes), { file: 'disk.qcow2' });
  assert.ok((await img.reader.read(0, 4096)).every((x) => x === 0));
  assert.ok(img.issues.some((i) => i.offset === 0 && /L1 entry 0/.test(i.message)), JSON.stringify(img.issues));
});

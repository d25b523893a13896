import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDescriptor, sniffVmdk } from '../../../../electron/formats/vmdk/index.js';
import { openContainer } from '../../../../electron/evidence/containers/index.js';
import type { Reader } from '../../../../electron/io/reader.js';
import { FIXTURE_SKIP, generatedContainers, rawSha256 } from '../ewf/fixtures.js';

async function sha256(r: Reader): Promise<string> {
  const h = createHash('sha256');
  for (let off = 0; off < r.size; off += 1 << 20) h.update(await r.read(off, 1 << 20));
  return h.digest('hex');
}

test('descriptor: extents with access, size, type, file and offset; parent hints', () => {
  const d = parseDescriptor([
    '# Disk DescriptorFile', 'version=1', 'CID=12345678', 'parentCID=ffffffff', 'createType="twoGbMaxExtentSparse"',
    'RW 4192256 SPARSE "disk-s001.vmdk"', 'RW 2048 FLAT "disk-f002.vmdk" 128', 'RDONLY 100 ZERO', 'ddb.geometry.heads = "16"',
  ].join('\n'));
  assert.equal(d.createType, 'twoGbMaxExtentSparse');
  assert.equal(d.parentCid, 'ffffffff');
  assert.deepEqual(d.extents, [
    { access: 'RW', sectors: 4192256, type: 'SPARSE', file: 'disk-s001.vmdk', offset: 0 },
    { access: 'RW', sectors: 2048, type: 'FLAT', file: 'disk-f002.vmdk', offset: 128 },
    { access: 'RDONLY', sectors: 100, type: 'ZERO', file: null, offset: 0 },
  ]);
  assert.equal(sniffVmdk(new TextEncoder().encode('# Disk DescriptorFile\n')), 'descriptor');
  assert.equal(sniffVmdk(new TextEncoder().encode('COWD')), 'cowd');
});

for (const name of ['sparse.vmdk', 'stream.vmdk', 'flat.vmdk', 'split.vmdk']) {
  test(`generated ${name}: logical bytes equal the raw disk`, { skip: FIXTURE_SKIP }, async () => {
    const dir = generatedContainers();
    const c = await openContainer(join(dir, name));
    try {
      assert.equal(c.kind, 'vmdk');
      assert.equal(c.reader.size, 32 * 1024 * 1024);
      assert.equal(await sha256(c.reader), rawSha256(dir));
      assert.deepEqual(c.issues, []);
    } finally {
      await c.close();
    }
  });
}

test('a descriptor whose extent file is missing: zeros for it plus an issue naming the file', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const tmp = mkdtempSync(join(tmpdir(), 'vmdk-missing-'));
  try {
    copyFileSync(join(dir, 'flat.vmdk'), join(tmp, 'flat.vmdk'));
    const c = await openContainer(join(tmp, 'flat.vmdk'));
    assert.equal(c.reader.size, 32 * 1024 * 1024);
    assert.ok((await c.reader.read(0, 65536)).every((x) => x === 0));
    assert.equal(c.issues.length, 1);
    assert.match(c.issues[0]!.message, /extent file 'flat-flat\.vmdk' not found/);
    await c.close();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '../../../../electron/common/issues.js';
import { mbrTypeName, parseMbr } from '../../../../electron/formats/mbr/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { mbrDisk, putMbrEntries } from './build-disk.js';

test('primary and logical partitions with absolute sectors and mmls slots', async () => {
  const t = await parseMbr(new BufferReader(mbrDisk()));
  assert.deepEqual(t.partitions.map((p) => [p.slot, p.type, p.startSector, p.sectors, p.bootable]), [
    ['000:000', 0x07, 4, 100, true],
    ['001:000', 0x83, 202, 98, false],
    ['002:000', 0x07, 302, 198, false],
  ]);
  assert.deepEqual(t.extended, [{ startSector: 200, sectors: 800 }]);
  assert.deepEqual(t.issues, []);
  assert.equal(mbrTypeName(0x07), 'NTFS / exFAT (0x07)');
});

test('an EBR chain that loops back is cut with an issue', async () => {
  const disk = mbrDisk();
  putMbrEntries(disk, 300, [{ type: 0x07, lba: 2, sectors: 198 }, { type: 0x05, lba: 0, sectors: 200 }]); // next → 200 again
  const t = await parseMbr(new BufferReader(disk));
  assert.equal(t.partitions.length, 3);
  assert.match(t.issues[0]!.message, /loops back to sector 200/);
});

test('no 0x55AA, or a status byte that is not 0x00/0x80, is not an MBR', async () => {
  await assert.rejects(parseMbr(new BufferReader(new Uint8Array(512))), (e) => e instanceof ParseError && e.code === 'bad-signature');
  const d = mbrDisk();
  d[0x1be + 16] = 0x12;
  await assert.rejects(parseMbr(new BufferReader(d)), (e) => e instanceof ParseError && e.offset === 0x1ce);
});

test('entries past the end of the disk and a missing EBR are issues, not failures', async () => {
  const disk = new Uint8Array(4 * 512);
  putMbrEntries(disk, 0, [{ type: 0x83, lba: 1, sectors: 2047 }, { type: 0x0f, lba: 3, sectors: 10 }]);
  const t = await parseMbr(new BufferReader(disk));
  assert.deepEqual(t.partitions.map((p) => p.slot), ['000:000']);
  assert.deepEqual(t.issues.map((i) => i.message), [
    'MBR entry 0 ends at sector 2048, past the disk (4 sectors)',
    'MBR entry 1 ends at sector 13, past the disk (4 sectors)',
    'EBR at sector 3 has no 0x55AA signature',
  ]);
});

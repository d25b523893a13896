import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '../../../../electron/common/issues.js';
import { crc32, gptTypeName, parseGpt } from '../../../../electron/formats/gpt/index.js';
import { openVolumes } from '../../../../electron/evidence/volumes/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { BASIC_DATA, gptDisk, mbrDisk } from '../mbr/build-disk.js';

const PARTS = [{ first: 34, last: 99, name: 'Data' }, { first: 100, last: 199, name: 'Windows' }];

test('CRC-32 check value', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});

test('primary header and entries, names and GUIDs', async () => {
  const t = await parseGpt(new BufferReader(gptDisk(256, PARTS)));
  assert.equal(t.source, 'primary');
  assert.deepEqual(t.partitions.map((p) => [p.index, p.firstLba, p.lastLba, p.name, p.typeGuid]), [[0, 34, 99, 'Data', BASIC_DATA], [1, 100, 199, 'Windows', BASIC_DATA]]);
  assert.equal(t.partitions[1]!.uniqueGuid, '00000001-0000-4000-8000-000000000000');
  assert.equal(gptTypeName(BASIC_DATA), 'Basic data partition');
  assert.deepEqual(t.issues, []);
});

test('a damaged primary header falls back to the backup at the last LBA', async () => {
  const d = gptDisk(256, PARTS);
  d[512 + 40] = d[512 + 40]! ^ 0xff; // first usable LBA changes → header CRC fails
  const t = await parseGpt(new BufferReader(d));
  assert.equal(t.source, 'backup');
  assert.equal(t.partitions.length, 2);
  assert.match(t.issues[0]!.message, /primary GPT unusable: checksum: GPT header CRC32/);
});

test('a damaged primary entry array also falls back; both damaged throws the primary error', async () => {
  const d = gptDisk(256, PARTS);
  d[2 * 512 + 56] = d[2 * 512 + 56]! ^ 1; // a name byte: entry array CRC fails
  assert.equal((await parseGpt(new BufferReader(d))).source, 'backup');
  d[255 * 512] = 0; // backup signature gone too
  await assert.rejects(parseGpt(new BufferReader(d)), (e) => e instanceof ParseError && e.code === 'checksum' && e.offset === 1024);
});

test('openVolumes: GPT slices with offsets, MBR with logicals, a bare NTFS volume', async () => {
  const g = await openVolumes(new BufferReader(gptDisk(256, PARTS)));
  assert.equal(g.scheme, 'gpt');
  assert.deepEqual(g.volumes.map((v) => [v.index, v.slot, v.offset, v.size, v.name]), [[0, '000', 34 * 512, 66 * 512, 'Data'], [1, '001', 100 * 512, 100 * 512, 'Windows']]);
  const m = await openVolumes(new BufferReader(mbrDisk()));
  assert.equal(m.scheme, 'mbr');
  assert.deepEqual(m.volumes.map((v) => [v.index, v.slot, v.offset / 512, v.type]), [[0, '000:000', 4, '0x07'], [1, '001:000', 202, '0x83'], [2, '002:000', 302, '0x07']]);
  const boot = new Uint8Array(4096);
  boot.set([...'NTFS    '].map((c) => c.charCodeAt(0)), 3);
  boot[510] = 0x55; boot[511] = 0xaa;
  const b = await openVolumes(new BufferReader(boot));
  assert.deepEqual([b.scheme, b.volumes.length, b.volumes[0]!.scheme, b.issues.length], ['none', 1, 'volume', 0]);
});

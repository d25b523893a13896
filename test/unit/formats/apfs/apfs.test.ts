/** Checksums, name hashes and B-tree node parsing on hand-built bytes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '../../../../electron/common/issues.js';
import { checksumOk, drecNameHash, fletcher64, parseNode, APFS } from '../../../../electron/formats/apfs/index.js';

function seal(block: Uint8Array): Uint8Array {
  const { lo, hi } = fletcher64(block);
  const v = new DataView(block.buffer, block.byteOffset, block.byteLength);
  v.setUint32(0, lo, true);
  v.setUint32(4, hi, true);
  return block;
}

test('Fletcher-64: a sealed block verifies, any flipped bit does not, all-zero never does', () => {
  const b = new Uint8Array(4096);
  for (let i = 8; i < b.length; i++) b[i] = (i * 7) & 0xff;
  seal(b);
  assert.ok(checksumOk(b));
  for (const at of [0, 5, 8, 100, 4095]) {
    const c = Uint8Array.from(b);
    c[at]! ^= 0x01;
    assert.equal(checksumOk(c), false, `bit flip at ${at}`);
  }
  assert.equal(checksumOk(new Uint8Array(4096)), false);
});

test('directory name hashes equal those newfs_apfs stored (case-insensitive volume)', () => {
  // From the drec keys of dfvfs apfs.raw (name_len_and_hash >> 10).
  assert.equal(drecNameHash('passwords.txt', true), 0x1668a3);
  assert.equal(drecNameHash('a_link', true), 0x1c9b06);
  assert.equal(drecNameHash('a_directory', true), 0x1fe6f2);
  assert.equal(drecNameHash('.fseventsd', true), 0x272f85);
  assert.equal(drecNameHash('A_Directory', true), 0x1fe6f2); // folded before hashing
  assert.equal(drecNameHash('caf\u00e9', true), drecNameHash('cafe\u0301', true)); // NFD before hashing
});

/** A leaf root node of a variable-size tree holding `entries` (key, value) pairs. */
function leafRoot(entries: [Uint8Array, Uint8Array][], tocLen = 64): Uint8Array {
  const b = new Uint8Array(4096);
  const v = new DataView(b.buffer);
  v.setUint32(24, APFS.OBJECT_TYPE.BTREE | APFS.OBJ_PHYSICAL, true);
  v.setUint16(32, APFS.BTNODE_ROOT | APFS.BTNODE_LEAF, true);
  v.setUint32(36, entries.length, true);
  v.setUint16(40, 0, true);
  v.setUint16(42, tocLen, true);
  const keyStart = 56 + tocLen;
  const valEnd = 4096 - 40;
  let k = 0;
  let val = 0;
  entries.forEach(([key, value], i) => {
    b.set(key, keyStart + k);
    val += value.length;
    b.set(value, valEnd - val);
    v.setUint16(56 + i * 8, k, true);
    v.setUint16(58 + i * 8, key.length, true);
    v.setUint16(60 + i * 8, val, true);
    v.setUint16(62 + i * 8, value.length, true);
    k += key.length;
  });
  return seal(b);
}

test('B-tree nodes: entries are located; offsets outside the node and bad checksums are refused', () => {
  const node = leafRoot([[Uint8Array.of(1, 2, 3), Uint8Array.of(9, 9)], [Uint8Array.of(4), Uint8Array.of(8)]]);
  const n = parseNode(node, 7, 7 * 4096, 'test node', null);
  assert.deepEqual(n.entries.map((e) => [Array.from(e.key), Array.from(e.val)]), [[[1, 2, 3], [9, 9]], [[4], [8]]]);
  assert.equal(n.level, 0);
  const bad = Uint8Array.from(node);
  new DataView(bad.buffer).setUint16(60, 5000, true); // value offset past the value area
  seal(bad);
  assert.throws(() => parseNode(bad, 7, 0, 'test node', null), (e: unknown) => e instanceof ParseError && e.code === 'out-of-bounds');
  const many = Uint8Array.from(node);
  new DataView(many.buffer).setUint32(36, 1000, true); // more keys than the table holds
  seal(many);
  assert.throws(() => parseNode(many, 7, 0, 'test node', null), (e: unknown) => e instanceof ParseError && e.code === 'out-of-bounds');
  const torn = Uint8Array.from(node);
  torn[3000]! ^= 1;
  assert.throws(() => parseNode(torn, 7, 0, 'test node', null), (e: unknown) => e instanceof ParseError && e.code === 'checksum');
});

/**
 * 64-bit ids: keys near 2^60 (a macOS 11+ System volume's inode numbers) must compare and decode
 * exactly, in the fs tree's (object id, type) order, and B-tree queries must find them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ParseError } from '../../../../electron/common/issues.js';
import {
  APFS, BTree, cmpObjKey, cmpU64At, fletcher64, keyHeader, parseNode, u64At, u64Parts, type BtNode,
} from '../../../../electron/formats/apfs/index.js';

const SYS = 0x0fffffff00000010n; // first System inode number make-apfs.py --volume-group writes

function u64le(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
}
const jkey = (objId: bigint, type: number, tail: number[] = []): Uint8Array => Uint8Array.from([...u64le(objId | (BigInt(type) << 60n)), ...tail]);
const sign = (n: number): number => Math.sign(n);

test('ids past 2^53 decode exactly (Number would merge them)', () => {
  assert.equal(Number(SYS + 1n), Number(SYS + 2n)); // why numbers cannot carry them
  assert.deepEqual(keyHeader(jkey(SYS + 1n, APFS.APFS_TYPE.INODE)), { objId: SYS + 1n, type: 3 });
  assert.deepEqual(keyHeader(jkey(0x0fffffffffffffffn, 15)), { objId: 0x0fffffffffffffffn, type: 15 });
  assert.equal(u64At(u64le(0xffffffffffffffffn), 0, 'x'), 0xffffffffffffffffn);
  assert.throws(() => u64At(new Uint8Array(7), 0, 'x'), (e: unknown) => e instanceof ParseError && e.code === 'truncated');
  assert.throws(() => keyHeader(new Uint8Array(4)), (e: unknown) => e instanceof ParseError && e.code === 'truncated');
});

test('fs-tree keys order by object id first, then type (not by the raw u64)', () => {
  const dirRec = jkey(SYS + 1n, APFS.APFS_TYPE.DIR_REC); // raw value is larger than any inode key of SYS+2
  assert.equal(cmpObjKey(dirRec, u64Parts(SYS + 2n), APFS.APFS_TYPE.INODE), -1);
  assert.equal(cmpObjKey(dirRec, u64Parts(SYS + 1n), APFS.APFS_TYPE.DIR_REC), 0);
  assert.equal(cmpObjKey(dirRec, u64Parts(SYS + 1n), APFS.APFS_TYPE.INODE), 1);
  assert.equal(cmpObjKey(jkey(SYS + 3n, 3), u64Parts(SYS + 2n), 3), 1); // neighbours 1 apart, above 2^53
  // A wanted id with type bits set is past every key: a hostile file_id finds nothing.
  assert.equal(cmpObjKey(jkey(0x0fffffffffffffffn, 15), u64Parts(0x1000000000000000n), 0), -1);
  // Plain u64 keys (omap ok_oid, fext private_id) compare unsigned over all 64 bits.
  assert.equal(cmpU64At(u64le(0xffffffffffffffffn), 0, u64Parts(1n), 'k'), 1);
  assert.equal(cmpU64At(u64le(0x8000000000000000n), 0, u64Parts(0x7fffffffffffffffn), 'k'), 1);
});

test('cmpObjKey and cmpU64At agree with a bigint reference on random keys', () => {
  const u64 = fc.bigInt({ min: 0n, max: 0xffffffffffffffffn });
  fc.assert(fc.property(u64, u64, fc.integer({ min: 0, max: 15 }), (raw, want, type) => {
    const key = u64le(raw);
    const id = raw & 0x0fffffffffffffffn;
    const ref = id < want ? -1 : id > want ? 1 : Math.sign(Number(raw >> 60n) - type);
    assert.equal(sign(cmpObjKey(key, u64Parts(want), type)), ref);
    assert.equal(sign(cmpU64At(key, 0, u64Parts(want), 'k')), raw < want ? -1 : raw > want ? 1 : 0);
  }), { numRuns: 5000 });
});

/** A leaf root of a variable-size tree holding `entries` (key, value) pairs, sealed. */
function leafRoot(entries: [Uint8Array, Uint8Array][]): Uint8Array {
  const b = new Uint8Array(4096);
  const v = new DataView(b.buffer);
  v.setUint32(24, APFS.OBJECT_TYPE.BTREE | APFS.OBJ_PHYSICAL, true);
  v.setUint16(32, APFS.BTNODE_ROOT | APFS.BTNODE_LEAF, true);
  v.setUint32(36, entries.length, true);
  v.setUint16(42, entries.length * 8, true);
  const keyStart = 56 + entries.length * 8;
  let k = 0;
  let val = 0;
  entries.forEach(([key, value], i) => {
    b.set(key, keyStart + k);
    val += value.length;
    b.set(value, 4096 - 40 - val);
    v.setUint16(56 + i * 8, k, true);
    v.setUint16(58 + i * 8, key.length, true);
    v.setUint16(60 + i * 8, val, true);
    v.setUint16(62 + i * 8, value.length, true);
    k += key.length;
  });
  const { lo, hi } = fletcher64(b);
  v.setUint32(0, lo, true);
  v.setUint32(4, hi, true);
  return b;
}

test('a B-tree query finds one object\'s records among neighbours 1 apart above 2^53', async () => {
  const recs: [Uint8Array, Uint8Array][] = [];
  for (const id of [SYS, SYS + 1n, SYS + 2n]) {
    recs.push([jkey(id, APFS.APFS_TYPE.INODE), u64le(id)]);
    recs.push([jkey(id, APFS.APFS_TYPE.DIR_REC, [2, 0, 0x61, 0]), u64le(id + 100n)]);
  }
  const node = parseNode(leafRoot(recs), 9, 9 * 4096, 'test root', null);
  const src = { node: async (): Promise<BtNode> => node };
  const tree = new BTree(src, 9n, async (o) => Number(o), 'test tree');
  const want = u64Parts(SYS + 1n);
  const hits = await tree.range((k) => cmpObjKey(k, want, APFS.APFS_TYPE.DIR_REC));
  assert.deepEqual(hits.map((e) => u64At(e.val, 0, 'v')), [SYS + 101n]);
  const all = await tree.range((k) => cmpObjKey(k, want, 0) < 0 ? -1 : cmpObjKey(k, u64Parts(SYS + 2n), 0) < 0 ? 0 : 1);
  assert.deepEqual(all.map((e) => keyHeader(e.key)), [{ objId: SYS + 1n, type: 3 }, { objId: SYS + 1n, type: 9 }]);
});

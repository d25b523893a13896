import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBplist, parsePlist, PLIST_LIMITS } from '../../../../electron/formats/plist/index.js';
import { ParseError } from '../../../../electron/common/issues.js';
import { arr, ascii, bplist, dict, int8, raw } from './bplist-builder.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ParseError, `expected ParseError, got ${String(e)}`);
    return e.code;
  }
  assert.fail('expected a ParseError');
}

test('decodes scalars, strings, containers and UIDs from hand-built bytes', () => {
  const b = bplist([
    dict([1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11, 12, 13, 14]), // 0
    ascii('i'), ascii('s'), ascii('u'), ascii('d'), ascii('a'), ascii('uid'), ascii('set'), // 1..7
    raw(0x13, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe), // 8: 8-byte int -2 (signed)
    raw(0x6f, 0x10, 0x03, 0x00, 0x48, 0xd8, 0x3d, 0xde, 0x00), // 9: UTF-16BE, length via int: "H😀"
    raw(0x4f, 0x10, 0x03, 1, 2, 3), // 10: data, 3 bytes, length via int
    raw(0x33, 0x41, 0xb4, 0x2c, 0xb3, 0x9f, 0x00, 0x00, 0x00), // 11: date
    arr(15, 16), // 12
    raw(0x81, 0x01, 0x00), // 13: UID 256
    raw(0xc2, 15, 16), // 14: set → array
    raw(0x09), // 15: true
    raw(0x12, 0x80, 0x00, 0x00, 0x00), // 16: 4-byte int, unsigned 2^31
  ]);
  const { format, value } = parsePlist(b);
  assert.equal(format, 'binary');
  const v = value as Record<string, unknown>;
  assert.equal(v['i'], -2);
  assert.equal(v['s'], 'H\u{1F600}');
  assert.deepEqual(v['u'], Uint8Array.from([1, 2, 3]));
  // 0x41b42cb39f000000 = 338473887 s after 2001-01-01
  assert.equal((v['d'] as Date).toISOString(), new Date(Date.UTC(2001, 0, 1) + 338473887000).toISOString());
  assert.deepEqual(v['a'], [true, 2147483648]);
  assert.deepEqual(v['uid'], { CF$UID: 256 });
  assert.deepEqual(v['set'], [true, 2147483648]);
});

test('64- and 128-bit integers outside the safe range stay exact as bigint', () => {
  const big = bplist([arr(1, 2, 3), raw(0x13, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
    raw(0x13, 0x80, 0, 0, 0, 0, 0, 0, 0), raw(0x14, ...new Array(15).fill(0), 5)]);
  assert.deepEqual(parseBplist(big), [2n ** 63n - 1n, -(2n ** 63n), 5]);
});

test('shared objects are decoded once and repeated by reference', () => {
  const v = parseBplist(bplist([arr(1, 1), dict([2], [3]), ascii('k'), ascii('v')])) as unknown[];
  assert.deepEqual(v, [{ k: 'v' }, { k: 'v' }]);
  assert.equal(v[0], v[1]);
});

test('a container holding itself or an ancestor is a loop', () => {
  assert.equal(code(() => parseBplist(bplist([arr(0)]))), 'loop');
  assert.equal(code(() => parseBplist(bplist([arr(1), dict([2], [0]), ascii('k')]))), 'loop');
});

test('a DAG that would expand past the cap is refused (billion-laughs by reference)', () => {
  // object i = [i+1, i+1]: 2^25 leaves when expanded, but only 26 objects on disk.
  const objs: Uint8Array[] = [];
  for (let i = 0; i < 25; i++) objs.push(arr(i + 1, i + 1));
  objs.push(int8(1));
  const e = code(() => parseBplist(bplist(objs)));
  assert.equal(e, 'limit-exceeded');
  assert.ok(2 ** 25 > PLIST_LIMITS.maxExpandedValues);
});

test('nesting deeper than the depth cap is refused', () => {
  // object i = [i+1] with 2-byte refs, 600 levels deep (cap 512).
  const deep: Uint8Array[] = [];
  for (let i = 0; i < 600; i++) deep.push(Uint8Array.from([0xa1, (i + 1) >> 8, (i + 1) & 0xff]));
  deep.push(Uint8Array.from([0x09]));
  assert.equal(code(() => parseBplist(bplist(deep, { refSize: 2 }))), 'limit-exceeded');
  // The same shape 100 deep is fine.
  const shallow = deep.slice(0, 100).concat([Uint8Array.from([0x09])]);
  shallow[99] = Uint8Array.from([0xa1, 0, 100]);
  let v = parseBplist(bplist(shallow, { refSize: 2 }));
  for (let i = 0; i < 100; i++) v = (v as unknown[])[0] as never;
  assert.equal(v, true);
});

test('trailer fields are validated against the buffer', () => {
  const ok = [arr(1), raw(0x08)];
  assert.deepEqual(parseBplist(bplist(ok)), [false]);
  assert.equal(code(() => parseBplist(bplist(ok, { top: 2 }))), 'out-of-bounds');
  assert.equal(code(() => parseBplist(bplist(ok, { numObjects: 0 }))), 'decode');
  assert.equal(code(() => parseBplist(bplist(ok, { numObjects: 2_000_000 }))), 'limit-exceeded');
  assert.equal(code(() => parseBplist(bplist(ok, { numObjects: 50 }))), 'out-of-bounds');
  assert.equal(code(() => parseBplist(bplist(ok, { offsetTableOffset: 0xffffffff }))), 'out-of-bounds');
  assert.equal(code(() => parseBplist(bplist(ok, { offsetSize: 0 }))), 'decode');
  assert.equal(code(() => parseBplist(bplist(ok, { refSize: 9 }))), 'decode');
  // Object offset pointing into the header or past the offset table.
  assert.equal(code(() => parseBplist(bplist(ok, { offsets: { 1: 2 } }))), 'out-of-bounds');
  assert.equal(code(() => parseBplist(bplist(ok, { offsets: { 1: 500 } }))), 'out-of-bounds');
  // A reference to an object that does not exist.
  assert.equal(code(() => parseBplist(bplist([arr(7), raw(0x08)]))), 'out-of-bounds');
});

test('lengths that run past the object area, bad markers and non-string keys are ParseErrors', () => {
  assert.equal(code(() => parseBplist(bplist([raw(0x5f, 0x10, 0x7f, 0x41)]))), 'out-of-bounds');
  assert.equal(code(() => parseBplist(bplist([raw(0x5f, 0x20, 0x7f)]))), 'decode');
  assert.equal(code(() => parseBplist(bplist([raw(0x15, 0)]))), 'decode');
  assert.equal(code(() => parseBplist(bplist([raw(0x70)]))), 'decode');
  assert.equal(code(() => parseBplist(bplist([dict([1], [1]), int8(3)]))), 'decode');
  assert.equal(code(() => parseBplist(bplist([raw(0x33, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0)]))), 'decode'); // +inf date
});

test('magic, version and size are checked before anything else', () => {
  assert.equal(code(() => parseBplist(new Uint8Array(10))), 'truncated');
  const v15 = bplist([raw(0x08)]);
  v15.set(Buffer.from('15'), 6);
  assert.equal(code(() => parseBplist(v15)), 'unsupported-version');
  const notb = bplist([raw(0x08)]);
  notb[0] = 0x41;
  assert.equal(code(() => parseBplist(notb)), 'bad-signature');
});

test('a __proto__ key is an own entry, not a prototype change', () => {
  const v = parseBplist(bplist([dict([1], [2]), ascii('__proto__'), ascii('x')])) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.deepEqual(Object.keys(v), ['__proto__']);
  assert.equal(Object.getOwnPropertyDescriptor(v, '__proto__')?.value, 'x');
});

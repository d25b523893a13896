import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteCursor, checkedEnd } from '../../../electron/io/byte-cursor.js';
import { ParseError } from '../../../electron/common/issues.js';

test('reads little- and big-endian fields at their offsets', () => {
  const c = new ByteCursor(Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0]));
  assert.equal(c.u16(0, 'e_magic'), 0x5a4d);
  assert.equal(c.u32(4, 'x'), 0x04030201);
  assert.equal(c.u32be(4, 'x'), 0x01020304);
  assert.equal(c.u64(4, 'x'), 0x04030201);
  assert.equal(c.uintBe(4, 3, 'x'), 0x010203);
});

test('a read past the window is a located truncated ParseError naming the field', () => {
  const c = new ByteCursor(new Uint8Array(6), 0x100);
  assert.throws(() => c.u32(4, 'e_lfanew'), (e: unknown) => {
    assert.ok(e instanceof ParseError);
    assert.equal(e.code, 'truncated');
    assert.equal(e.what, 'e_lfanew');
    assert.equal(e.offset, 0x104);
    assert.equal(e.need, 4);
    assert.equal(e.have, 2);
    assert.match(e.message, /buffer too small for e_lfanew at offset 260/);
    return true;
  });
  assert.throws(() => c.u8(-1, 'neg'), ParseError);
  assert.throws(() => c.u8(1.5, 'frac'), ParseError);
});

test('64-bit values above 2^53-1 are refused, not rounded', () => {
  const b = new Uint8Array(8).fill(0xff);
  const c = new ByteCursor(b);
  assert.throws(() => c.u64(0, 'size'), (e: unknown) => e instanceof ParseError && e.code === 'out-of-bounds');
  assert.equal(c.u64big(0, 'size'), 0xffffffffffffffffn);
});

test('slices keep absolute offsets in their errors', () => {
  const c = new ByteCursor(new Uint8Array(32), 1000);
  const s = c.slice(16, 8, 'sub');
  assert.throws(() => s.u32(6, 'f'), (e: unknown) => e instanceof ParseError && e.offset === 1022);
  assert.throws(() => c.slice(30, 8, 'sub'), ParseError);
});

test('utf16leZ stops at NUL or the cap', () => {
  const enc = new Uint8Array([0x41, 0, 0x42, 0, 0, 0, 0x43, 0]);
  const c = new ByteCursor(enc);
  assert.deepEqual(c.utf16leZ(0, 10, 's'), { text: 'AB', units: 3 });
  assert.deepEqual(c.utf16leZ(0, 1, 's'), { text: 'A', units: 1 });
});

test('checkedEnd refuses ranges outside the data', () => {
  assert.equal(checkedEnd(4, 4, 8, 'r'), 8);
  assert.throws(() => checkedEnd(4, 5, 8, 'r'), ParseError);
  assert.throws(() => checkedEnd(-1, 1, 8, 'r'), ParseError);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '../../../../electron/common/issues.js';
import { parseShimCache } from '../../../../electron/formats/shimcache/index.js';

const FT = 133237809000000000n; // 2023-03-20T10:15:00Z
const PATH = 'C:\\Users\\alice\\AppData\\Local\\Programs\\3CXDesktopApp\\app\\3CXDesktopApp.exe';

function win7(x64: boolean): Uint8Array {
  const stride = x64 ? 48 : 32;
  const p = Buffer.from(PATH, 'utf16le');
  const out = new Uint8Array(0x80 + stride + p.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0xbadc0fee, true);
  dv.setUint32(4, 1, true);
  const e = 0x80;
  dv.setUint16(e, p.length, true);
  dv.setUint16(e + 2, p.length, true);
  if (x64) dv.setBigUint64(e + 8, BigInt(0x80 + stride), true);
  else dv.setUint32(e + 4, 0x80 + stride, true);
  const t = e + (x64 ? 16 : 8);
  dv.setBigUint64(t, FT, true);
  dv.setUint32(t + 8, 2, true);
  out.set(p, 0x80 + stride);
  return out;
}

function win8(): Uint8Array {
  const p = Buffer.from(PATH, 'utf16le');
  const pkg = Buffer.from('pkg', 'utf16le');
  const body = Buffer.concat([u16(p.length), p, u16(pkg.length), pkg, u32(2), u32(0), u64(FT), u32(0)]);
  return new Uint8Array(Buffer.concat([u32(0x80), Buffer.alloc(0x7c), Buffer.from('10ts'), u32(0), u32(body.length), body]));
}

function u16(v: number): Buffer { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; }
function u32(v: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; }
function u64(v: bigint): Buffer { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); return b; }

test('Windows 7 x64 and x86 caches', () => {
  for (const x64 of [true, false]) {
    const c = parseShimCache(win7(x64));
    assert.equal(c.format, x64 ? 'win7-x64' : 'win7-x86');
    assert.deepEqual(c.entries.map((e) => [e.position, e.path, e.lastModified, e.insertFlags]), [[0, PATH, '2023-03-20T10:15:00.000Z', 2]]);
  }
});

test('Windows 8.1 cache with a package name', () => {
  const c = parseShimCache(win8());
  assert.equal(c.format, 'win8');
  assert.deepEqual(c.entries.map((e) => [e.path, e.lastModified, e.insertFlags]), [[PATH, '2023-03-20T10:15:00.000Z', 2]]);
});

test('unknown header is unsupported; a cut entry ends the list as truncated', () => {
  assert.throws(() => parseShimCache(new Uint8Array([1, 2, 3, 4, 5])), (e: unknown) => e instanceof ParseError && e.code === 'unsupported-version');
  assert.throws(() => parseShimCache(new Uint8Array(2)), ParseError);
  const cut = win8().slice(0, 0x80 + 30);
  const c = parseShimCache(cut);
  assert.deepEqual([c.entries.length, c.truncated], [0, true]);
});

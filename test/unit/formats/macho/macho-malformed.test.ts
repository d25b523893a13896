/**
 * Malformed Mach-O: generated stand-ins with single fields broken, plus hand-built headers.
 * Header damage is a ParseError; signature damage leaves the slice readable with a `problem`.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { parseMacho } from '../../../../electron/formats/macho/index.js';
import { ParseError } from '../../../../electron/common/issues.js';
import { DYLIB, EXE, makeMac } from './mac-fixture.js';

const fx = makeMac([]);
if (!fx) throw new Error('python3 is required for the Mach-O tests');
after(() => rmSync(fx.root, { recursive: true, force: true }));
const exe = new Uint8Array(readFileSync(join(fx.root, EXE)));
const dylib = new Uint8Array(readFileSync(join(fx.root, DYLIB)));

const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
function mutate(src: Uint8Array, fn: (v: DataView, b: Uint8Array) => void): Uint8Array {
  const b = src.slice();
  fn(dv(b), b);
  return b;
}
async function code(b: Uint8Array): Promise<string> {
  try {
    await parseMacho(new BufferReader(b));
  } catch (e) {
    assert.ok(e instanceof ParseError, `expected ParseError, got ${String(e)}`);
    return e.code;
  }
  return 'ok';
}
/** Offset of LC_CODE_SIGNATURE in a thin little-endian 64-bit image. */
function sigCmd(b: Uint8Array): number {
  const v = dv(b);
  let pos = 32;
  for (let i = 0; i < v.getUint32(16, true); i++) {
    if (v.getUint32(pos, true) === 0x1d) return pos;
    pos += v.getUint32(pos + 4, true);
  }
  throw new Error('no LC_CODE_SIGNATURE');
}

test('header damage is a located ParseError', async () => {
  assert.equal(await code(exe), 'ok');
  assert.equal(await code(mutate(exe, (v) => v.setUint32(0, 0x7f454c46))), 'bad-signature'); // ELF
  assert.equal(await code(exe.subarray(0, 6)), 'bad-signature');
  assert.equal(await code(mutate(exe, (v) => v.setUint32(0x10, 100_000, true))), 'limit-exceeded'); // ncmds
  assert.equal(await code(mutate(exe, (v) => v.setUint32(0x14, 9_000_000, true))), 'limit-exceeded'); // sizeofcmds
  assert.equal(await code(mutate(exe, (v) => v.setUint32(0x14, exe.length, true))), 'out-of-bounds');
  assert.equal(await code(mutate(exe, (v) => v.setUint32(0x24, 4, true))), 'decode'); // first cmdsize < 8
  assert.equal(await code(mutate(exe, (v) => v.setUint32(0x24, 0x10000, true))), 'out-of-bounds'); // cmd runs past sizeofcmds
  assert.equal(await code(mutate(exe, (v) => v.setUint32(0x10, 40, true))), 'truncated'); // more cmds than bytes
  assert.equal(await code(exe.subarray(0, 100)), 'out-of-bounds'); // cut inside the load commands
});

test('fat header damage: Java class magic, arch count, slice bounds, slice magic', async () => {
  assert.equal(await code(dylib), 'ok');
  assert.equal(await code(Uint8Array.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0x34, 0, 0, 0, 0])), 'bad-signature');
  assert.equal(await code(mutate(dylib, (v) => v.setUint32(4, 0))), 'bad-signature');
  assert.equal(await code(mutate(dylib, (v) => v.setUint32(4, 40))), 'limit-exceeded');
  assert.equal(await code(mutate(dylib, (v) => v.setUint32(8 + 8, 0xfffff000))), 'out-of-bounds'); // arch 0 offset
  assert.equal(await code(mutate(dylib, (v) => v.setUint32(8 + 12, 0x7fffffff))), 'out-of-bounds'); // arch 0 size
  assert.equal(await code(mutate(dylib, (v) => v.setUint32(8 + 8, 4))), 'out-of-bounds'); // overlaps header
  assert.equal(await code(mutate(dylib, (v) => v.setUint32(16384, 0))), 'bad-signature'); // slice magic
  assert.equal(await code(dylib.subarray(0, 20000)), 'out-of-bounds'); // second slice missing
});

test('signature damage keeps the slice and reports a problem', async () => {
  const at = sigCmd(exe);
  const dataoff = dv(exe).getUint32(at + 8, true);
  const cases: [string, Uint8Array, RegExp][] = [
    ['dataoff past the end', mutate(exe, (v) => v.setUint32(at + 8, exe.length + 16, true)), /LC_CODE_SIGNATURE data/],
    ['SuperBlob magic', mutate(exe, (v) => v.setUint32(dataoff, 0xdeadbeef)), /SuperBlob magic/],
    ['index count', mutate(exe, (v) => v.setUint32(dataoff + 8, 1000)), /limit/],
    ['CodeDirectory magic', mutate(exe, (v) => v.setUint32(dataoff + dv(exe).getUint32(dataoff + 16), 0)), /CodeDirectory magic/],
    ['CodeDirectory length', mutate(exe, (v) => v.setUint32(dataoff + dv(exe).getUint32(dataoff + 16) + 4, 0x7fffffff)), /limit/],
  ];
  for (const [name, bytes, why] of cases) {
    const m = await parseMacho(new BufferReader(bytes));
    const s = m.slices[0]!;
    assert.equal(s.hasCodeSignature, true, name);
    assert.equal(s.codeSignature?.identifier, null, name);
    assert.equal(s.codeSignature?.cdhash, null, name);
    assert.match(s.codeSignature?.problem ?? '', why, name);
  }
});

test('an identifier without its NUL inside the CodeDirectory is reported, not overread', async () => {
  const at = sigCmd(exe);
  const dataoff = dv(exe).getUint32(at + 8, true);
  const b = mutate(exe, (v, bytes) => {
    // Point slot 0's identOffset at the last byte of that CodeDirectory, which is not NUL.
    const cd = dataoff + v.getUint32(dataoff + 16);
    const len = v.getUint32(cd + 4);
    v.setUint32(cd + 0x14, len - 1);
    bytes[cd + len - 1] = 0x41;
  });
  const s = (await parseMacho(new BufferReader(b))).slices[0]!;
  assert.match(s.codeSignature?.problem ?? '', /no terminating NUL/);
});

test('a big-endian (PowerPC) thin header is read with the right byte order', async () => {
  const b = new Uint8Array(28 + 24);
  const v = dv(b);
  [0xfeedface, 18, 0, 2, 1, 24, 0].forEach((x, i) => v.setUint32(i * 4, x)); // mach_header, BE
  v.setUint32(28, 0x1b); // LC_UUID
  v.setUint32(32, 24);
  const m = await parseMacho(new BufferReader(b));
  assert.deepEqual(m.slices.map((s) => [s.cpuName, s.is64, s.fileType, s.ncmds, s.hasCodeSignature]), [['ppc', false, 2, 1, false]]);
});

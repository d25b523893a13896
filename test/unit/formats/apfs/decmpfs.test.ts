/** decmpfs on hand-built xattr headers and resource forks, one per compression type. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { ParseError } from '../../../../electron/common/issues.js';
import { decmpfsReader, parseDecmpfs } from '../../../../electron/formats/apfs/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { readAll } from '../../../../electron/io/reader.js';
import { BVX_END, LZVN_OPS, LZVN_TEXT, bvxRaw, concat, u32le } from '../lzfse/vectors.js';

function header(type: number, size: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const h = new Uint8Array(16 + payload.length);
  const v = new DataView(h.buffer);
  h.set(Buffer.from('fpmc'), 0);
  v.setUint32(4, type, true);
  v.setBigUint64(8, BigInt(size), true);
  h.set(payload, 16);
  return h;
}

/** Deterministic, poorly compressible test data. */
function data(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; out[i] = (x >>> 16) & 0xff; }
  return out;
}

async function decode(x: Uint8Array, fork: Uint8Array | null = null): Promise<Uint8Array> {
  const h = parseDecmpfs(x);
  return readAll(await decmpfsReader(h, fork ? new BufferReader(fork) : null, '/f'), 1 << 24);
}

const eq = (a: Uint8Array, b: Uint8Array): void => assert.ok(Buffer.from(a).equals(Buffer.from(b)), `${a.length} vs ${b.length} bytes differ`);
const SIZE = 65536 + 1000; // two chunks, the last one short

test('inline types: 1 (raw), 3 (zlib and its stored escape), 7 (LZVN), 11 (LZFSE)', async () => {
  const text = Buffer.from('hello decmpfs, hello decmpfs, hello decmpfs');
  eq(await decode(header(1, text.length, text)), text);
  eq(await decode(header(3, text.length, deflateSync(text))), text);
  eq(await decode(header(3, text.length, Uint8Array.from([0xff, ...text]))), text);
  eq(await decode(header(7, LZVN_TEXT.length, LZVN_OPS)), Buffer.from(LZVN_TEXT, 'latin1'));
  eq(await decode(header(7, text.length, Uint8Array.from([0x06, ...text]))), text);
  eq(await decode(header(11, text.length, concat(bvxRaw(text), BVX_END))), text);
});

test('type 4: zlib chunks in a classic resource fork', async () => {
  const plain = data(SIZE);
  const blocks = [deflateSync(plain.subarray(0, 65536)), Uint8Array.from([0xff, ...plain.subarray(65536)])];
  const table = [...u32le(2)];
  let at = 4 + 2 * 8; // offsets count from the block count field
  for (const b of blocks) { table.push(...u32le(at), ...u32le(b.length)); at += b.length; }
  const res = concat(Uint8Array.from(table), ...blocks);
  const fork = new Uint8Array(0x100 + 4 + res.length + 50);
  const v = new DataView(fork.buffer);
  v.setUint32(0, 0x100, false); // data offset
  v.setUint32(4, 0x100 + 4 + res.length, false); // map offset
  v.setUint32(8, 4 + res.length, false);
  v.setUint32(12, 50, false);
  v.setUint32(0x100, res.length, false);
  fork.set(res, 0x104);
  eq(await decode(header(4, SIZE), fork), plain);
});

function offsetFork(blocks: Uint8Array[]): Uint8Array {
  const offs: number[] = [];
  let at = (blocks.length + 1) * 4;
  for (const b of blocks) { offs.push(at); at += b.length; }
  offs.push(at);
  return concat(Uint8Array.from(offs.flatMap(u32le)), ...blocks);
}

test('types 8 and 12: LZVN and LZFSE chunks behind an offset table', async () => {
  const plain = data(SIZE);
  const lzvn = offsetFork([Uint8Array.from([0x06, ...plain.subarray(0, 65536)]), Uint8Array.from([0x06, ...plain.subarray(65536)])]);
  eq(await decode(header(8, SIZE), lzvn), plain);
  const lzfse = offsetFork([concat(bvxRaw(plain.subarray(0, 65536)), BVX_END), concat(bvxRaw(plain.subarray(65536)), BVX_END)]);
  const r = await decmpfsReader(parseDecmpfs(header(12, SIZE)), new BufferReader(lzfse), '/f');
  eq(await r.read(65530, 20), plain.subarray(65530, 65550)); // a read across the chunk boundary
  eq(await readAll(r, 1 << 24), plain);
});

test('bad headers, missing forks and damaged chunks are ParseErrors', async () => {
  const isParse = (code: string) => (e: unknown): boolean => e instanceof ParseError && e.code === code;
  assert.throws(() => parseDecmpfs(Buffer.from('cmpfxxxxxxxxxxxx')), isParse('bad-signature'));
  assert.throws(() => parseDecmpfs(header(99, 10)), isParse('unsupported-version'));
  assert.throws(() => parseDecmpfs(header(3, 10).subarray(0, 12)), isParse('truncated'));
  await assert.rejects(decode(header(4, 10)), isParse('truncated')); // no resource fork
  await assert.rejects(decode(header(3, 100, deflateSync(Buffer.alloc(50)))), isParse('decode')); // short output
  const fork = offsetFork([Uint8Array.from([0x06, 1, 2])]);
  fork[4] = 0xff; // end offset past the fork
  await assert.rejects(decode(header(8, 2), fork), isParse('out-of-bounds'));
  const lz = offsetFork([Uint8Array.from([0x30, 0x09, 0x06, 0, 0, 0, 0, 0, 0, 0])]); // match before any output
  const r = await decmpfsReader(parseDecmpfs(header(8, 9)), new BufferReader(lz), '/f');
  await assert.rejects(r.read(0, 9), isParse('decode'));
});

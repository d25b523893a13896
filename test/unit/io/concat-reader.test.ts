import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConcatReader } from '../../../electron/io/concat-reader.js';
import { BufferReader } from '../../../electron/io/buffer-reader.js';
import type { Reader } from '../../../electron/io/reader.js';

const seq = (from: number, n: number) => new BufferReader(Uint8Array.from({ length: n }, (_, k) => (from + k) & 0xff));

test('reads within, across and past the parts', async () => {
  const r = new ConcatReader([seq(0, 10), seq(10, 0), seq(10, 5), seq(15, 20)]);
  assert.equal(r.size, 35);
  assert.deepEqual([...(await r.read(2, 3))], [2, 3, 4]);
  assert.deepEqual([...(await r.read(8, 10))], [8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
  assert.deepEqual([...(await r.read(10, 2))], [10, 11]);
  assert.deepEqual([...(await r.read(30, 100))], [30, 31, 32, 33, 34]);
  assert.equal((await r.read(35, 1)).length, 0);
  assert.deepEqual([...(await r.read(0, 35))], Array.from({ length: 35 }, (_, k) => k));
});

test('a part that returns short ends the read there (never invents bytes)', async () => {
  const shrunk: Reader = { size: 10, read: async (o, l) => new Uint8Array(Math.max(0, Math.min(l, 4 - o))), close: async () => {} };
  const r = new ConcatReader([shrunk, seq(10, 10)]);
  assert.equal((await r.read(0, 20)).length, 4);
});

test('close closes every part even when one fails', async () => {
  const closed: number[] = [];
  const part = (i: number, fail = false): Reader => ({ size: 1, read: async () => new Uint8Array(1), close: async () => { closed.push(i); if (fail) throw new Error('x'); } });
  await assert.rejects(new ConcatReader([part(0), part(1, true), part(2)]).close(), /x/);
  assert.deepEqual(closed.sort(), [0, 1, 2]);
});

test('empty concat', async () => {
  const r = new ConcatReader([]);
  assert.equal(r.size, 0);
  assert.equal((await r.read(0, 10)).length, 0);
});

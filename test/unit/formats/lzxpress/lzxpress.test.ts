import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decompressHuffman, decompressPlain } from '../../../../electron/formats/lzxpress/index.js';
import { ParseError } from '../../../../electron/common/issues.js';
import { encodeBlock, encodeLiterals } from './encode.js';

const hex = (s: string): number[] => s.trim().split(/\s+/).map((h) => parseInt(h, 16));
function table(nonzero: [number, number][]): number[] {
  const t = new Array<number>(256).fill(0);
  for (const [at, b] of nonzero) t[at] = b;
  return t;
}
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const isCode = (code: string) => (e: unknown) => e instanceof ParseError && e.code === code;

// [MS-XCA] 3.2, first example: the alphabet as 26 literals plus EOF.
const ALPHABET = Uint8Array.from([
  ...table([[0x30, 0x50], ...Array.from({ length: 10 }, (_, i) => [0x31 + i, 0x55] as [number, number]), [0x3b, 0x45], [0x3c, 0x44], [0x3d, 0x04], [0x80, 0x04]]),
  ...hex('d8 52 3e d7 94 11 5b e9 19 5f f9 d6 7c df 8d 04 00 00 00 00'),
]);
// [MS-XCA] 3.2, second example: "abc" then one match (distance 3, length 297) using the extra length byte and u16.
const ABC300 = Uint8Array.from([...table([[0x30, 0x30], [0x31, 0x23], [0x80, 0x02], [0x8f, 0x20]]), ...hex('a8 dc 00 00 ff 26 01')]);

test('MS-XCA 3.2 example 1: literals only', () => {
  assert.equal(text(decompressHuffman(ALPHABET, 26)), 'abcdefghijklmnopqrstuvwxyz');
});

test('MS-XCA 3.2 example 2: overlapping match with the extended (255 + u16) length', () => {
  assert.equal(text(decompressHuffman(ABC300, 300)), 'abc'.repeat(100));
});

test('MS-XCA 3.1 plain LZ77 examples', () => {
  const alpha = Uint8Array.from([...hex('3f 00 00 00'), ...Buffer.from('abcdefghijklmnopqrstuvwxyz')]);
  assert.equal(text(decompressPlain(alpha, 26)), 'abcdefghijklmnopqrstuvwxyz');
  assert.equal(text(decompressPlain(Uint8Array.from(hex('ff ff ff 1f 61 62 63 17 00 0f ff 26 01')), 300)), 'abc'.repeat(100));
  // a shorter declared size than the stream holds is refused, not truncated silently
  assert.throws(() => decompressPlain(Uint8Array.from(hex('ff ff ff 1f 61 62 63 17 00 0f ff 26 01')), 299), isCode('decode'));
  assert.throws(() => decompressPlain(alpha.subarray(0, 20), 26), isCode('truncated'));
});

test('every match-length form: short, byte, u16 and u32 (0 then 32 bits)', () => {
  for (const len of [3, 17, 18, 40, 272, 273, 5000, 65538, 70000]) {
    const raw = Uint8Array.from(encodeBlock([0x41, 0x42, { len, dist: 2 }], true));
    const out = decompressHuffman(raw, len + 2);
    assert.equal(out.length, len + 2);
    assert.ok(out.every((b, i) => b === (i % 2 === 0 ? 0x41 : 0x42)), `length ${len}`);
  }
});

test('every distance bit length 0..15 round-trips', () => {
  const prefix = Array.from({ length: 65000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
  for (let hb = 0; hb <= 15; hb++) {
    const dist = (1 << hb) + ((1 << hb) - 1 >> 1);
    const raw = Uint8Array.from(encodeBlock([...prefix, { len: 5, dist }], true));
    const out = decompressHuffman(raw, prefix.length + 5);
    for (let i = 0; i < 5; i++) assert.equal(out[prefix.length + i], out[prefix.length + i - dist], `distance ${dist}`);
  }
});

test('several 64 KiB blocks, each with its own table, matches reaching into the previous block', () => {
  const data = new Uint8Array(65536 * 2 + 1000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 10)) & 0xff;
  assert.deepEqual(decompressHuffman(encodeLiterals(data), data.length), data);
  const first = Array.from(data.subarray(0, 65536));
  const raw = Uint8Array.from([...encodeBlock(first, false), ...encodeBlock([{ len: 10, dist: 60000 }], true)]);
  const out = decompressHuffman(raw, 65546);
  assert.deepEqual(out.subarray(65536), data.subarray(5536, 5546));
});

test('symbol 256 before the end is a match (length 3, offset 1), not an end marker', () => {
  const raw = Uint8Array.from(encodeBlock([0x41, 256 as number, 0x42], true));
  // token 256 given as a number is written as symbol 256 = match length 3, distance 1
  assert.equal(text(decompressHuffman(raw, 5)), 'AAAAB');
});

test('malformed input is a located ParseError, never a RangeError', () => {
  // incomplete code: one length changed
  const broken = Uint8Array.from(ABC300);
  broken[0x30] = 0x31;
  assert.throws(() => decompressHuffman(broken, 300), isCode('decode'));
  // over-subscribed: every symbol length 1
  assert.throws(() => decompressHuffman(new Uint8Array(300).fill(0x11), 10), isCode('decode'));
  // table cut short
  assert.throws(() => decompressHuffman(ABC300.subarray(0, 200), 300), isCode('truncated'));
  // extra length bytes missing
  assert.throws(() => decompressHuffman(ABC300.subarray(0, 261), 300), isCode('truncated'));
  // match before the start of output
  assert.throws(() => decompressHuffman(Uint8Array.from(encodeBlock([{ len: 3, dist: 1 }], true)), 3), isCode('decode'));
  // match past the declared size
  assert.throws(() => decompressHuffman(ABC300, 299), isCode('decode'));
  // stream runs out long before the declared size
  assert.throws(() => decompressHuffman(ALPHABET, 5000), isCode('truncated'));
  // declared size over the cap
  assert.throws(() => decompressHuffman(ALPHABET, 100, { maxOutput: 50 }), isCode('limit-exceeded'));
  assert.throws(() => decompressHuffman(ALPHABET, -1), isCode('decode'));
});

test('an empty output needs no input', () => {
  assert.equal(decompressHuffman(new Uint8Array(0), 0).length, 0);
  assert.equal(decompressPlain(new Uint8Array(0), 0).length, 0);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, HAVE_CORPUS } from '../../../helpers/corpus.js';
import { ParseError } from '../../../../electron/common/issues.js';
import { lzfseDecode, lzvnDecode } from '../../../../electron/formats/lzfse/index.js';
import { BVX_END, LZVN_OPS, LZVN_TEXT, bvxRaw, bvxn, concat, udifChunks } from './vectors.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const isParse = (code?: string) => (e: unknown): boolean => e instanceof ParseError && (code === undefined || e.code === code);

test('LZVN: every opcode kind decodes to the hand-worked output', () => {
  assert.equal(text(lzvnDecode(LZVN_OPS, LZVN_TEXT.length)), LZVN_TEXT);
});

test('LZVN: bad distance, undefined opcode, truncation and short streams are ParseErrors', () => {
  assert.throws(() => lzvnDecode(Uint8Array.from([0x30, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0]), 9), isParse('decode')); // D=5 with no output yet
  assert.throws(() => lzvnDecode(Uint8Array.from([0x70]), 4), isParse('decode')); // 0x70-0x7f are undefined
  assert.throws(() => lzvnDecode(Uint8Array.from([0xe5, 0x41]), 5), isParse('truncated'));
  assert.throws(() => lzvnDecode(LZVN_OPS, LZVN_TEXT.length + 10), isParse('decode')); // eos before the promised size
  assert.throws(() => lzvnDecode(LZVN_OPS, 10), isParse('decode')); // output would pass the size
});

test('LZFSE: raw and LZVN blocks share one history; bvx$ ends the stream', () => {
  const first = bvxRaw(Buffer.from('abc', 'latin1'));
  // A bvxn block whose first match reaches back into the previous (raw) block.
  const second = bvxn(6, Uint8Array.from([0x18, 0x03, 0x06, 0, 0, 0, 0, 0, 0, 0])); // sml_d L=0 M=6 D=3
  assert.equal(text(lzfseDecode(concat(first, second, BVX_END), { maxOutput: 100 })), 'abcabcabc');
  assert.equal(text(lzfseDecode(concat(bvxn(LZVN_TEXT.length, LZVN_OPS), BVX_END), { maxOutput: 100 })), LZVN_TEXT);
});

test('LZFSE: bad magic, truncated blocks and the output cap are ParseErrors', () => {
  assert.throws(() => lzfseDecode(Buffer.from('bvxZ0000'), { maxOutput: 10 }), isParse('bad-signature'));
  assert.throws(() => lzfseDecode(bvxRaw(new Uint8Array(50)).subarray(0, 30), { maxOutput: 100 }), isParse('truncated'));
  assert.throws(() => lzfseDecode(concat(bvxRaw(new Uint8Array(50)), BVX_END), { maxOutput: 49 }), isParse('limit-exceeded'));
  const v2 = Uint8Array.from([...Buffer.from('bvx2'), ...new Array(28).fill(0)]);
  v2[24] = 8; // header_size 8 < 32
  assert.throws(() => lzfseDecode(v2, { maxOutput: 100 }), isParse('decode'));
});

const LZFSE_DMG = join(CORPUS, 'node-udif/test/data/compression-lzfse.dmg');
const RAW_DMG = join(CORPUS, 'node-udif/test/data/compression-raw.dmg');
const skip = HAVE_CORPUS && existsSync(LZFSE_DMG) ? false : 'corpus node-udif DMGs not present';

test('LZFSE/LZVN: Apple-made DMG chunks decode to the raw DMG\'s bytes', { skip }, () => {
  const lz = new Uint8Array(readFileSync(LZFSE_DMG));
  const raw = new Uint8Array(readFileSync(RAW_DMG));
  const rawChunks = new Map(udifChunks(raw).filter((c) => c.type === 1).map((c) => [c.offset, raw.subarray(c.inOffset, c.inOffset + c.length)]));
  const chunks = udifChunks(lz).filter((c) => c.type === 0x80000007);
  const kinds = chunks.map((c) => text(lz.subarray(c.inOffset, c.inOffset + 4)));
  assert.deepEqual(kinds.sort(), ['bvx2', 'bvx2', 'bvxn']);
  for (const c of chunks) {
    const out = lzfseDecode(lz.subarray(c.inOffset, c.inOffset + c.inLength), { maxOutput: c.length, sizeHint: c.length });
    assert.equal(out.length, c.length);
    assert.ok(Buffer.from(out).equals(Buffer.from(rawChunks.get(c.offset)!)), `chunk at ${c.offset}`);
  }
  // One flipped bit inside an FSE payload must not pass silently as the right bytes.
  const c = chunks.find((x) => text(lz.subarray(x.inOffset, x.inOffset + 4)) === 'bvx2')!;
  const bad = Uint8Array.from(lz.subarray(c.inOffset, c.inOffset + c.inLength));
  bad[bad.length - 20]! ^= 0x10;
  try {
    const out = lzfseDecode(bad, { maxOutput: c.length });
    assert.ok(!Buffer.from(out).equals(Buffer.from(rawChunks.get(c.offset)!)));
  } catch (e) {
    assert.ok(e instanceof ParseError);
  }
});

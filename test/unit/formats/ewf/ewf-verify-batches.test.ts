/** Verification batches: planning over chunk tables, and decoding (inflate, memo, stored, Adler-32). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { decodeBatch, InflateMemo } from '../../../../electron/formats/ewf/index.js';
import type { ChunkSource } from '../../../../electron/formats/ewf/chunks.js';
import { DESC_WORDS, FLAG_COMPRESSED, FLAG_MISSING, planBatches } from '../../../../electron/formats/ewf/verify-plan.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { chunkSpan } from './chunk-span.js';

const CS = 4096;

const build = chunkSpan;

const text = (seed: number): Uint8Array => Uint8Array.from({ length: CS }, (_, i) => (i * seed + (i >> 5)) & 0xff);

test('decodeBatch: compressed, stored and missing chunks land at k × chunkSize; a bad Adler-32 is reported, bytes kept', () => {
  const a = text(7);
  const b = text(13);
  const { span, desc } = build([{ data: a, kind: 'z' }, { data: b, kind: 'stored' }, { data: a, kind: 'missing' }, { data: b, kind: 'stored-bad' }]);
  const out = new Uint8Array(4 * CS).fill(0x55);
  const r = decodeBatch(span, desc, CS, out, null);
  assert.deepEqual(r, { bad: [], checksum: [[3, 'Adler-32 mismatch (data returned as stored)']] });
  assert.deepEqual(out.subarray(0, CS), a);
  assert.deepEqual(out.subarray(CS, 2 * CS), b);
  assert.ok(out.subarray(2 * CS, 3 * CS).every((x) => x === 0), 'a missing chunk is zeros, not stale bytes');
  assert.deepEqual(out.subarray(3 * CS), b);
});

test('decodeBatch: broken zlib, short output and truncated stored chunks are bad and zeroed', () => {
  const a = text(3);
  const { span, desc } = build([{ data: a, kind: 'z' }, { data: a, kind: 'z' }, { data: a, kind: 'stored' }]);
  const broken = span.slice();
  broken.fill(0xff, 3, 12); // chunk 0's deflate data
  const out = new Uint8Array(3 * CS).fill(0x55);
  desc[2 * DESC_WORDS + 1] = CS - 10; // chunk 2: stored length cut short
  const short = deflateSync(a.subarray(0, 100));
  const span2 = Buffer.concat([broken.subarray(0, desc[DESC_WORDS]!), short, broken.subarray(desc[2 * DESC_WORDS]!)]);
  const d2 = desc.slice();
  d2[DESC_WORDS + 1] = short.length;
  d2[2 * DESC_WORDS] = desc[DESC_WORDS]! + short.length;
  const r = decodeBatch(span2, d2, CS, out, null);
  assert.deepEqual(r.bad.map(([k]) => k), [0, 1, 2]);
  assert.match(r.bad[0]![1], /zlib stream does not inflate/);
  assert.equal(r.bad[1]![1], `inflates to 100 bytes, expected ${CS}`);
  assert.equal(r.bad[2]![1], `${CS - 10} of ${CS} stored bytes present`);
  assert.ok(out.every((x) => x === 0));
});

test('InflateMemo: identical small streams inflate once; different bytes never share an entry', () => {
  const zeros = new Uint8Array(CS);
  const ones = new Uint8Array(CS).fill(1);
  const { span, desc } = build([{ data: zeros, kind: 'z' }, { data: ones, kind: 'z' }, { data: zeros, kind: 'z' }, { data: zeros, kind: 'z' }, { data: ones, kind: 'z' }]);
  const memo = new InflateMemo();
  const out = new Uint8Array(5 * CS);
  assert.deepEqual(decodeBatch(span, desc, CS, out, memo), { bad: [], checksum: [] });
  assert.equal(memo.hits, 3);
  for (let k = 0; k < 5; k++) assert.ok(out.subarray(k * CS, (k + 1) * CS).every((x) => x === (k === 1 || k === 4 ? 1 : 0)), `chunk ${k}`);
});

test('planBatches: every chunk once, in order; batches bounded in output and span; unlocated chunks flagged', () => {
  const n = 50;
  const stored = Array.from({ length: n }, (_, i) => 100 + (i % 7) * 10);
  const entries = new Uint32Array(40); // chunks 40..49 are in no table
  let off = 1000;
  for (let i = 0; i < 40; i++) {
    entries[i] = (off | 0x80000000) >>> 0;
    off += stored[i]!;
  }
  entries[20] = (0x7ffffff0 | 0x80000000) >>> 0; // outside the file
  const file = new BufferReader(new Uint8Array(off + 500));
  const src: ChunkSource = {
    segments: [{ reader: file, file, name: 's.E01', sectionStarts: [0, off] }],
    groups: [{ segment: 0, firstChunk: 0, base: 0, entries, tableOffset: off }],
    chunkSize: CS,
    mediaSize: n * CS - 100,
    note: () => {},
  };
  const batches = [...planBatches(src, 8 * CS)];
  let next = 0;
  for (const b of batches) {
    assert.equal(b.firstChunk, next);
    if (b.tail) {
      // Chunks 40..49: after the last listed chunk, one tail batch without descriptors.
      assert.deepEqual([b.firstChunk, b.count, b.desc.length, b.tail], [40, 10, 0, 'chunk 40 is in no table section (missing or damaged segment)']);
      assert.equal(b, batches.at(-1));
      next += b.count;
      continue;
    }
    assert.ok(b.count >= 1 && b.count <= 8);
    assert.ok(b.spanLength <= 8 * CS + 1024 * 1024);
    for (let k = 0; k < b.count; k++) {
      const i = b.firstChunk + k;
      const flags = b.desc[k * DESC_WORDS + 2]!;
      assert.equal(b.desc[k * DESC_WORDS + 3], i === n - 1 ? CS - 100 : CS);
      if (i === 20) {
        assert.equal(flags, FLAG_MISSING, `chunk ${i}`);
        assert.match(b.missing.get(k)!, /outside s\.E01/);
      } else {
        assert.equal(flags, FLAG_COMPRESSED);
        assert.equal(b.spanStart + b.desc[k * DESC_WORDS]!, entries[i]! & 0x7fffffff);
      }
    }
    next += b.count;
  }
  assert.equal(next, n);
});

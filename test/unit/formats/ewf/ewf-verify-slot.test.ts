/**
 * The verify workers' decoding: ChunkInflater (one reused zlib stream, exact-bytes memo of short
 * streams) and decodeSpan/accountReport (chunks into a reused slot, problems located and in order).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { adler32 } from '../../../../electron/formats/ewf/index.js';
import { accountReport, ChunkInflater, decodeSpan, emptyReport, type EwfMediaDigest, type SlotTarget } from '../../../../electron/formats/ewf/verify.js';
import { DESC_WORDS, type Batch } from '../../../../electron/formats/ewf/verify-plan.js';
import type { ChunkSource } from '../../../../electron/formats/ewf/chunks.js';
import { chunkSpan, type SpanChunk } from './chunk-span.js';

const CS = 4096;
const text = (seed: number, n = CS): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * seed + (i >> 5)) & 0xff);

for (const reuse of [true, false]) {
  test(`ChunkInflater (${reuse ? 'reused stream' : 'inflateSync'}): inflates, rejects damaged, long, short and cut streams, recovers after`, () => {
    const inf = new ChunkInflater(CS, reuse);
    const a = text(7);
    const z = deflateSync(a);
    const dst = new Uint8Array(CS);
    assert.equal(inf.inflateInto(z, dst), null);
    assert.deepEqual(dst, a);
    const damaged = Uint8Array.from(z); // (Buffer#slice would alias z)
    damaged[damaged.length - 1]! ^= 1; // zlib's own Adler-32 of the chunk
    assert.match(inf.inflateInto(damaged, dst) ?? '', /^zlib stream does not inflate \(/);
    assert.match(inf.inflateInto(deflateSync(text(3, CS + 1)), dst) ?? '', /^zlib stream does not inflate \(/, 'more than a chunk');
    assert.equal(inf.inflateInto(deflateSync(text(3, 100)), dst), 'inflates to 100 bytes, expected 4096');
    assert.match(inf.inflateInto(z.subarray(0, z.length - 6), dst) ?? '', /^zlib stream does not inflate \(/, 'cut short');
    assert.match(inf.inflateInto(new Uint8Array([0x78, 0x9c, 0xff, 0xff]), dst) ?? '', /^zlib stream does not inflate \(/);
    // After the errors, the next good stream inflates right (the stream was replaced, not trusted).
    dst.fill(0);
    assert.equal(inf.inflateInto(deflateSync(text(11)), dst), null);
    assert.deepEqual(dst, text(11));
    // The media's last chunk: a chunk-sized stream, fewer bytes wanted.
    const tail = new Uint8Array(1000);
    assert.equal(inf.inflateInto(z, tail), null);
    assert.deepEqual(tail, a.subarray(0, 1000));
    inf.close();
  });
}

test('ChunkInflater memo: a repeated short stream inflates once; equal-length different streams are told apart byte by byte', () => {
  const inf = new ChunkInflater(CS);
  const zeros = deflateSync(new Uint8Array(CS));
  // Another byte value whose stream has the same length: candidates compared byte by byte.
  const fill = [...Array(255).keys()].map((v) => v + 1).find((v) => deflateSync(new Uint8Array(CS).fill(v)).length === zeros.length)!;
  assert.ok(fill, 'the test needs two short streams of one length');
  const ones = deflateSync(new Uint8Array(CS).fill(fill));
  assert.notDeepEqual(zeros, ones);
  const dst = new Uint8Array(CS);
  for (let i = 0; i < 50; i++) {
    assert.equal(inf.inflateInto(i % 2 ? ones : zeros, dst), null);
    assert.ok(dst.every((x) => x === (i % 2 ? fill : 0)), `round ${i}`);
  }
  assert.equal(inf.memoHits, 48);
  // A remembered stream with one byte changed is not a hit: it is inflated (and fails its checks).
  const changed = Uint8Array.from(zeros);
  changed[changed.length - 2]! ^= 0x10;
  assert.match(inf.inflateInto(changed, dst) ?? '', /^zlib stream does not inflate/);
  assert.equal(inf.memoHits, 48);
  // Long streams are never remembered.
  let x = 0x12345678;
  const noise = Uint8Array.from({ length: CS }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x & 0xff;
  });
  const long = deflateSync(noise);
  assert.ok(long.length > 1024);
  for (let i = 0; i < 3; i++) assert.equal(inf.inflateInto(long, dst), null);
  assert.deepEqual(dst, noise);
  assert.equal(inf.memoHits, 48);
});

for (const reuse of [true, false]) {
  test(`ChunkInflater.copyStored (${reuse ? 'zlib' : 'JavaScript'} Adler-32): copies the bytes, tells a right checksum from a wrong one, any size`, () => {
    const inf = new ChunkInflater(256 * 1024, reuse);
    for (const n of [1, 100, CS, 65535, 65536, 200_000]) {
      const data = text(n % 251 || 3, n);
      const dst = new Uint8Array(n).fill(0x55);
      assert.equal(inf.copyStored(data, adler32(data), dst), true, `n=${n}`);
      assert.deepEqual(dst, data);
      dst.fill(0x55);
      assert.equal(inf.copyStored(data, adler32(data) ^ 0x10000, dst), false, `n=${n} wrong sum`);
      assert.deepEqual(dst, data, 'returned as stored');
    }
    // After a mismatch the stream still inflates chunks right.
    const dst = new Uint8Array(CS);
    assert.equal(inf.inflateInto(deflateSync(text(9)), dst), null);
    assert.deepEqual(dst, text(9));
  });
}

/** A batch over `chunks` laid back to back in one span, as the planner describes it. */
function batch(firstChunk: number, chunks: SpanChunk[]): { b: Batch; span: Uint8Array } {
  const { span, desc } = chunkSpan(chunks);
  const missing = new Map<number, string>();
  chunks.forEach((c, k) => {
    if (c.kind === 'missing') missing.set(k, `chunk ${firstChunk + k}: offset lies outside disk.E01`);
  });
  return { b: { firstChunk, count: chunks.length, segment: 0, spanStart: 1000, spanLength: span.length, desc, missing }, span };
}

/** Slot of 8 chunks starting at chunk 8, no tags. */
const target = (out: Uint8Array, inflater: ChunkInflater, tags: Int32Array | null = null): SlotTarget => ({ out, slotFirst: 8, chunkSize: CS, names: ['disk.E01'], inflater, tags, tagBase: 1024 });

test('decodeSpan: chunks land at their slot offsets; missing, unreadable and bad-checksum chunks are located; stale bytes zeroed', () => {
  const a = text(7);
  const b2 = text(13);
  const inf = new ChunkInflater(CS);
  const slot = new Uint8Array(8 * CS).fill(0x55); // a reused slot: stale bytes everywhere
  const report = emptyReport();
  // The slot starts at chunk 8; this span holds chunks 10..13.
  const { b, span } = batch(10, [{ data: a, kind: 'z' }, { data: b2, kind: 'stored' }, { data: a, kind: 'missing' }, { data: b2, kind: 'stored-bad' }]);
  assert.equal(decodeSpan(b, span, target(slot, inf), report), 6 * CS);
  assert.deepEqual(slot.subarray(2 * CS, 3 * CS), a);
  assert.deepEqual(slot.subarray(3 * CS, 4 * CS), b2);
  assert.ok(slot.subarray(4 * CS, 5 * CS).every((x) => x === 0), 'a missing chunk is zeros, not stale bytes');
  assert.deepEqual(slot.subarray(5 * CS, 6 * CS), b2);
  const storedAt = 1000 + b.desc[3 * DESC_WORDS]!;
  assert.deepEqual(report, {
    bad: [[12, 'chunk 12: offset lies outside disk.E01', null]],
    checksum: [[13, `chunk 13 in disk.E01 at ${storedAt}: Adler-32 mismatch (data returned as stored)`]],
    tail: null,
  });
  // The same span unreadable: every located chunk is bad with the read error, and zeroed.
  const r2 = emptyReport();
  slot.fill(0x55);
  decodeSpan(b, 'read error (EIO)', target(slot, inf), r2);
  assert.deepEqual(r2.bad.map(([c, m, f]) => [c, m, f]), [
    [10, 'chunk 10 in disk.E01 at 1000: read error (EIO)', 'disk.E01'],
    [11, `chunk 11 in disk.E01 at ${1000 + b.desc[DESC_WORDS]!}: read error (EIO)`, 'disk.E01'],
    [12, 'chunk 12: offset lies outside disk.E01', null],
    [13, `chunk 13 in disk.E01 at ${storedAt}: read error (EIO)`, 'disk.E01'],
  ]);
  assert.ok(slot.subarray(2 * CS, 6 * CS).every((x) => x === 0));
  // A tail batch ends the slot.
  const r3 = emptyReport();
  const tail: Batch = { firstChunk: 14, count: 2, segment: -1, spanStart: 0, spanLength: 0, desc: new Int32Array(0), missing: new Map(), tail: 'chunk 14 is in no table section' };
  assert.equal(decodeSpan(tail, new Uint8Array(0), target(slot, inf), r3), -1);
  assert.deepEqual(r3.tail, [14, 'chunk 14 is in no table section']);
});

test('decodeSpan with slot tags: an empty chunk already in place is not copied again; anything else is written and untagged', () => {
  const inf = new ChunkInflater(CS);
  const zeros = new Uint8Array(CS);
  const { b, span } = batch(8, [{ data: zeros, kind: 'z' }, { data: zeros, kind: 'z' }, { data: text(5), kind: 'stored' }, { data: zeros, kind: 'z' }]);
  const slot = new Uint8Array(8 * CS).fill(0x55);
  const tags = new Int32Array(8);
  decodeSpan(b, span, target(slot, inf, tags), emptyReport());
  assert.ok(slot.subarray(0, 2 * CS).every((x) => x === 0) && slot.subarray(3 * CS, 4 * CS).every((x) => x === 0));
  const id = tags[0]!;
  assert.ok(id > 1024 && id < 2048, `tag ${id} is this inflater's (base 1024)`);
  assert.deepEqual([...tags.subarray(0, 4)], [id, id, 0, id], 'the stored chunk is not tagged');
  // The slot comes round again. Position 1 was changed by someone whose tag is not ours (another
  // worker): it is written. Positions 0 and 3 still hold the zeros their tag says: left alone
  // (shown here by bytes planted behind the tag's back, which a copy would have overwritten).
  slot.fill(0x77, 1 * CS, 2 * CS);
  tags[1] = 2048 + 1;
  slot[0] = 0x99;
  decodeSpan(b, span, target(slot, inf, tags), emptyReport());
  assert.equal(slot[0], 0x99, 'not copied again');
  assert.ok(slot.subarray(CS, 2 * CS).every((x) => x === 0), 'another tag: written');
  assert.deepEqual(slot.subarray(2 * CS, 3 * CS), text(5));
  assert.deepEqual([...tags.subarray(0, 4)], [id, id, 0, id]);
  // A damaged stream at a tagged position: zeroed, reported, untagged.
  const broken = Uint8Array.from(span);
  broken.fill(0xff, 2, 6);
  const r = emptyReport();
  decodeSpan(b, broken, target(slot, inf, tags), r);
  assert.deepEqual(r.bad.map(([c]) => c), [8]);
  assert.equal(tags[0], 0);
  assert.equal(slot[0], 0);
});

test('accountReport: runs continue across slots; checksum notes go to the source; the tail counts every remaining chunk', () => {
  const notes: [number, string][] = [];
  const src = { chunkSize: CS, mediaSize: 100 * CS, note: (i: number, m: string) => notes.push([i, m]) } as unknown as ChunkSource;
  const d: EwfMediaDigest = { md5: '', sha1: null, bytes: 0, unreadableChunks: 0, unreadable: [], checksumMismatches: 0 };
  accountReport(src, { bad: [[6, 'x', 'a'], [7, 'y', 'a']], checksum: [[3, 'sum']], tail: null }, d);
  accountReport(src, { bad: [[8, 'z', 'a'], [20, 'w', null]], checksum: [], tail: [90, 'no table'] }, d);
  assert.deepEqual(d.unreadable, [{ firstChunk: 6, count: 3, reason: 'x', file: 'a' }, { firstChunk: 20, count: 1, reason: 'w', file: null }, { firstChunk: 90, count: 10, reason: 'no table', file: null }]);
  assert.equal(d.unreadableChunks, 14);
  assert.equal(d.checksumMismatches, 1);
  assert.deepEqual(notes, [[3, 'sum']]);
});

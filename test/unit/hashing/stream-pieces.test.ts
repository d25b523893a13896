import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AttrStreamReader, type Run, type StreamLayout } from '../../../electron/formats/ntfs/index.js';
import { BufferReader } from '../../../electron/io/buffer-reader.js';
import { MAX_PIECES, streamPieces, type Piece } from '../../../electron/hashing/stream-pieces.js';

const CS = 512;
const VOLUME_CLUSTERS = 64;
/** A volume whose every byte says where it is, so a wrong mapping changes the bytes. */
const volume = new Uint8Array(CS * VOLUME_CLUSTERS).map((_, i) => (i * 7 + (i >> 9)) & 0xff);
const DISK_OFFSET = 3 * CS; // the volume's place on its disk: pieces are disk offsets

function fromPieces(pieces: readonly Piece[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    if (p.disk !== null) out.set(volume.subarray(p.disk - DISK_OFFSET, p.disk - DISK_OFFSET + p.length), at);
    at += p.length;
  }
  return out;
}

const layout = (runs: Run[], dataSize: number, initializedSize = dataSize, compressionUnit = 0): StreamLayout => ({ runs, dataSize, initializedSize, compressionUnit, clusterSize: CS });

/** Sorted, non-overlapping runs with gaps, sparse runs and data runs inside the volume. */
const runsArb = fc.array(fc.record({ gap: fc.nat(3), length: fc.integer({ min: 1, max: 6 }), lcn: fc.option(fc.nat(VOLUME_CLUSTERS - 6), { nil: null }) }), { maxLength: 8 }).map((rs) => {
  let vcn = 0;
  return rs.map((r) => {
    vcn += r.gap;
    const run: Run = { vcn, lcn: r.lcn, length: r.length };
    vcn += r.length;
    return run;
  });
});

test('pieces give the bytes AttrStreamReader reads (gaps, sparse runs, short runs, uninitialized tail)', async () => {
  await fc.assert(
    fc.asyncProperty(runsArb, fc.nat(70 * CS), fc.nat(70 * CS), async (runs, dataSize, init) => {
      const l = layout(runs, dataSize, Math.min(init, dataSize + CS));
      const pieces = streamPieces(l, DISK_OFFSET, volume.length);
      assert.ok(pieces, 'a well-formed layout inside the volume maps');
      const want = await new AttrStreamReader(new BufferReader(volume), l, 'x').read(0, dataSize);
      assert.deepEqual(fromPieces(pieces), want);
    }),
    { numRuns: 400 },
  );
});

test('neighbouring pieces are merged and zeros past the initialized size are one piece', () => {
  const p = streamPieces(layout([{ vcn: 0, lcn: 4, length: 2 }, { vcn: 2, lcn: 6, length: 2 }], 4 * CS, 3 * CS), DISK_OFFSET, volume.length);
  assert.deepEqual(p, [{ disk: DISK_OFFSET + 4 * CS, length: 3 * CS }, { disk: null, length: CS }]);
});

test('layouts this path does not read are left to the ordinary reader (null)', () => {
  const ok: Run[] = [{ vcn: 0, lcn: 1, length: 2 }];
  assert.equal(streamPieces(layout(ok, 2 * CS, 2 * CS, 4), DISK_OFFSET, volume.length), null, 'compressed');
  assert.equal(streamPieces(layout([{ vcn: 0, lcn: VOLUME_CLUSTERS - 1, length: 2 }], 2 * CS), DISK_OFFSET, volume.length), null, 'past the volume');
  assert.equal(streamPieces(layout([{ vcn: 0, lcn: 1, length: 2 }, { vcn: 1, lcn: 8, length: 2 }], 3 * CS), DISK_OFFSET, volume.length), null, 'overlapping runs');
  assert.equal(streamPieces(layout([{ vcn: 4, lcn: 1, length: 2 }, { vcn: 0, lcn: 8, length: 2 }], 6 * CS), DISK_OFFSET, volume.length), null, 'out of order');
  assert.equal(streamPieces(layout([{ vcn: 0, lcn: 2 ** 60, length: 1 }], CS), DISK_OFFSET, volume.length), null, 'unsafe offset');
  // Alternating sparse and mapped clusters: one piece each, beyond the cap.
  const many: Run[] = Array.from({ length: MAX_PIECES + 2 }, (_, i) => ({ vcn: i, lcn: i % 2 ? null : 1, length: 1 }));
  assert.equal(streamPieces(layout(many, many.length * CS), DISK_OFFSET, volume.length), null, 'too many pieces');
});

test('an empty or all-sparse stream is zeros only', () => {
  assert.deepEqual(streamPieces(layout([], 0), DISK_OFFSET, volume.length), []);
  assert.deepEqual(streamPieces(layout([{ vcn: 0, lcn: null, length: 8 }], 5 * CS + 3), DISK_OFFSET, volume.length), [{ disk: null, length: 5 * CS + 3 }]);
});

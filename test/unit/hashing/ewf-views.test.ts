import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEwf, segmentFileName, type EwfImage } from '../../../electron/formats/ewf/index.js';
import { locateChunk } from '../../../electron/formats/ewf/chunks.js';
import { EwfChunkViews } from '../../../electron/hashing/ewf-views.js';
import { FileReader } from '../../../electron/io/file-reader.js';
import { FIXTURE_SKIP, generatedContainers, rawSha256 } from '../formats/ewf/fixtures.js';

async function open(first: string): Promise<{ img: EwfImage; close: () => Promise<void> }> {
  const segs: { name: string; reader: FileReader }[] = [];
  for (let n = 1; ; n++) {
    const p = n === 1 ? first : segmentFileName(first, n);
    if (!p || !existsSync(p)) break;
    segs.push({ name: p, reader: await FileReader.open(p) });
  }
  const img = await openEwf(segs, { cacheBytes: 1024 * 1024 });
  return { img, close: async () => { await img.reader.close(); for (const s of segs) await s.reader.close(); } };
}

const plain = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of it) parts.push(p.slice());
  return plain(Buffer.concat(parts));
}

const VARIANTS = ['e01', 'e01-multi', 'e01-none', 'e01-ftk', 'e01-linen'];

test('chunk views give the media reader\'s bytes: whole media and ranges cut anywhere', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  for (const v of VARIANTS) {
    const first = join(dir, v, readdirSync(join(dir, v)).find((f) => /\.(E|e|S|s)01$/.test(f))!);
    const { img, close } = await open(first);
    try {
      const views = new EwfChunkViews(img.chunks, img.reader);
      const h = createHash('sha256');
      for await (const p of views.range(0, img.mediaSize)) h.update(p);
      assert.equal(h.digest('hex'), rawSha256(dir), `${v}: whole media`);
      const cs = img.chunkSize;
      for (const [a, b] of [[0, 1], [cs - 1, cs + 1], [5 * cs + 17, 9 * cs], [img.mediaSize - 3 * cs - 5, img.mediaSize], [1234567, 1234567 + 5 * 1024 * 1024]] as const) {
        const end = Math.min(b, img.mediaSize);
        const want = plain(await img.reader.read(a, end - a));
        assert.deepEqual(await collect(views.range(a, end)), want, `${v}: ${a}-${end}`);
        const into = new Uint8Array(end - a).fill(0xa5); // readInto must write every byte
        await views.readInto(into, a);
        assert.deepEqual(into, want, `${v}: readInto ${a}-${end}`);
      }
      await assert.rejects(views.readInto(new Uint8Array(2), img.mediaSize - 1), RangeError);
      // Scattered small reads, as a batch of small files makes them: chunks come back from the
      // recent-chunk buffers, are evicted and their buffers recycled (the short last chunk too).
      let x = 12345;
      const next = (n: number): number => ((x = (x * 1103515245 + 12345) >>> 0) % n);
      for (let i = 0; i < 600; i++) {
        const len = 1 + next(3 * cs);
        const at = i % 50 === 0 ? img.mediaSize - len : next(img.mediaSize - len);
        const dst = new Uint8Array(len);
        await views.readInto(dst, at);
        assert.deepEqual(dst, plain(await img.reader.read(at, len)), `${v}: scattered readInto ${at}+${len}`);
      }
      assert.deepEqual(await collect(views.range(77, 77)), new Uint8Array(0));
      await assert.rejects(collect(views.range(0, img.mediaSize + 1)), RangeError);
    } finally {
      await close();
    }
  }
});

test('a damaged chunk reads as the media reader reads it (zeros, one issue), its neighbours untouched', { skip: FIXTURE_SKIP }, async () => {
  const dir = generatedContainers();
  const work = mkdtempSync(join(tmpdir(), '3cx-ewfviews-'));
  try {
    const copy = join(work, 'disk.E01');
    copyFileSync(join(dir, 'e01', readdirSync(join(dir, 'e01')).find((f) => f.endsWith('.E01'))!), copy);
    // Find a compressed chunk too long to be remembered by its bytes, and break its zlib stream.
    const probe = await open(copy);
    let victim = -1;
    let at = 0;
    for (let i = 0; i < probe.img.mediaSize / probe.img.chunkSize && victim < 0; i++) {
      const loc = locateChunk(probe.img.chunks, i);
      if (loc.compressed && loc.end - loc.start > 1024) [victim, at] = [i, loc.start];
    }
    await probe.close();
    assert.ok(victim > 2, 'the fixture has such a chunk');
    const bytes = readFileSync(copy);
    bytes.fill(0xff, at + 100, at + 200);
    writeFileSync(copy, bytes);

    const fresh = await open(copy);
    const viaViews = await open(copy);
    try {
      const cs = fresh.img.chunkSize;
      const from = (victim - 2) * cs + 99;
      const to = (victim + 3) * cs - 7;
      const want = plain(await fresh.img.reader.read(from, to - from));
      const got = await collect(new EwfChunkViews(viaViews.img.chunks, viaViews.img.reader).range(from, to));
      assert.deepEqual(got, want);
      const into = new Uint8Array(to - from).fill(0xa5);
      await new EwfChunkViews(viaViews.img.chunks, viaViews.img.reader).readInto(into, from);
      assert.deepEqual(into, want, 'readInto gives the same bytes');
      assert.ok(got.subarray(2 * cs - 99, 3 * cs - 99).every((b) => b === 0), 'the damaged chunk reads as zeros');
      assert.equal(viaViews.img.issues.filter((i) => i.offset === victim * cs).length, 1, 'its issue is recorded once, as the media reader records it');
    } finally {
      await fresh.close();
      await viaViews.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

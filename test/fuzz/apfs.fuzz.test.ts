/**
 * Fuzzing APFS and its decompressors: mutated metadata objects of the corpus container (superblocks,
 * checkpoint blocks, object maps, fs-tree nodes), re-sealed with a valid Fletcher-64 most of the
 * time so the damage reaches the parsers behind the checksum; the whole volume is then walked and
 * every file and xattr read. Random bytes go to LZFSE, LZVN and decmpfs. Only results, ParseError
 * or a plain ENOENT/ENOTDIR/EISDIR/ELOOP are accepted, and every case must finish (B-tree loops).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';
import { ParseError } from '../../electron/common/issues.js';
import { openApfsContainer, type ApfsFilesystem } from '../../electron/evidence/filesystems/apfs.js';
import { checksumOk, decmpfsReader, fletcher64, parseDecmpfs } from '../../electron/formats/apfs/index.js';
import { lzfseDecode, lzvnDecode } from '../../electron/formats/lzfse/index.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';

const BUDGET_MS = Number(process.env['FUZZ_MS'] ?? 4_000);
const IMAGE = join(CORPUS, 'dfvfs/test_data/apfs.raw');

function acceptable(e: unknown): void {
  if (e instanceof ParseError) return;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ELOOP') return;
  throw e;
}

async function exercise(fs: ApfsFilesystem, dir = '/', depth = 0): Promise<void> {
  if (depth > 8) return;
  let entries;
  try { entries = await fs.readdir(dir); } catch (e) { acceptable(e); return; }
  for (const e of entries) {
    try {
      await fs.stat(e.path);
      for (const x of await fs.xattrs(e.path)) {
        const r = await fs.openXattr(e.path, x.name);
        await r.read(0, Math.min(r.size, 1 << 16));
      }
      if (e.type === 'dir') await exercise(fs, e.path, depth + 1);
      else if (e.type === 'file') {
        const r = await fs.open(e.path);
        await r.read(0, Math.min(r.size, 1 << 20));
      } else await fs.readlink(e.path);
    } catch (err) { acceptable(err); }
  }
  try { await fs.snapshots(); } catch (err) { acceptable(err); }
}

const skip = HAVE_CORPUS && existsSync(IMAGE) ? false : 'corpus apfs.raw not present';

test('mutated APFS metadata objects: walk and read everything', { skip }, async () => {
  const img = new Uint8Array(readFileSync(IMAGE));
  const objects: number[] = [];
  for (let b = 0; b * 4096 < img.length; b++) if (checksumOk(img.subarray(b * 4096, (b + 1) * 4096))) objects.push(b);
  assert.ok(objects.length >= 10, `found ${objects.length} metadata objects`);
  const start = Date.now();
  let runs = 0;
  await fc.assert(fc.asyncProperty(
    fc.constantFrom(...objects),
    fc.array(fc.record({ at: fc.nat(4095), value: fc.oneof(fc.nat(255), fc.constantFrom(0, 0xff, 0x7f, 0x80, 1)) }), { minLength: 1, maxLength: 8 }),
    fc.boolean(), fc.boolean(),
    async (block, muts, reseal, alsoRoot) => {
      if (Date.now() - start > BUDGET_MS) return;
      runs++;
      // Mutate in place and restore afterwards: copying the 4 MiB image per case would dominate.
      const full = img;
      const saved = new Map<number, Uint8Array>();
      for (const target of alsoRoot ? [block, objects[(block * 7) % objects.length]!] : [block]) {
        const b = full.subarray(target * 4096, target * 4096 + 4096);
        if (!saved.has(target)) saved.set(target, Uint8Array.from(b));
        for (const m of muts) b[m.at] = m.value;
        if (reseal || muts.every((m) => m.at < 8)) {
          const { lo, hi } = fletcher64(b);
          new DataView(b.buffer, b.byteOffset, 8).setUint32(0, lo, true);
          new DataView(b.buffer, b.byteOffset, 8).setUint32(4, hi, true);
        }
      }
      try {
        const { volumes } = await openApfsContainer(new BufferReader(full), []);
        for (const v of volumes) if (v.fs) await exercise(v.fs);
      } catch (e) {
        acceptable(e);
      } finally {
        for (const [t, b] of saved) img.set(b, t * 4096);
      }
    },
  ), { numRuns: 100_000, interruptAfterTimeLimit: BUDGET_MS });
  assert.ok(runs > 20, `only ${runs} runs`);
  console.log(`# apfs fuzz: ${runs} mutated containers walked over ${objects.length} metadata objects`);
});

test('a checkpoint superblock naming an object map far past the container is a ParseError (fuzz seed 1086303118)', { skip }, async () => {
  const img = new Uint8Array(readFileSync(IMAGE));
  const b = img.subarray(8 * 4096, 9 * 4096); // the newest checkpoint's superblock in the corpus image
  b[165] = 127; // high byte of nx_omap_oid
  b[0] = 0;
  const { lo, hi } = fletcher64(b);
  new DataView(b.buffer, b.byteOffset, 8).setUint32(0, lo, true);
  new DataView(b.buffer, b.byteOffset, 8).setUint32(4, hi, true);
  await assert.rejects(openApfsContainer(new BufferReader(img), []), (e: unknown) => e instanceof ParseError && /container omap_phys at block \d+ \(container has \d+\)/.test(e.message));
});

test('LZFSE, LZVN and decmpfs from random and mutated bytes', async () => {
  const start = Date.now();
  const seeds = [
    Uint8Array.from([...Buffer.from('bvxn'), 46, 0, 0, 0, 10, 0, 0, 0, 0xe3, 97, 98, 99, 0x30, 3, 6, 0, 0, 0]),
    Uint8Array.from([...Buffer.from('bvx2'), ...new Array(60).fill(0)]),
  ];
  await fc.assert(fc.asyncProperty(
    fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...seeds).chain((s) => fc.array(fc.tuple(fc.nat(s.length - 1), fc.nat(255)), { maxLength: 6 }).map((ms) => {
      const b = Uint8Array.from(s);
      for (const [i, v] of ms) b[i] = v;
      return b;
    }))),
    fc.nat(300), fc.constantFrom(1, 3, 4, 7, 8, 9, 10, 11, 12),
    async (bytes, size, type) => {
      if (Date.now() - start > BUDGET_MS) return;
      try { assert.ok(lzfseDecode(bytes, { maxOutput: 4096 }).length <= 4096); } catch (e) { acceptable(e); }
      try { assert.equal(lzvnDecode(bytes, size).length, size); } catch (e) { acceptable(e); }
      const h = new Uint8Array(16 + bytes.length);
      h.set(Buffer.from('fpmc'));
      new DataView(h.buffer).setUint32(4, type, true);
      new DataView(h.buffer).setUint32(8, size, true);
      h.set(bytes, 16);
      try {
        const r = await decmpfsReader(parseDecmpfs(h), new BufferReader(bytes), '/f');
        assert.equal((await r.read(0, size)).length, size);
      } catch (e) { acceptable(e); }
    },
  ), { numRuns: 50_000, interruptAfterTimeLimit: BUDGET_MS });
});

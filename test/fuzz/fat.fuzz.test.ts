/**
 * Fuzzing FAT: mutated boot sector, FAT and directory bytes of a real FAT12 volume and of a built
 * one (long names, deleted entries, loops), plus random bytes; only results or ParseError, and
 * every walk stays bounded. The walks list deleted entries, so they enter /$OrphanFiles and run
 * the orphan scan; a volume with orphan directories that loop (into themselves, into each other)
 * in free clusters is mutated there too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ParseError } from '../../electron/common/issues.js';
import { FatFilesystem } from '../../electron/evidence/filesystems/fat.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { CORPUS } from '../helpers/corpus.js';
import { buildFat12, dirCluster, lfnSlots, shortSlot } from '../helpers/fat-builder.js';

const BUDGET_MS = Number(process.env['FUZZ_MS'] ?? 4_000);
const SEED = join(CORPUS, 'go-fat/testcases/fat12.dd');

async function walk(fs: FatFilesystem, dir: string, depth: number, budget: { n: number }): Promise<void> {
  if (depth > 12) return;
  for (const e of await fs.readdir(dir, { deleted: true })) {
    if (--budget.n < 0) return;
    if (e.type === 'dir') await walk(fs, e.path, depth + 1, budget);
    else {
      const r = await fs.open(e.path);
      const b = await r.read(0, Math.min(r.size, 1 << 15));
      assert.equal(b.length, Math.min(r.size, 1 << 15));
    }
  }
}

async function exercise(bytes: Uint8Array): Promise<void> {
  try {
    const fs = await FatFilesystem.open(new BufferReader(bytes));
    await walk(fs, '/', 0, { n: 2000 });
  } catch (e) {
    if (!(e instanceof ParseError) && !['ENOENT', 'EISDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  }
}

function built(): Uint8Array {
  return buildFat12({
    root: [...lfnSlots('long name.txt', 'LONGNA~1TXT'), shortSlot('LONGNA~1TXT', { cluster: 2, size: 900 }), shortSlot('D          ', { attr: 0x10, cluster: 4 }), shortSlot('X       TXT', { deleted: true, cluster: 6, size: 100 })],
    clusters: new Map([[2, new Uint8Array(512).fill(1)], [3, new Uint8Array(512).fill(2)], [4, dirCluster(4, 0, [shortSlot('SELF       ', { attr: 0x10, cluster: 4 })])]]),
    fat: new Map([[2, 3], [3, 0xfff], [4, 0xfff]]),
  });
}

const mutations = fc.array(fc.record({ at: fc.nat(), value: fc.nat(255) }), { minLength: 1, maxLength: 8 });

for (const [name, load, hot] of [
  ['go-fat fat12.dd', () => (existsSync(SEED) ? new Uint8Array(readFileSync(SEED)) : null), 64 * 1024],
  ['built FAT12', () => built(), 20 * 1024],
] as const) {
  const seed = load();
  test(`mutated ${name}: boot sector, FATs, root and first directories`, { skip: seed ? false : `no seed at ${SEED}` }, async () => {
    const start = Date.now();
    await fc.assert(fc.asyncProperty(mutations, async (ms) => {
      if (Date.now() - start > BUDGET_MS) return true;
      const b = seed!.slice();
      for (const m of ms) b[m.at % hot] = m.value;
      await exercise(b);
      return true;
    }), { numRuns: 2000 });
  });
}

test('random bytes with a valid-looking BPB', async () => {
  const start = Date.now();
  await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 512, maxLength: 16384 }), async (b) => {
    if (Date.now() - start > BUDGET_MS / 2) return true;
    const head = built().subarray(0, 64);
    b.set(head.subarray(0, Math.min(64, b.length)), 0);
    await exercise(b);
    return true;
  }), { numRuns: 1000 });
});

/** Free clusters 50..52 hold an orphan directory tree nothing reaches: loops, a file, a long name. */
export function withOrphans(): Uint8Array {
  const c50 = dirCluster(50, 0, [...lfnSlots('orphan file.txt', 'ORPHAN~1TXT', { deleted: true }), shortSlot('ORPHAN~1TXT', { deleted: true, cluster: 51, size: 700 }), shortSlot('SELF       ', { deleted: true, attr: 0x10, cluster: 50 }), shortSlot('NEXT       ', { deleted: true, attr: 0x10, cluster: 52 })]);
  c50[0] = 0xe5;
  c50[32] = 0xe5;
  const c52 = dirCluster(52, 50, [shortSlot('BACK       ', { deleted: true, attr: 0x10, cluster: 50 }), shortSlot('X       BIN', { deleted: true, cluster: 53, size: 100 })]);
  return buildFat12({ root: [shortSlot('LIVE    TXT', { cluster: 2, size: 10 })], clusters: new Map([[2, new Uint8Array(512).fill(7)], [50, c50], [51, new Uint8Array(512).fill(9)], [52, c52]]), fat: new Map([[2, 0xfff]]) });
}

test('orphan scan: the built orphans are found; mutated FAT, root and orphan clusters stay bounded', async () => {
  const seed = withOrphans();
  const fs = await FatFilesystem.open(new BufferReader(seed));
  const names = (await fs.readdir('/$OrphanFiles', { deleted: true })).map((e) => e.name).sort();
  // As fls lists them (built-image.test.ts compares the whole tree with TSK).
  assert.deepEqual(names, ['_.BIN', '_ELF', '_EXT', '_RPHAN~1.TXT']);
  const orphanStart = (17 + 48) * 512; // cluster 50 (heap at sector 17, one sector per cluster)
  const start = Date.now();
  await fc.assert(fc.asyncProperty(fc.array(fc.record({ at: fc.nat(), value: fc.nat(255), zone: fc.boolean() }), { minLength: 1, maxLength: 12 }), async (ms) => {
    if (Date.now() - start > BUDGET_MS) return true;
    const b = seed.slice();
    for (const m of ms) b[m.zone ? orphanStart + (m.at % 1536) : m.at % (17 * 512)] = m.value;
    try {
      const f = await FatFilesystem.open(new BufferReader(b), [], { maxScanBytes: 1 << 20, maxEntries: 500, maxNamed: 5000 });
      const scan = await f.orphans();
      assert.ok(scan.orphans.length <= 500 && scan.bytesScanned <= (1 << 20) + 512);
      await walk(f, '/', 0, { n: 2000 });
    } catch (e) {
      if (!(e instanceof ParseError) && !['ENOENT', 'EISDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    }
    return true;
  }), { numRuns: 2000 });
});

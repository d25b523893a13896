/** Fuzzing HFS+: mutated volume header and B-tree nodes of a real volume; only results or ParseError. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ParseError } from '../../electron/common/issues.js';
import { HfsPlusFilesystem } from '../../electron/evidence/filesystems/hfsplus.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { CORPUS } from '../helpers/corpus.js';

const BUDGET_MS = Number(process.env['FUZZ_MS'] ?? 8_000);
const SEED = join(CORPUS, 'dfvfs/test_data/hfsplus.raw');

async function walk(fs: HfsPlusFilesystem, dir: string, depth: number): Promise<void> {
  if (depth > 8) return;
  for (const e of await fs.readdir(dir)) {
    if (e.type === 'dir') await walk(fs, e.path, depth + 1);
    else if (e.type === 'file') {
      const r = await fs.open(e.path);
      const b = await r.read(0, Math.min(r.size, 1 << 16));
      assert.equal(b.length, Math.min(r.size, 1 << 16));
    }
  }
}

test('mutated HFS+ volume header and catalog/extents/attributes nodes', { skip: existsSync(SEED) ? false : `no seed volume at ${SEED}` }, async () => {
  const seed = new Uint8Array(readFileSync(SEED));
  const fs0 = await HfsPlusFilesystem.open(new BufferReader(seed));
  const h = fs0.volume.header;
  const region = (f: typeof h.catalogFile) => [f.extents[0]!.startBlock * h.blockSize, f.extents[0]!.startBlock * h.blockSize + Math.min(f.logicalSize, 64 * 1024)] as const;
  const hot = [[1024, 1536], region(h.catalogFile), region(h.extentsFile), region(h.attributesFile)] as const;
  const at = fc.oneof(...hot.map(([a, b]) => fc.integer({ min: a, max: b - 1 })));
  const start = Date.now();
  await fc.assert(fc.asyncProperty(fc.array(fc.record({ at, value: fc.nat(255) }), { minLength: 1, maxLength: 6 }), async (ms) => {
    if (Date.now() - start > BUDGET_MS) return true;
    const b = seed.slice();
    for (const m of ms) b[m.at] = m.value;
    try {
      const fs = await HfsPlusFilesystem.open(new BufferReader(b));
      await walk(fs, '/', 0);
      await fs.stat('/a_directory/a_file');
      await fs.xattrs('/a_directory/a_file');
    } catch (e) {
      if (!(e instanceof ParseError) && !['ENOENT', 'EISDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    }
    return true;
  }), { numRuns: 3000 });
});

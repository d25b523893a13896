/**
 * Fuzzing ext: mutated superblock, group descriptors, inode tables, extent trees and directory
 * blocks of real ext2 and ext4 volumes, plus random bytes behind a valid superblock; only results
 * or ParseError, and every walk stays bounded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ParseError } from '../../electron/common/issues.js';
import { ExtFilesystem } from '../../electron/evidence/filesystems/ext.js';
import { parseDirBlock } from '../../electron/formats/ext/index.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { CORPUS } from '../helpers/corpus.js';

const BUDGET_MS = Number(process.env['FUZZ_MS'] ?? 4_000);

async function walk(fs: ExtFilesystem, dir: string, depth: number, budget: { n: number }): Promise<void> {
  if (depth > 12) return;
  for (const e of await fs.readdir(dir, { deleted: true })) {
    if (--budget.n < 0) return;
    if (e.type === 'dir') await walk(fs, e.path, depth + 1, budget);
    else {
      try {
        const r = await fs.open(e.path);
        const b = await r.read(0, Math.min(r.size, 1 << 15));
        assert.equal(b.length, Math.min(r.size, 1 << 15));
      } catch (err) {
        if (!(err instanceof ParseError) && !['ENOENT', 'EISDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      }
    }
  }
}

async function exercise(bytes: Uint8Array): Promise<void> {
  try {
    const fs = await ExtFilesystem.open(new BufferReader(bytes));
    await walk(fs, '/', 0, { n: 2000 });
  } catch (e) {
    if (!(e instanceof ParseError) && !['ENOENT', 'EISDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  }
}

const mutations = (hot: number) => fc.array(fc.record({ at: fc.nat(hot - 1), value: fc.nat(255) }), { minLength: 1, maxLength: 8 });

// Metadata of these small volumes sits in their first ~300 KiB (superblock, descriptors, inode tables, directories).
for (const rel of ['go-ext4/tests/images/hierarchy_64.ext4', 'go-ext4/tests/images/hierarchy_32.ext4', 'sleuthkit/test/data/image.dd']) {
  const path = join(CORPUS, rel);
  test(`mutated ${rel}`, { skip: existsSync(path) ? false : `no seed at ${path}` }, async () => {
    const seed = new Uint8Array(readFileSync(path));
    const hot = Math.min(seed.length, 320 * 1024);
    const start = Date.now();
    await fc.assert(fc.asyncProperty(mutations(hot), async (ms) => {
      if (Date.now() - start > BUDGET_MS) return true;
      const b = seed.slice();
      for (const m of ms) b[m.at] = m.value;
      await exercise(b);
      return true;
    }), { numRuns: 2000 });
  });
}

test('random directory blocks: entries stay inside the block and carry sane names', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 4096 }), fc.boolean(), (b, ft) => {
    const out: Parameters<typeof parseDirBlock>[3] = [];
    parseDirBlock(b, 1000, ft, out);
    for (const e of out) {
      assert.ok(e.inode <= 1000 && e.name.length > 0 && !e.name.includes('/'));
    }
  }), { numRuns: 3000 });
});

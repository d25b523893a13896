// Differencing VHDX end to end: test/fixtures/vhd-diff/make-vhdx-diff.py builds a qemu-made parent
// and a child written from the VHDX spec (full, partially present and absent blocks), plus cyclic
// chains. The child must read as the parent overlaid by its present sectors — as computed here and
// as libvhdi's vhdimount exposes it (when FUSE works) — and cycles must fail as a located `loop`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParseError } from '../../../../electron/common/issues.js';
import { openContainer } from '../../../../electron/evidence/containers/index.js';

const MiB = 1024 * 1024;

function generator(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); d !== dirname(d); d = dirname(d)) {
    const f = join(d, 'test', 'fixtures', 'vhd-diff', 'make-vhdx-diff.py');
    if (existsSync(f)) return f;
  }
  throw new Error('make-vhdx-diff.py not found');
}

let dir: string | null = null;
let why: string | false = false;
try {
  dir = mkdtempSync(join(tmpdir(), 'vhdx-diff-'));
  execFileSync('python3', [generator(), dir], { stdio: 'pipe', timeout: 120_000 });
} catch (e) {
  why = `fixtures not built (python3, qemu-img, qemu-io needed): ${(e as Error).message.split('\n')[0]}`;
}
process.on('exit', () => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** What the child must read as (see make-vhdx-diff.py). */
function expected(): Uint8Array {
  const b = new Uint8Array(8 * MiB);
  b.fill(0x11, 0, 2 * MiB).fill(0x22, 2 * MiB, 4 * MiB).fill(0x33, 4 * MiB, 6 * MiB);
  b.fill(0xc1, 0, 2 * MiB);
  for (const s of [0, 1, 2, 3, 4, 5, 6, 7, 100, 101]) b.fill(0xc2, 2 * MiB + s * 512, 2 * MiB + (s + 1) * 512);
  b.fill(0xc3, 8 * MiB - 512, 8 * MiB);
  return b;
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

test('child = parent overlaid by its full and partially present blocks (sector bitmap)', { skip: why }, async () => {
  const c = await openContainer(join(dir!, 'child.vhdx'));
  try {
    assert.equal(c.kind, 'vhdx');
    assert.equal(c.info['disk type'], 'differencing');
    assert.deepEqual(c.issues, []);
    const all = await c.reader.read(0, c.reader.size);
    assert.equal(sha(all), sha(expected()));
    // A read across the child/parent sector boundary inside the partial block.
    const mix = await c.reader.read(2 * MiB + 99 * 512, 4 * 512);
    assert.deepEqual([mix[0], mix[512], mix[1024], mix[1536]], [0x22, 0xc2, 0xc2, 0x22]);
  } finally {
    await c.close();
  }
});

test('child bytes equal what libvhdi vhdimount exposes (FUSE)', { skip: why }, async (t) => {
  const mnt = join(dir!, 'mnt');
  mkdirSync(mnt, { recursive: true });
  const m = spawnSync('vhdimount', [join(dir!, 'child.vhdx'), mnt], { encoding: 'utf8', timeout: 30_000 });
  if (m.status !== 0) { t.skip(`vhdimount unavailable: ${(m.stderr || m.error?.message || '').trim().split('\n').pop()}`); return; }
  try {
    // vhdimount lists the chain parent first: the last vhdiN is the child itself.
    const names = ['vhdi1', 'vhdi2', 'vhdi3'].filter((n) => existsSync(join(mnt, n)));
    assert.equal(names.length, 2);
    const theirs = new Uint8Array(readFileSync(join(mnt, names.at(-1)!)));
    const c = await openContainer(join(dir!, 'child.vhdx'));
    try {
      assert.equal(sha(await c.reader.read(0, c.reader.size)), sha(theirs));
    } finally {
      await c.close();
    }
  } finally {
    spawnSync('fusermount', ['-u', mnt]);
  }
});

test('parent missing: opens, says so, reads the parent sectors as zeros', { skip: why }, async () => {
  renameSync(join(dir!, 'parent.vhdx'), join(dir!, 'parent.moved'));
  try {
    const c = await openContainer(join(dir!, 'child.vhdx'));
    try {
      assert.equal(c.issues.length, 1);
      assert.match(c.issues[0]!.message, /parent disk .*parent\.vhdx not found/);
      const b = await c.reader.read(2 * MiB, 8 * 512);
      assert.ok(b.every((x) => x === 0xc2));
      assert.ok((await c.reader.read(4 * MiB, 4096)).every((x) => x === 0));
    } finally {
      await c.close();
    }
  } finally {
    renameSync(join(dir!, 'parent.moved'), join(dir!, 'parent.vhdx'));
  }
});

test('cyclic parent chains (A→B→A, self) fail as a located loop error naming the file', { skip: why }, async () => {
  for (const f of ['loop-a.vhdx', 'self.vhdx']) {
    await assert.rejects(openContainer(join(dir!, f)), (e) => e instanceof ParseError && e.code === 'loop' && e.message.includes('cyclic parent chain') && /loop-a\.vhdx|self\.vhdx/.test(e.message));
  }
});

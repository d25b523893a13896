/**
 * openContainerReader: the container formats over a Reader (an image met inside an archive).
 * Images are made by qemu-img from one raw disk with a known pattern and must read back as exactly
 * that disk; anything that needs a second file (differencing parent, backing file) is refused with
 * a message that says why, instead of a disk read half as zeros.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParseError } from '../../../electron/common/issues.js';
import { openContainerReader } from '../../../electron/evidence/containers/index.js';
import { BufferReader } from '../../../electron/io/buffer-reader.js';
import { FileReader } from '../../../electron/io/file-reader.js';
import { readAll, type Reader } from '../../../electron/io/reader.js';

const MiB = 1024 * 1024;
const skip = spawnSync('sh', ['-c', 'command -v qemu-img']).status === 0 ? false : 'qemu-img not installed';
const dir = mkdtempSync(join(tmpdir(), '3cx-container-reader-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** 4 MiB: a pattern in the first MiB, zeros, a marker in the last sector. */
function rawDisk(): Uint8Array {
  const b = new Uint8Array(4 * MiB);
  for (let i = 0; i < MiB; i++) b[i] = (i * 31 + (i >> 9)) & 0xff;
  b.set(new TextEncoder().encode('last sector marker'), 4 * MiB - 512);
  return b;
}

/** A Reader that counts how often it is closed (the container owns it). */
function counted(r: Reader): Reader & { closes: number } {
  const o = { closes: 0, size: r.size, read: (a: number, b: number) => r.read(a, b), close: async () => { o.closes++; await r.close(); } };
  return o;
}

test('VHDX, dynamic and fixed VHD, QCOW2 over a Reader read back the raw disk; the container owns the reader', { skip }, async () => {
  const raw = rawDisk();
  writeFileSync(join(dir, 'disk.raw'), raw);
  const made: [string, string, string[]][] = [
    ['vhdx', 'disk.vhdx', ['-O', 'vhdx']],
    ['vhd', 'dyn.vhd', ['-O', 'vpc', '-o', 'subformat=dynamic,force_size=on']],
    ['vhd', 'fixed.vhd', ['-O', 'vpc', '-o', 'subformat=fixed,force_size=on']],
    ['qcow2', 'disk.qcow2', ['-O', 'qcow2']],
  ];
  for (const [kind, name, args] of made) {
    execFileSync('qemu-img', ['convert', '-f', 'raw', ...args, join(dir, 'disk.raw'), join(dir, name)]);
    // In memory, as a stored ZIP member's slice would be: no path anywhere.
    const inner = counted(new BufferReader(new Uint8Array(readFileSync(join(dir, name)))));
    const c = await openContainerReader(inner, name);
    assert.equal(c.kind, kind, name);
    assert.equal(c.reader.size, raw.length, name);
    assert.equal(sha(await readAll(c.reader, 8 * MiB)), sha(raw), name);
    assert.deepEqual(c.issues, [], name);
    await c.close();
    assert.equal(inner.closes, 1, `${name}: closing the container closes the member reader`);
  }
});

test('bytes that are no container are a raw disk', async () => {
  const c = await openContainerReader(new BufferReader(new Uint8Array(4096).fill(7)), 'x.bin');
  assert.equal(c.kind, 'raw');
  assert.equal(c.reader.size, 4096);
  await c.close();
});

test('a QCOW2 overlay needs its backing file: refused inside an archive, reader closed', { skip }, async () => {
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'base.qcow2'), '4M']);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', join(dir, 'over.qcow2')]);
  const inner = counted(await FileReader.open(join(dir, 'over.qcow2')));
  await assert.rejects(openContainerReader(inner, 'over.qcow2'), (e: unknown) => e instanceof ParseError && /over\.qcow2 is a QCOW2 overlay and needs its backing file base\.qcow2, which cannot be looked up inside an archive/.test(e.message));
  assert.equal(inner.closes, 1);
});

test('a differencing VHDX needs its parent: refused inside an archive', { skip }, async () => {
  let gen = '';
  for (let d = dirname(fileURLToPath(import.meta.url)); d !== dirname(d) && !gen; d = dirname(d)) {
    const f = join(d, 'test', 'fixtures', 'vhd-diff', 'make-vhdx-diff.py');
    if (existsSync(f)) gen = f;
  }
  const out = join(dir, 'diff');
  try {
    execFileSync('python3', [gen, out], { stdio: 'pipe', timeout: 120_000 });
  } catch (e) {
    assert.fail(`make-vhdx-diff.py failed: ${(e as Error).message}`);
  }
  const r = await FileReader.open(join(out, 'child.vhdx'));
  await assert.rejects(openContainerReader(r, 'child.vhdx'), (e: unknown) => e instanceof ParseError && /child\.vhdx is a differencing VHDX and needs its parent disk .*parent\.vhdx.*cannot be looked up inside an archive/.test(e.message));
});

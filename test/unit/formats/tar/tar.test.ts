import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParseError } from '../../../../electron/common/issues.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { readAll } from '../../../../electron/io/reader.js';
import { TarArchive, parseHeader } from '../../../../electron/formats/tar/index.js';

const longName = `deep/${'a'.repeat(60)}/${'b'.repeat(60)}/file-with-a-long-name.txt`;

function makeTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tar-test-'));
  mkdirSync(join(dir, 'src', 'deep', 'a'.repeat(60), 'b'.repeat(60)), { recursive: true });
  writeFileSync(join(dir, 'src', longName), 'long name content');
  writeFileSync(join(dir, 'src', 'plain.txt'), 'plain');
  linkSync(join(dir, 'src', 'plain.txt'), join(dir, 'src', 'hard.txt'));
  utimesSync(join(dir, 'src', 'plain.txt'), 1679303520.25, 1679303520.25);
  return dir;
}

async function byName(t: TarArchive): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of t.entries) {
    if (e.type !== 'file' && e.type !== 'hardlink') continue;
    const r = await t.openMember(e);
    out[e.name.replace(/^\.\//, '')] = new TextDecoder().decode(await readAll(r, 1 << 20));
  }
  return out;
}

for (const format of ['gnu', 'pax', 'ustar']) {
  test(`GNU tar --format=${format}: long names, hard links and times are indexed; members are slices`, async () => {
    const dir = makeTree();
    try {
      assert.equal(spawnSync('tar', [`--format=${format}`, '-cf', '../t.tar', '.'], { cwd: join(dir, 'src') }).status, 0);
      const t = await TarArchive.open(new BufferReader(readFileSync(join(dir, 't.tar'))));
      const files = await byName(t);
      assert.equal(files[longName], 'long name content');
      assert.equal(files['plain.txt'], 'plain');
      assert.equal(files['hard.txt'] ?? files['plain.txt'], 'plain');
      const plain = t.entries.find((e) => e.name.endsWith('plain.txt'))!;
      assert.equal(plain.modified, format === 'pax' ? '2023-03-20T09:12:00.250Z' : '2023-03-20T09:12:00.000Z');
      assert.deepEqual(t.issues, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('tar.gz is decompressed once into a private temp copy that close() removes', async () => {
  const dir = makeTree();
  try {
    assert.equal(spawnSync('tar', ['-czf', '../t.tgz', '.'], { cwd: join(dir, 'src') }).status, 0);
    const tmp = mkdtempSync(join(tmpdir(), 'tar-spill-'));
    const t = await TarArchive.open(new BufferReader(readFileSync(join(dir, 't.tgz'))), { gzip: true, tempDir: tmp });
    assert.equal(readdirSync(tmp).length, 1);
    assert.equal((await byName(t))['plain.txt'], 'plain');
    await t.close();
    assert.deepEqual(readdirSync(tmp), []);
    rmSync(tmp, { recursive: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a header with a bad checksum at offset 0 is a ParseError; later, it ends the walk with an issue', async () => {
  const dir = makeTree();
  try {
    spawnSync('tar', ['-cf', '../t.tar', 'plain.txt', longName], { cwd: join(dir, 'src') });
    const bytes = readFileSync(join(dir, 't.tar'));
    const first = Buffer.from(bytes);
    first[10] = first[10]! ^ 0xff;
    await assert.rejects(TarArchive.open(new BufferReader(first)), (e: unknown) => e instanceof ParseError && e.code === 'checksum');
    const later = Buffer.from(bytes);
    later[1024 + 10] = later[1024 + 10]! ^ 0xff;
    const t = await TarArchive.open(new BufferReader(later));
    assert.equal(t.entries.length, 1);
    assert.ok(t.issues.some((i) => i.code === 'checksum'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a member cut off by truncation is reported, earlier members stay readable', async () => {
  const dir = makeTree();
  try {
    writeFileSync(join(dir, 'src', 'big.bin'), Buffer.alloc(100_000, 7));
    spawnSync('tar', ['-cf', '../t.tar', 'plain.txt', 'big.bin'], { cwd: join(dir, 'src') });
    const t = await TarArchive.open(new BufferReader(readFileSync(join(dir, 't.tar')).subarray(0, 50_000)));
    assert.deepEqual(t.entries.map((e) => e.name), ['plain.txt']);
    assert.ok(t.issues.some((i) => i.code === 'truncated' && i.member === 'big.bin'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('base-256 sizes and non-octal fields are decoded or refused with a located error', () => {
  const h = new Uint8Array(512);
  h.set(new TextEncoder().encode('x.bin'), 0);
  h[124] = 0x80;
  h[135] = 0x10; // base-256 size 16
  h.set(new TextEncoder().encode('ustar\u000000'), 257);
  h[156] = 0x30;
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.set(new TextEncoder().encode(sum.toString(8).padStart(6, '0') + '\u0000 '), 148);
  assert.equal(parseHeader(h, 0).size, 16);
  h.set(new TextEncoder().encode('9999'), 100);
  assert.throws(() => parseHeader(h, 0), (e: unknown) => e instanceof ParseError);
});

/**
 * Fuzzing NTFS: mutated boot sectors, MFT records, runlists, index blocks and LZNT1 data, and whole
 * volumes with mutated metadata walked end to end (ls -r with deleted entries, reads of every
 * stream). Only results or ParseError (or a plain ENOENT/EISDIR for a name the damage removed)
 * are accepted; every case must finish (runlist loops, index cycles, cyclic parents).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ParseError } from '../../electron/common/issues.js';
import { NtfsFilesystem } from '../../electron/evidence/filesystems/ntfs.js';
import { decodeRunlist, lznt1Decompress, parseBootSector, parseMftRecord, readIndex } from '../../electron/formats/ntfs/index.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { fileNameValue, indexNode, indexRoot, indxBlock, mftRecord } from '../unit/formats/ntfs/build.js';
import { generatedImages } from '../unit/formats/ntfs/generated.js';

const BUDGET_MS = Number(process.env["FUZZ_MS"] ?? 8_000);

function acceptable(e: unknown): void {
  if (e instanceof ParseError) return;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EISDIR') return;
  throw e;
}

const mutations = (len: number) => fc.array(fc.record({ at: fc.nat(len - 1), value: fc.oneof(fc.nat(255), fc.constantFrom(0, 0xff, 0x80, 0x7f)) }), { minLength: 1, maxLength: 8 });
function mutate(seed: Uint8Array, ms: { at: number; value: number }[]): Uint8Array {
  const b = Uint8Array.from(seed);
  for (const m of ms) b[m.at] = m.value;
  return b;
}

test('runlists and LZNT1 from random bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(1000), (b, last) => {
    try {
      const runs = decodeRunlist(b, 0, 0, last, 1 << 20);
      assert.ok(runs.every((r) => r.length > 0 && (r.lcn === null || r.lcn + r.length <= 1 << 20)));
    } catch (e) { acceptable(e); }
    try {
      assert.equal(lznt1Decompress(b, 8192).length, 8192);
    } catch (e) { acceptable(e); }
    return true;
  }), { numRuns: 3000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false });
});

test('mutated MFT records, boot sectors and index blocks', async () => {
  const rec = mftRecord(40, [
    { type: 0x10, resident: new Uint8Array(72) },
    { type: 0x30, resident: fileNameValue('file.txt', 5, 5) },
    { type: 0x80, nonResident: { startVcn: 0, lastVcn: 3, runlist: [0x11, 0x02, 0x20, 0x01, 0x02, 0x00], dataSize: 16000 } },
    { type: 0x20, resident: new Uint8Array(32) },
  ]);
  const key = (n: string): Uint8Array => fileNameValue(n, 5, 5);
  const root = indexRoot(indexNode([{ ref: 40, key: key('m.txt'), sub: 0 }], 1));
  const alloc = new Uint8Array(8192);
  alloc.set(indxBlock(0, indexNode([{ ref: 41, key: key('a.txt') }], undefined, 40)), 0);
  alloc.set(indxBlock(1, indexNode([{ ref: 42, key: key('z.txt') }], 0, 40)), 4096);
  const boot = new Uint8Array(512);
  const dv = new DataView(boot.buffer);
  boot.set([...'NTFS    '].map((c) => c.charCodeAt(0)), 3);
  dv.setUint16(11, 512, true); boot[13] = 8; dv.setBigUint64(0x28, 131071n, true); dv.setBigUint64(0x30, 4n, true); boot[0x40] = 0xf6; boot[0x44] = 1;
  await fc.assert(fc.asyncProperty(mutations(1024), mutations(512), mutations(8192), mutations(root.length), async (mr, mb, ma, mroot) => {
    try { parseMftRecord(mutate(rec, mr), 40, 0, 1000); } catch (e) { acceptable(e); }
    try { parseBootSector(mutate(boot, mb)); } catch (e) { acceptable(e); }
    try {
      await readIndex(mutate(root, mroot), 0, new BufferReader(mutate(alloc, ma)), 4096, []);
    } catch (e) { acceptable(e); }
    return true;
  }), { numRuns: 2000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false });
});

/** A seed volume: the generated 16 MiB data volume when built, else a blank 2 MiB mkntfs volume. */
function seedVolume(): Uint8Array | null {
  const gen = generatedImages();
  if (gen) return new Uint8Array(readFileSync(join(gen, 'data.raw')));
  if (spawnSync('which', ['mkntfs']).status !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), '3cx-ntfs-fuzz-'));
  try {
    const p = join(dir, 'v.img');
    spawnSync('truncate', ['-s', '2M', p]);
    if (spawnSync('mkntfs', ['-F', '-Q', '-q', '-c', '4096', p]).status !== 0) return null;
    return new Uint8Array(readFileSync(p));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const seed = seedVolume();

test('whole volumes with mutated boot sector, MFT and index blocks: walk and read everything', { skip: seed ? false : 'needs mkntfs', timeout: 120_000 }, async () => {
  const vol = seed!;
  const mftAt = 4 * 4096;
  // Targets: boot sector, the first 40 MFT records, and anywhere in the first 4 MiB (index blocks).
  const target = fc.oneof(
    { arbitrary: fc.nat(511), weight: 1 },
    { arbitrary: fc.integer({ min: mftAt, max: mftAt + 40 * 1024 - 1 }), weight: 12 },
    { arbitrary: fc.nat(Math.min(vol.length, 4 << 20) - 1), weight: 4 },
  );
  const muts = fc.array(fc.record({ at: target, value: fc.oneof(fc.nat(255), fc.constantFrom(0, 0xff)) }), { minLength: 1, maxLength: 6 });
  const start = Date.now();
  let runs = 0;
  let opened = 0;
  await fc.assert(fc.asyncProperty(muts, async (ms) => {
    if (Date.now() - start > BUDGET_MS) return true;
    runs++;
    const bytes = Uint8Array.from(vol);
    for (const m of ms) bytes[m.at] = m.value;
    let fs: NtfsFilesystem;
    try {
      fs = await NtfsFilesystem.open(new BufferReader(bytes));
    } catch (e) { acceptable(e); return true; }
    opened++;
    const walk = async (dir: string, depth: number): Promise<void> => {
      let entries;
      try { entries = await fs.readdir(dir, { deleted: true }); } catch (e) { acceptable(e); return; }
      for (const e of entries) {
        assert.ok(Number.isSafeInteger(e.size) && e.size >= 0);
        if (e.type === 'dir' && depth < 16) await walk(e.path, depth + 1);
        else {
          try {
            const r = await fs.open(e.path);
            await r.read(0, Math.min(r.size, 65536));
          } catch (err) { acceptable(err); }
        }
      }
    };
    await walk('/', 0);
    for (const i of fs.issues) assert.equal(typeof i.message, 'string');
    return true;
  }), { numRuns: Number(process.env["FUZZ_RUNS"] ?? 400) });
  assert.ok(runs > 5 && opened > runs / 4, `${runs} mutated volumes, ${opened} opened`);
});

/** Fuzzing MBR/GPT parsing and volume detection: mutated tables, random sectors; only results or ParseError. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ParseError } from '../../electron/common/issues.js';
import { openVolumes } from '../../electron/evidence/volumes/index.js';
import { parseGpt } from '../../electron/formats/gpt/index.js';
import { parseMbr } from '../../electron/formats/mbr/index.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { gptDisk, mbrDisk } from '../unit/formats/mbr/build-disk.js';

const BUDGET_MS = Number(process.env["FUZZ_MS"] ?? 8_000);

async function check(bytes: Uint8Array): Promise<void> {
  const r = new BufferReader(bytes);
  for (const f of [() => parseMbr(r), () => parseGpt(r)]) {
    try { await f(); } catch (e) { if (!(e instanceof ParseError)) throw e; }
  }
  const vs = await openVolumes(r); // never throws on bad tables: falls back to a bare volume
  for (const v of vs.volumes) {
    assert.ok(v.offset >= 0 && v.offset + v.size <= bytes.length && v.size > 0);
    assert.equal(v.reader.size, v.size);
  }
}

test('mutated MBR (with EBR chain) and GPT disks', async () => {
  const seeds = [mbrDisk(), gptDisk(256, [{ first: 34, last: 99, name: 'Data' }, { first: 100, last: 199, name: 'Windows' }])];
  // Mutations aimed at the tables: MBR entries, EBRs at 200/300, GPT header + entries, backup.
  const hot = [[0x1be, 0x200], [200 * 512 + 0x1be, 200 * 512 + 0x200], [300 * 512 + 0x1be, 300 * 512 + 0x200], [512, 512 + 92], [1024, 1024 + 256], [255 * 512, 255 * 512 + 92]] as const;
  const at = fc.oneof(...hot.map(([a, b]) => fc.integer({ min: a, max: b - 1 })), fc.nat(256 * 512 - 1));
  const start = Date.now();
  await fc.assert(fc.asyncProperty(fc.nat(1), fc.array(fc.record({ at, value: fc.nat(255) }), { minLength: 1, maxLength: 10 }), fc.boolean(), async (s, ms, cut) => {
    if (Date.now() - start > BUDGET_MS) return true;
    let b = Uint8Array.from(seeds[s]!);
    for (const m of ms) if (m.at < b.length) b[m.at] = m.value;
    if (cut) b = b.subarray(0, ms[0]!.at);
    await check(b);
    return true;
  }), { numRuns: 3000 });
});

test('random first sectors', async () => {
  const start = Date.now();
  await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 2048 }), fc.boolean(), async (b, sig) => {
    if (Date.now() - start > 2000) return true;
    if (sig && b.length >= 512) { b[510] = 0x55; b[511] = 0xaa; }
    await check(b);
    return true;
  }), { numRuns: 1000 });
});

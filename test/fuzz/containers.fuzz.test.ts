/**
 * Mutated headers and tables of generated container images (make-containers.sh, 8 MiB disk): each
 * format parser must return a reader (whose reads stay bounded) or throw ParseError; never another
 * error, never a hang. About 1.3 s per format.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ParseError } from '../../electron/common/issues.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import type { Reader } from '../../electron/io/reader.js';
import { openEwf } from '../../electron/formats/ewf/index.js';
import { openVhd } from '../../electron/formats/vhd/index.js';
import { openVhdx } from '../../electron/formats/vhdx/index.js';
import { openVmdk } from '../../electron/formats/vmdk/index.js';
import { openQcow } from '../../electron/formats/qcow2/index.js';
import { FIXTURE_SKIP, generatedContainers } from '../unit/formats/ewf/fixtures.js';

const BUDGET_MS = Number(process.env['TRIAGE_FUZZ_MS'] ?? 1_300);

type Open = (r: Reader) => Promise<{ reader: Reader; issues: unknown[] }>;
const FORMATS: { file: string; open: Open; hot: (b: Uint8Array) => [number, number][] }[] = [
  { file: 'e01/disk.E01', open: (r) => openEwf([{ name: 'disk.E01', reader: r }]), hot: (b) => near(b, ['header', 'volume', 'sectors', 'table', 'table2', 'hash', 'digest', 'done']) },
  { file: 'dynamic.vhd', open: (r) => openVhd(r), hot: (b) => [[0, 4096], [b.length - 512, 512]] },
  { file: 'disk.vhdx', open: (r) => openVhdx(r), hot: () => [[0, 8], [64 << 10, 128], [128 << 10, 128], [192 << 10, 128], [1 << 20, 4096], [2 << 20, 4096], [3 << 20, 512]] },
  { file: 'sparse.vmdk', open: (r) => openVmdk(r, { openFile: async () => null }), hot: () => [[0, 512], [512, 65536]] },
  { file: 'stream.vmdk', open: (r) => openVmdk(r, { openFile: async () => null }), hot: (b) => [[0, 512], [b.length - 4096, 4096]] },
  { file: 'disk.qcow2', open: (r) => openQcow(r), hot: () => [[0, 112], [0x30000, 4096], [0x40000, 4096]] },
  { file: 'compressed.qcow2', open: (r) => openQcow(r), hot: () => [[0, 112], [0x30000, 4096], [0x40000, 4096]] },
];

/** ±128 bytes around each section descriptor whose type name occurs in the file. */
function near(b: Uint8Array, names: string[]): [number, number][] {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  const out: [number, number][] = [[0, 13]];
  for (const n of names) {
    for (let at = buf.indexOf(n + '\0'), k = 0; at >= 0 && k < 4; at = buf.indexOf(n + '\0', at + 1), k++) out.push([at, 76 + 128]);
  }
  return out;
}

function mutate(seed: Uint8Array, ms: { range: number; at: number; kind: number; value: number }[], hot: [number, number][]): Uint8Array {
  let b = Uint8Array.from(seed);
  for (const m of ms) {
    const [start, len] = hot[m.range % hot.length]!;
    const at = Math.min(b.length - 1, start + (m.at % Math.max(1, len)));
    if (m.kind === 0) b[at] = m.value & 0xff;
    else if (m.kind === 1 && at + 4 <= b.length) new DataView(b.buffer).setUint32(at, m.value >>> 0, true);
    else if (m.kind === 2 && at + 4 <= b.length) new DataView(b.buffer).setUint32(at, m.value >>> 0, false);
    else if (m.kind === 3) b = b.slice(0, Math.max(0, at));
  }
  return b;
}

async function check(open: Open, bytes: Uint8Array, probes: number[]): Promise<void> {
  try {
    const img = await open(new BufferReader(bytes));
    assert.ok(Number.isSafeInteger(img.reader.size) && img.reader.size >= 0);
    const at = [0, Math.max(0, img.reader.size - 65536), ...probes.map((p) => Math.floor(p * img.reader.size))];
    for (const o of at) {
      const got = await img.reader.read(Math.min(o, img.reader.size), 65536);
      assert.ok(got.length <= 65536);
    }
    await img.reader.close();
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
  }
}

for (const f of FORMATS) {
  test(`fuzz ${f.file}: mutated headers/tables give a reader or ParseError`, { skip: FIXTURE_SKIP }, async () => {
    const seed = new Uint8Array(readFileSync(join(generatedContainers(8), f.file)));
    const hot = f.hot(seed);
    await check(f.open, seed, [0.5]); // the unmutated seed opens
    const m = fc.record({ range: fc.nat(64), at: fc.nat(1 << 20), kind: fc.nat(3), value: fc.oneof(fc.nat(), fc.constantFrom(0, 0xffffffff, 0x80000000, 0x7fffffff, 1, 512)) });
    await fc.assert(
      fc.asyncProperty(fc.array(m, { minLength: 1, maxLength: 6 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }), async (ms, probes) => {
        await check(f.open, mutate(seed, ms, hot), probes);
      }),
      { seed: 0x3c5, numRuns: 100_000, interruptAfterTimeLimit: BUDGET_MS, timeout: 3_000, markInterruptAsFailure: false },
    );
  });
}

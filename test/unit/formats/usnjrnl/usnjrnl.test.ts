import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParseError } from '../../../../electron/common/issues.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import type { Reader } from '../../../../electron/io/reader.js';
import {
  decodeReasons, dumpUsnJournal, newStats, parseUsnRecord, walkUsnJournal, type UsnRecord, type UsnWalkStats,
} from '../../../../electron/formats/usnjrnl/index.js';
import { usnFixtures } from './fixtures.js';

const FIX = usnFixtures();
const SYNTH = new Uint8Array(readFileSync(join(FIX, 'synthetic.usn')));
const LEAD_IN = 16 * 1024 * 1024;

/** `prefix` zero bytes then `tail`, as a sparse $J reads; optionally telling its allocated range. */
function sparseJ(tail: Uint8Array, prefix: number, withRanges: boolean): Reader & { reads: number } {
  const r = {
    size: prefix + tail.length,
    reads: 0,
    async read(off: number, len: number): Promise<Uint8Array> {
      r.reads++;
      const end = Math.min(r.size, off + len);
      const out = new Uint8Array(Math.max(0, end - off));
      const from = Math.max(off, prefix);
      if (from < end) out.set(tail.subarray(from - prefix, end - prefix), from - off);
      return out;
    },
    async close() {},
  };
  return withRanges ? Object.assign(r, { allocatedRanges: () => [{ start: prefix, end: prefix + tail.length }] }) : r;
}

async function walk(r: Reader): Promise<{ recs: UsnRecord[]; stats: UsnWalkStats }> {
  const stats = newStats(r.size);
  const recs: UsnRecord[] = [];
  for await (const x of walkUsnJournal(r, stats)) recs.push(x);
  return { recs, stats };
}

test('make-usn.py reproduces the committed synthetic journal byte for byte', (t) => {
  let dir: string | null = null;
  try {
    dir = mkdtempSync(join(tmpdir(), 'usn-'));
    execFileSync('python3', [join(FIX, 'make-usn.py'), join(dir, 'out.usn')]);
  } catch (e) {
    if (dir) rmSync(dir, { recursive: true, force: true });
    t.skip(`python3 unavailable: ${(e as Error).message}`);
    return;
  }
  assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'out.usn'))), SYNTH);
  rmSync(dir, { recursive: true, force: true });
});

test('synthetic journal: V2, V3 and V4 records, names, refs, reasons and times', async () => {
  const { recs, stats } = await walk(new BufferReader(SYNTH));
  assert.equal(stats.records, 19);
  assert.deepEqual(stats.byVersion, { 2: 15, 3: 3, 4: 1 });
  const names = recs.map((r) => r.name);
  assert.deepEqual(names.slice(0, 9), ['3CXDesktopApp-18.12.416.msi', '3CXDesktopApp-18.12.416.msi', '3CXDesktopApp', 'app', 'ffmpeg.dll', 'd3dcompiler_47.dll', '3CXDesktopApp.exe', 'Update.exe', 'notes.txt']);
  assert.ok(!names.includes('straddle-ffmpeg.dll'), 'the page-crossing record is not returned');
  const ff = recs.find((r) => r.name === 'ffmpeg.dll')!;
  assert.deepEqual(ff.file, { entry: 1002, sequence: 2, hex: '00020000000003ea' });
  assert.deepEqual(ff.parent, { entry: 1001, sequence: 3, hex: '00030000000003e9' });
  assert.equal(ff.timestamp, '2023-03-22T10:01:02.000Z');
  assert.deepEqual(ff.reasons, ['DATA_EXTEND', 'FILE_CREATE', 'CLOSE']);
  assert.equal(ff.usn, LEAD_IN + ff.offset);
  const manifest = recs.filter((r) => r.name === 'manifest');
  assert.equal(manifest.length, 2);
  assert.equal(manifest[0]!.majorVersion, 3);
  assert.deepEqual(manifest[0]!.file, { entry: 1006, sequence: 1, hex: '0000000000000000000100000000' + '03ee' });
  const refs = recs.find((r) => r.name === 'refs-file.txt')!;
  assert.equal(refs.file.entry, null, 'a 128-bit id with a non-zero upper half is not an MFT reference');
  assert.equal(refs.file.hex, '0000000000000077' + '0000000000001234');
  const del = recs.find((r) => r.name === 'ffmpeg.dll' && r.reasons.includes('FILE_DELETE'))!;
  assert.equal(del.timestamp, '2023-03-31T12:00:00.000Z');
  const v4 = recs.find((r) => r.majorVersion === 4)!;
  assert.equal(v4.name, null);
  assert.equal(v4.timestamp, null);
  assert.deepEqual(v4.extents, [{ offset: 0, length: 4096 }, { offset: 8192, length: 512 }]);
  assert.deepEqual(recs.at(-1)!.name, 'guard64.dll');
  // The straddler, its tail at the top of the next page, and the planted garbage.
  assert.deepEqual(stats.issues.map((i) => i.offset), [8152, 8192, 8680]);
  assert.match(stats.issues[0]!.message, /cross the 4096-byte page boundary/);
  assert.equal(stats.badRegions, 3);
});

test('sparse head: the allocated-range map skips it unread; without it, zero windows are skipped', async () => {
  const mapped = sparseJ(SYNTH, LEAD_IN, true);
  const a = await walk(mapped);
  assert.equal(a.stats.usedRangeMap, true);
  assert.equal(a.stats.bytesSkippedSparse, LEAD_IN);
  assert.equal(a.stats.bytesScanned, SYNTH.length);
  assert.ok(a.recs.every((r) => r.usn === r.offset), 'USN = offset in $J once the head is in place');
  const plain = sparseJ(SYNTH, LEAD_IN, false);
  const b = await walk(plain);
  assert.equal(b.stats.usedRangeMap, false);
  assert.equal(b.stats.bytesScanned, LEAD_IN + SYNTH.length);
  assert.deepEqual(b.recs, a.recs);
  assert.ok(plain.reads <= 6, `big windows: ${plain.reads} reads`);
});

test('a journal of zeros or of garbage yields nothing and never throws', async () => {
  assert.equal((await walk(new BufferReader(new Uint8Array(100_000)))).recs.length, 0);
  const junk = new Uint8Array(3 * 4096).fill(0xff);
  const { recs, stats } = await walk(new BufferReader(junk));
  assert.equal(recs.length, 0);
  assert.equal(stats.badRegions, 3);
});

test('parseUsnRecord: located errors for lying headers and names', () => {
  const one = SYNTH.slice(0, 120);
  assert.equal(parseUsnRecord(one, 0, 0).name, '3CXDesktopApp-18.12.416.msi');
  const badName = one.slice();
  new DataView(badName.buffer).setUint16(58, 100, true);
  assert.throws(() => parseUsnRecord(badName, 0, 4096), (e) => e instanceof ParseError && e.code === 'out-of-bounds' && e.offset === 4096 + 24 + 32);
  const v9 = one.slice();
  new DataView(v9.buffer).setUint16(4, 9, true);
  assert.throws(() => parseUsnRecord(v9, 0, 0), (e) => e instanceof ParseError && e.code === 'unsupported-version');
  assert.throws(() => parseUsnRecord(one.subarray(0, 100), 0, 0), (e) => e instanceof ParseError && e.code === 'truncated');
});

test('reason flags decode to names; unknown bits stay visible', () => {
  assert.deepEqual(decodeReasons(0x80000300), ['FILE_CREATE', 'FILE_DELETE', 'CLOSE']);
  assert.deepEqual(decodeReasons(0x02000002), ['DATA_EXTEND', '0x02000000']);
});

test('dumpUsnJournal yields every record then a summary', async () => {
  const out: unknown[] = [];
  for await (const x of dumpUsnJournal(new BufferReader(SYNTH))) out.push(x);
  assert.equal(out.length, 20);
  assert.equal((out.at(-1) as { summary: UsnWalkStats }).summary.records, 19);
});

/**
 * The MFT table's fast decoder must agree with the full parser on every record it accepts:
 * checked on the generated images, the corpus volumes, hand-made records that take each unusual
 * branch, and records mutated at random (a record the full parser refuses must never be fast).
 * Also: isoFromMs is exactly Date#toISOString.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { ParseError } from '../../../../electron/common/issues.js';
import { isoFromMs, looksLikeNtfs, MftTable, NtfsVolume, REC_DIR, REC_FAST, REC_IN_USE } from '../../../../electron/formats/ntfs/index.js';
import { openVolumes } from '../../../../electron/evidence/volumes/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { CORPUS, HAVE_CORPUS } from '../../../helpers/corpus.js';
import { generatedImages, generatedSkipReason } from './generated.js';
import { mftRecord } from './build.js';

const iso = (ms: number): string | null => (Number.isNaN(ms) ? null : isoFromMs(ms));

/** Every fast record equals what NtfsVolume.file gives; returns [fast, slow] counts. */
async function agree(vol: NtfsVolume, table: MftTable): Promise<[number, number]> {
  let fast = 0;
  let slow = 0;
  for (let n = 0; n < table.count; n++) {
    const flags = table.flags[n]!;
    if (!(flags & REC_FAST)) {
      slow++;
      continue;
    }
    fast++;
    const f = await vol.file(n); // a fast record must be readable by the full parser
    assert.equal(table.sequence[n], f.sequence, `entry ${n} sequence`);
    assert.equal((flags & REC_IN_USE) !== 0, f.inUse, `entry ${n} in use`);
    assert.equal((flags & REC_DIR) !== 0, f.isDir, `entry ${n} directory`);
    assert.ok(f.si, `entry ${n} has $SI`);
    if (!f.isDir) assert.equal(table.size[n], f.data.find((d) => d.name === '')?.size ?? 0, `entry ${n} size`);
    const t = n * 4;
    assert.deepEqual([iso(table.times[t]!), iso(table.times[t + 1]!), iso(table.times[t + 2]!), iso(table.times[t + 3]!)], [f.si.created, f.si.modified, f.si.changed, f.si.accessed], `entry ${n} times`);
  }
  return [fast, slow];
}

/** The NTFS volume of a bare volume image, or of the first NTFS partition of a disk image. */
async function volumeOf(bytes: Uint8Array): Promise<NtfsVolume> {
  if (looksLikeNtfs(bytes.subarray(0, 512))) return NtfsVolume.open(new BufferReader(bytes));
  for (const v of (await openVolumes(new BufferReader(bytes))).volumes) {
    if (looksLikeNtfs(await v.reader.read(0, 512))) return NtfsVolume.open(v.reader);
  }
  throw new Error('no NTFS volume in the image');
}

/** A byte of a record to damage: anywhere, or (half the time) a header field, a stride's fixup bytes or an attribute header. */
const offsetIn = (rs: number): fc.Arbitrary<number> => fc.oneof(
  fc.integer({ min: 0, max: rs - 1 }),
  fc.constantFrom(4, 5, 6, 7, 0x10, 0x14, 0x16, 0x18, 0x19, 0x1c, 0x2a, 0x2b, 510, 511, rs - 2, rs - 1),
  fc.integer({ min: 0x38, max: 0x180 }),
);

const genDir = generatedImages();
test('generated volume: every fast record agrees with the full parser', { skip: generatedSkipReason() ?? false }, async () => {
  const bytes = readFileSync(join(genDir!, 'ntfs.raw'));
  const vol = await volumeOf(bytes);
  const table = (await MftTable.build(vol))!;
  const [fast, slow] = await agree(vol, table);
  assert.ok(fast > 100, `${fast} fast records`);
  assert.ok(slow > 0, 'empty slots and unusual records are left to the full parser');
});

const corpusVolumes = ['ntfs3.raw.gz', 'ntfs3_attrlist.raw.gz', 'ntfs_index.raw.gz'].map((f) => join(CORPUS, 'dfir_ntfs', 'test_data', f));
for (const file of corpusVolumes) {
  test(`corpus ${file.split('/').pop()}: every fast record agrees with the full parser`, { skip: HAVE_CORPUS && existsSync(file) ? false : `corpus not found at ${CORPUS}` }, async () => {
    const vol = await volumeOf(gunzipSync(readFileSync(file)));
    const table = (await MftTable.build(vol))!;
    const [fast] = await agree(vol, table);
    assert.ok(fast > 10);
    if (file.includes('attrlist')) {
      // Files whose attributes spill into extension records are never decoded from the base alone.
      let spilled = 0;
      for (let n = 0; n < table.count; n++) {
        try {
          const rec = await vol.record(n);
          if (rec.attrs.some((a) => a.type === 0x20)) {
            spilled++;
            assert.equal(table.flags[n]! & REC_FAST, 0, `entry ${n} has an $ATTRIBUTE_LIST`);
          }
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
          assert.equal(table.flags[n]! & REC_FAST, 0, `entry ${n} is unreadable`);
        }
      }
      assert.ok(spilled > 0, 'the attrlist volume has $ATTRIBUTE_LIST records');
    }
  });
}

test('random mutations of MFT records: fast only where the full parser reads the same facts', { skip: generatedSkipReason() ?? false }, async () => {
  const clean = readFileSync(join(genDir!, 'ntfs.raw'));
  const vol0 = await volumeOf(clean);
  const rs = vol0.recordSize;
  const mftAt = vol0.boot.mftLcn * vol0.boot.clusterSize;
  const deadline = Date.now() + 4000;
  let rounds = 0;
  let checked = 0;
  // Records 16.. (user files); the system records drive the volume itself and are left intact.
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 16, max: 120 }), offsetIn(rs), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 40 }), async (edits) => {
      if (Date.now() > deadline) return;
      rounds++;
      const bytes = Uint8Array.from(clean);
      for (const [rec, off, val] of edits) bytes[mftAt + rec * rs + off] = val;
      const vol = await volumeOf(bytes);
      const table = (await MftTable.build(vol))!;
      for (let n = 0; n < table.count; n++) {
        if (!(table.flags[n]! & REC_FAST)) continue;
        let f;
        try {
          f = await vol.file(n);
        } catch (e) {
          assert.fail(`entry ${n} is fast but the full parser throws: ${(e as Error).message}`);
        }
        checked++;
        assert.equal(table.sequence[n], f.sequence);
        assert.equal((table.flags[n]! & REC_DIR) !== 0, f.isDir);
        assert.equal((table.flags[n]! & REC_IN_USE) !== 0, f.inUse);
        assert.equal(iso(table.times[n * 4 + 1]!), f.si?.modified);
        if (!f.isDir) assert.equal(table.size[n], f.data.find((d) => d.name === '')?.size ?? 0);
      }
    }),
    { numRuns: 400, seed: 7 },
  );
  assert.ok(rounds > 5 && checked > 100, `${rounds} rounds, ${checked} records checked`);
});

test('hand-made records: each unusual shape is left to the full parser', async () => {
  const si = new Uint8Array(0x48).fill(1);
  const cases: { what: string; rec: Uint8Array; fast: boolean }[] = [
    { what: 'plain file', rec: mftRecord(0, [{ type: 0x10, resident: si }, { type: 0x80, resident: new Uint8Array(5) }]), fast: true },
    { what: 'no $SI', rec: mftRecord(0, [{ type: 0x80, resident: new Uint8Array(5) }]), fast: false },
    { what: 'short $SI', rec: mftRecord(0, [{ type: 0x10, resident: new Uint8Array(0x20) }]), fast: false },
    { what: '$ATTRIBUTE_LIST', rec: mftRecord(0, [{ type: 0x10, resident: si }, { type: 0x20, resident: new Uint8Array(0x20) }]), fast: false },
    { what: '$DATA not starting at VCN 0', rec: mftRecord(0, [{ type: 0x10, resident: si }, { type: 0x80, nonResident: { startVcn: 1, lastVcn: 1, runlist: [0x11, 0x01, 0x10, 0x00], dataSize: 8192 } }]), fast: false },
    { what: 'two $DATA extents', rec: mftRecord(0, [{ type: 0x10, resident: si }, { type: 0x80, nonResident: { startVcn: 0, lastVcn: 0, runlist: [0x11, 0x01, 0x10, 0x00], dataSize: 8192 } }, { type: 0x80, nonResident: { startVcn: 1, lastVcn: 1, runlist: [0x11, 0x01, 0x11, 0x00], dataSize: 0 } }]), fast: false },
    { what: 'named $DATA only (size 0)', rec: mftRecord(0, [{ type: 0x10, resident: si }, { type: 0x80, name: 'ads', resident: new Uint8Array(3) }]), fast: true },
    { what: 'runlist outside the volume', rec: mftRecord(0, [{ type: 0x10, resident: si }, { type: 0x80, nonResident: { startVcn: 0, lastVcn: 0, runlist: [0x13, 0x01, 0xff, 0xff, 0x7f, 0x00], dataSize: 4096 } }]), fast: false },
  ];
  for (const c of cases) {
    const table = await tableOf(c.rec);
    assert.equal((table.flags[0]! & REC_FAST) !== 0, c.fast, c.what);
    if (c.what === 'plain file') assert.equal(table.size[0], 5);
  }
  // A torn stride (its last two bytes no longer hold the update sequence number) is never fast.
  const torn = Uint8Array.from(cases[0]!.rec);
  torn[510] = 0x99;
  assert.equal((await tableOf(torn)).flags[0]! & REC_FAST, 0);
});

/** A one-record "volume": MftTable only needs recordCount, recordSize, totalClusters and the $MFT stream. */
async function tableOf(rec: Uint8Array): Promise<MftTable> {
  const vol = { recordCount: 1, recordSize: rec.length, boot: { totalClusters: 1000 }, mftStream: new BufferReader(rec) } as unknown as NtfsVolume;
  return (await MftTable.build(vol))!;
}

test('isoFromMs is Date#toISOString for every FILETIME-reachable millisecond', () => {
  fc.assert(fc.property(fc.integer({ min: -11644473600000, max: 8.64e15 }), (ms) => isoFromMs(ms) === new Date(ms).toISOString()), { numRuns: 20000 });
  for (const ms of [-11644473600000, -1, 0, 951782400000, 951868799999, 253402300799999, 253402300800000, 8.64e15, -8.64e15]) assert.equal(isoFromMs(ms), new Date(ms).toISOString(), String(ms));
});

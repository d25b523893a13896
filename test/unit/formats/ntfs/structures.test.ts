import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '../../../../electron/common/issues.js';
import {
  AttrStreamReader, decodeRunlist, findOverlap, lznt1Decompress, parseBootSector, parseMftRecord, placeDeleted, readIndex, simpleFold,
  type DeletedRecord, type FileName, type NtfsVolume,
} from '../../../../electron/formats/ntfs/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { fileNameValue, indexNode, indexRoot, indxBlock, mftRecord } from './build.js';

const isErr = (code: string) => (e: unknown): boolean => e instanceof ParseError && e.code === code;

test('boot sector: geometry, positive and negative record-size encodings, big-cluster encoding', () => {
  const b = new Uint8Array(512);
  const dv = new DataView(b.buffer);
  b.set([...'NTFS    '].map((c) => c.charCodeAt(0)), 3);
  dv.setUint16(0x0b, 512, true); b[0x0d] = 8;
  dv.setBigUint64(0x28, 131071n, true); dv.setBigUint64(0x30, 4n, true); dv.setBigUint64(0x38, 8191n, true);
  b[0x40] = 0xf6; b[0x44] = 1;
  const boot = parseBootSector(b);
  assert.deepEqual([boot.clusterSize, boot.mftRecordSize, boot.indexRecordSize, boot.totalClusters, boot.mftLcn], [4096, 1024, 4096, 16383, 4]);
  b[0x44] = 0xf4; // index records of 2^12 bytes
  b[0x0d] = 0xf4; // 2^(256-244) = 4096 sectors per cluster → 2 MiB clusters
  dv.setBigUint64(0x28, 4096n * 100n, true);
  assert.equal(parseBootSector(b).clusterSize, 2 * 1024 * 1024);
  b[0x0d] = 8; b[0x40] = 0x7f; // 127 clusters: not a power of two
  assert.throws(() => parseBootSector(b), isErr('out-of-bounds'));
  b[3] = 0x41;
  assert.throws(() => parseBootSector(b), isErr('bad-signature'));
});

test('runlists: lengths, signed LCN deltas, sparse runs, bounds and overlap', () => {
  const runs = decodeRunlist(Uint8Array.from([0x21, 0x10, 0x00, 0x01, 0x01, 0x08, 0x21, 0x04, 0xf0, 0xff, 0x00]), 0, 0, 27, 1000);
  assert.deepEqual(runs, [{ vcn: 0, lcn: 256, length: 16 }, { vcn: 16, lcn: null, length: 8 }, { vcn: 24, lcn: 240, length: 4 }]);
  assert.throws(() => decodeRunlist(Uint8Array.from([0x21, 0x10, 0x00, 0x10]), 0, 0, 15, 1000), isErr('out-of-bounds'));
  assert.throws(() => decodeRunlist(Uint8Array.from([0x21, 0x10, 0x00]), 0, 0, 15, 1000), isErr('truncated'));
  assert.throws(() => decodeRunlist(Uint8Array.from([0x11, 0x30, 0x01]), 0, 0, 15, 1000), isErr('out-of-bounds'), 'more VCNs than the header says');
  assert.throws(() => decodeRunlist(Uint8Array.from([0x20, 0x01, 0x01]), 0, 0, 15, 1000), isErr('decode'));
  assert.equal(findOverlap([{ vcn: 0, lcn: 10, length: 5 }, { vcn: 5, lcn: 12, length: 5 }]), 'runs at VCN 0 and VCN 5 both map cluster 12');
  assert.equal(findOverlap(runs), null);
});

test('LZNT1: literals, an overlapping back-reference, a stored chunk, a bad offset', () => {
  // header 0xB00B: compressed, 12 stored bytes... built by hand: flags 0b1000, 'a','b','c', token (offset 3, length 9)
  const chunk = Uint8Array.from([0x08, 0x61, 0x62, 0x63, 0x06, 0x20]);
  const src = Uint8Array.from([(chunk.length - 1) & 0xff, 0xb0 | ((chunk.length - 1) >> 8), ...chunk]);
  const out = lznt1Decompress(src, 16);
  assert.equal(new TextDecoder().decode(out.subarray(0, 12)), 'abcabcabcabc');
  assert.deepEqual([...out.subarray(12)], [0, 0, 0, 0]);
  const stored = new Uint8Array(2 + 4096).fill(0x5a);
  stored[0] = 0xff; stored[1] = 0x3f; // 4096 bytes, not compressed
  assert.equal(lznt1Decompress(stored, 4096).every((x) => x === 0x5a), true);
  const bad = Uint8Array.from([0x02, 0xb0, 0x01, 0x00, 0x10]); // a back-reference before any output
  assert.throws(() => lznt1Decompress(bad, 4096), isErr('decode'));
});

test('MFT records: fixups applied, a torn stride is a checksum error, attributes decoded', () => {
  const rec = mftRecord(42, [
    { type: 0x30, resident: fileNameValue('a.txt', 5, 5, { size: 3 }) },
    { type: 0x80, nonResident: { startVcn: 0, lastVcn: 1, runlist: [0x11, 0x02, 0x20], dataSize: 5000 } },
    { type: 0x80, name: 'ads', resident: Uint8Array.from([1, 2, 3]) },
  ], { seq: 7 });
  const r = parseMftRecord(rec, 42, 0, 100);
  assert.deepEqual([r.entry, r.sequence, r.inUse, r.isDir, r.attrs.length], [42, 7, true, false, 3]);
  const d = r.attrs[1]!;
  assert.ok(!d.resident && d.runs[0]!.lcn === 32 && d.dataSize === 5000);
  assert.equal(r.attrs[2]!.name, 'ads');
  const torn = Uint8Array.from(rec);
  torn[1022] = 0x99;
  assert.throws(() => parseMftRecord(torn, 42, 0, 100), (e) => e instanceof ParseError && e.code === 'checksum' && e.offset === 1022);
  assert.throws(() => parseMftRecord(new Uint8Array(1024), 1, 0, 100), isErr('bad-signature'));
  // Readers may hand out Buffers (whose slice() is a view): applying fixups must never write into them.
  const shared = Buffer.from(rec);
  parseMftRecord(shared, 42, 0, 100);
  assert.equal(parseMftRecord(shared, 42, 0, 100).sequence, 7);
});

test('stream reader: sparse runs read as zeros, compressed units decode, initialized size honoured', async () => {
  const vol = new Uint8Array(64 * 4096);
  vol.fill(7, 4 * 4096, 5 * 4096);
  const chunk = Uint8Array.from([0x08, 0x61, 0x62, 0x63, 0x06, 0x20]);
  vol.set([(chunk.length - 1) & 0xff, 0xb0, ...chunk], 10 * 4096);
  const plain = new AttrStreamReader(new BufferReader(vol), { runs: [{ vcn: 0, lcn: null, length: 1 }, { vcn: 1, lcn: 4, length: 1 }], dataSize: 8192, initializedSize: 6000, compressionUnit: 0, clusterSize: 4096 }, 't');
  const all = await plain.read(0, 8192);
  assert.deepEqual([all[0], all[4096], all[5999], all[6000]], [0, 7, 7, 0]);
  const one = await plain.read(4096, 4096); // one run: the reader may hand back the volume's own bytes
  assert.deepEqual([one[1903], one[1904]], [7, 0]);
  assert.equal(vol[4096 * 4 + 1904], 7, 'zeroing past the initialized size must not touch the volume bytes');
  // One 16-cluster compression unit: 1 allocated cluster + 15 sparse → LZNT1.
  const comp = new AttrStreamReader(new BufferReader(vol), { runs: [{ vcn: 0, lcn: 10, length: 1 }, { vcn: 1, lcn: null, length: 15 }], dataSize: 20, initializedSize: 20, compressionUnit: 4, clusterSize: 4096 }, 'c');
  assert.equal(new TextDecoder().decode(await comp.read(0, 12)), 'abcabcabcabc');
});

test('directory index: root + INDX blocks; a block referenced twice is a cycle issue, not a hang', async () => {
  const key = (n: string): Uint8Array => fileNameValue(n, 5, 5);
  const root = indexRoot(indexNode([{ ref: 40, key: key('m.txt'), sub: 0 }], 1));
  const alloc = new Uint8Array(2 * 4096);
  alloc.set(indxBlock(0, indexNode([{ ref: 41, key: key('a.txt') }], undefined, 40)), 0);
  alloc.set(indxBlock(1, indexNode([{ ref: 42, key: key('z.txt') }], 0, 40)), 4096); // last entry points back at block 0
  const issues: string[] = [];
  const entries = await readIndex(root, 0, new BufferReader(alloc), 4096, issues);
  assert.deepEqual(entries.map((e) => `${e.key.name}@${e.ref.entry}`), ['m.txt@40', 'a.txt@41', 'z.txt@42']);
  assert.deepEqual(issues, ['index block VCN 0 is referenced twice (cycle); skipped']);
  const torn = Uint8Array.from(alloc);
  torn[4096 + 510] = 0;
  const issues2: string[] = [];
  assert.equal((await readIndex(root, 0, new BufferReader(torn), 4096, issues2)).length, 2);
  assert.match(issues2[0]!, /index block VCN 1: checksum/);
});

test('deleted records: placed under live parents; cyclic deleted parents end as orphans', async () => {
  const fn = (name: string, parent: number, seq: number): FileName => ({ parent: { entry: parent, sequence: seq }, created: null, modified: null, changed: null, accessed: null, allocatedSize: 0, realSize: 0, fileAttributes: 0, namespace: 1, name });
  const rec = (entry: number, isDir: boolean, names: FileName[]): DeletedRecord => ({ entry, sequence: 2, isDir, inUseFlag: false, names, si: null, size: 0 });
  const vol = { record: async (n: number) => ({ entry: n, sequence: 5, isDir: true, inUse: true, base: null, attrs: [], linkCount: 1, offset: 0 }) } as unknown as NtfsVolume;
  const deleted = [rec(30, true, [fn('A', 31, 1)]), rec(31, true, [fn('B', 30, 1)]), rec(32, false, [fn('gone.txt', 5, 5)]), rec(33, false, [fn('stale.txt', 5, 4)])];
  const m = await placeDeleted(vol, { deleted, allocatedByParent: new Map() });
  assert.deepEqual(m.byParent.get(5)!.map((d) => d.name.name), ['gone.txt']);
  assert.deepEqual(m.orphans.map((o) => o.name).sort(), ['A', 'B', 'stale.txt']);
});

test('case folding keeps one unit per unit (ß stays ß, as in $UpCase)', () => {
  assert.equal(simpleFold('Grüße'), 'GRÜßE');
});

/**
 * Member location: local headers are read in a few large windows (not two small reads per member),
 * and `deferLocate` leaves them to the first read of each member. Both must give the same bytes and
 * the same local-header findings as locating one member at a time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { ZipArchive } from '../../../../electron/formats/zip/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { readAll, type Reader } from '../../../../electron/io/reader.js';

interface Member { name: string; data: Buffer; localName?: string; deflate?: boolean; localExtra?: Buffer }

function crc32(b: Uint8Array): number {
  let c = ~0;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A plain ZIP: DOS times only, local extras where asked, central entries without extras. */
function makeZip(members: Member[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let at = 0;
  for (const m of members) {
    const body = m.deflate ? deflateRawSync(m.data) : m.data;
    const name = Buffer.from(m.name);
    const lname = Buffer.from(m.localName ?? m.name);
    const extra = m.localExtra ?? Buffer.alloc(0);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0); h.writeUInt16LE(20, 4); h.writeUInt16LE(m.deflate ? 8 : 0, 8);
    h.writeUInt16LE(0x5000, 10); h.writeUInt16LE(0x567e, 12); h.writeUInt32LE(crc32(m.data), 14);
    h.writeUInt32LE(body.length, 18); h.writeUInt32LE(m.data.length, 22); h.writeUInt16LE(lname.length, 26); h.writeUInt16LE(extra.length, 28);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt16LE(m.deflate ? 8 : 0, 10);
    c.writeUInt16LE(0x5000, 12); c.writeUInt16LE(0x567e, 14); c.writeUInt32LE(crc32(m.data), 16);
    c.writeUInt32LE(body.length, 20); c.writeUInt32LE(m.data.length, 24); c.writeUInt16LE(name.length, 28); c.writeUInt32LE(at, 42);
    central.push(c, name);
    parts.push(h, lname, extra, body);
    at += 30 + lname.length + extra.length + body.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0); eocd.writeUInt16LE(members.length, 8); eocd.writeUInt16LE(members.length, 10);
  eocd.writeUInt32LE(cd.length, 12); eocd.writeUInt32LE(at, 16);
  return Buffer.concat([...parts, cd, eocd]);
}

class CountingReader implements Reader {
  reads = 0;
  constructor(private readonly inner: Reader) {}
  get size(): number { return this.inner.size; }
  read(offset: number, length: number): Promise<Uint8Array> { this.reads++; return this.inner.read(offset, length); }
  close(): Promise<void> { return this.inner.close(); }
}

/** An extended-timestamp extra (0x5455) with mtime and atime: only the local copy carries it here. */
function utExtra(mtime: number, atime: number): Buffer {
  const b = Buffer.alloc(4 + 9);
  b.writeUInt16LE(0x5455, 0); b.writeUInt16LE(9, 2); b.writeUInt8(3, 4); b.writeUInt32LE(mtime, 5); b.writeUInt32LE(atime, 9);
  return b;
}

const many = (n: number): Member[] => Array.from({ length: n }, (_, i) => ({ name: `C/Windows/f${i}.txt`, data: Buffer.from(`file ${i} `.repeat(i % 7)), deflate: i % 3 === 0 }));

test('2,000 small members are located in a handful of reads, with the bytes each holds', async () => {
  const members = many(2000);
  const r = new CountingReader(new BufferReader(makeZip(members)));
  const z = await ZipArchive.open(r, {});
  assert.equal(z.entries.length, 2000);
  assert.ok(r.reads < 40, `${r.reads} reads to open 2,000 members`);
  for (const i of [0, 1, 999, 1998, 1999]) {
    const m = await z.openMember(z.entries[i]!);
    assert.deepEqual(Buffer.from(await readAll(m, 1 << 20)), members[i]!.data, members[i]!.name);
  }
  assert.deepEqual(z.issues, []);
});

test('headers far apart (large members) are read one by one, not with the data between them', async () => {
  const members = [0, 1, 2, 3].map((i) => ({ name: `big${i}`, data: Buffer.alloc(600_000, i) }));
  const buf = makeZip(members);
  let bytes = 0;
  const inner = new BufferReader(buf);
  const r: Reader = { size: inner.size, read: (o, l) => { bytes += l; return inner.read(o, l); }, close: () => inner.close() };
  const z = await ZipArchive.open(r, {});
  assert.equal(z.entries.length, 4);
  assert.ok(bytes < 200_000, `${bytes} bytes read to open an archive of ${buf.length}`);
});

test('batched and deferred location report what single-member location reports', async () => {
  const members: Member[] = [
    ...many(50),
    { name: 'renamed.txt', localName: 'other.txt', data: Buffer.from('x') },
    { name: 'timed.txt', data: Buffer.from('t'), localExtra: utExtra(1680000000, 1680000100) },
    { name: 'long-extra.bin', data: Buffer.from('e'), localExtra: Buffer.concat([Buffer.from([0x99, 0x99, 0xf0, 0x07]), Buffer.alloc(0x7f0)]) },
  ];
  const buf = makeZip(members);
  const eager = await ZipArchive.open(new BufferReader(buf), {});
  assert.deepEqual(eager.issues.map((i) => [i.code, i.member]), [['name-mismatch', 'renamed.txt']]);
  const timed = eager.entries.find((e) => e.name === 'timed.txt')!;
  assert.equal(timed.times.basis, 'utc', 'the local extended timestamp gives UTC times');
  assert.equal(timed.times.accessed, new Date(1680000100 * 1000).toISOString());

  const lazy = await ZipArchive.open(new BufferReader(buf), { deferLocate: true });
  assert.equal(lazy.issues.length, 0, 'nothing is read from local headers up front');
  assert.equal(lazy.plainData(lazy.entries[0]!), null, 'not located yet');
  for (const [i, e] of lazy.entries.entries()) {
    const m = await lazy.openMember(e);
    assert.deepEqual(Buffer.from(await readAll(m, 1 << 20)), members[i]!.data, e.name);
  }
  assert.deepEqual(lazy.issues.map((i) => [i.code, i.member]), [['name-mismatch', 'renamed.txt']]);
  assert.notEqual(lazy.plainData(lazy.entries[0]!), null, 'located by the first read');
});

test('a member whose local header is damaged fails alone, eagerly and when deferred', async () => {
  const members = many(20);
  const buf = makeZip(members);
  const at = buf.indexOf(Buffer.from('C/Windows/f7.txt')) - 30;
  buf.writeUInt32LE(0xdeadbeef, at);
  for (const deferLocate of [false, true]) {
    const z = await ZipArchive.open(new BufferReader(Buffer.from(buf)), { deferLocate });
    await assert.rejects(z.openMember(z.entries[7]!), /local header/);
    const ok = await z.openMember(z.entries[8]!);
    assert.deepEqual(Buffer.from(await readAll(ok, 1 << 20)), members[8]!.data);
    assert.equal(z.issues.filter((i) => i.member === 'C/Windows/f7.txt').length, 1, `deferLocate=${deferLocate}: ${JSON.stringify(z.issues)}`);
  }
});

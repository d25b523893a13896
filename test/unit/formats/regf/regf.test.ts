import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { ParseError } from '../../../../electron/common/issues.js';
import { deletedKeys, dumpRecords, marvin32, openHive, walkKeys, parseBaseBlock, baseBlockChecksum } from '../../../../electron/formats/regf/index.js';
import { HiveBuilder, list, nk, u32s, utf16z, vk } from './build-hive.js';
import { fixtureHive } from './fixtures.js';

const open = (b: Uint8Array, logs: Uint8Array[] = []) => openHive(new BufferReader(b), { logs: logs.map((l) => new BufferReader(l)) });

/** A root with two subkeys (lh) and one value of each type. */
function typedHive(): Uint8Array {
  const b = new HiveBuilder();
  const root = b.cell(new Uint8Array(0x4c + 4));
  const big = new Uint8Array(20000).map((_, i) => i & 0xff);
  const seg1 = b.cell(big.subarray(0, 16344));
  const seg2 = b.cell(big.subarray(16344));
  const segList = b.cell(u32s([seg1, seg2]));
  const db = b.cell(new Uint8Array([0x64, 0x62, 2, 0, ...u32s([segList])]));
  const vals = [
    b.cell(vk('sz', 1, 12, b.cell(utf16z('hello')))),
    b.cell(vk('exp', 2, 14, b.cell(utf16z('%TEMP%')))),
    b.cell(vk('multi', 7, 10, b.cell(new Uint8Array(Buffer.from('a\0bc\0\0', 'utf16le'))))),
    b.cell(vk('dw', 4, 0x80000004, 0x01020304)),
    b.cell(vk('dwbe', 5, 0x80000004, 0x04030201)),
    b.cell(vk('qw', 11, 8, b.cell(u32s([0xffffffff, 1])))),
    b.cell(vk('bin3', 3, 0x80000003, 0x00c201)),
    b.cell(vk('none', 0, 0x80000000, 0)),
    b.cell(vk('big', 3, 20000, db)),
    b.cell(vk('', 1, 6, b.cell(utf16z('de')))),
  ];
  const valueList = b.cell(u32s(vals));
  const a = b.cell(nk('Alpha', { parent: root }));
  const c = b.cell(nk('Beta', { parent: root }));
  const sub = b.cell(list('lh', [a, c]));
  b.patch(root, nk('ROOT', { flags: 0x2c, subkeys: 2, subkeyList: sub, values: vals.length, valueList }));
  return b.build(root);
}

test('values of every type decode, inline and big data included', async () => {
  const hive = await open(typedHive());
  const root = await hive.root();
  const got = Object.fromEntries((await root.values()).map((v) => [v.name, v.data]));
  assert.equal(got['sz'], 'hello');
  assert.equal(got['exp'], '%TEMP%');
  assert.deepEqual(got['multi'], ['a', 'bc']);
  assert.equal(got['dw'], 0x01020304);
  assert.equal(got['dwbe'], 0x01020304);
  assert.equal(got['qw'], 0x1ffffffffn);
  assert.deepEqual([...(got['bin3'] as Uint8Array)], [0x01, 0xc2, 0x00]);
  assert.deepEqual([...(got['none'] as Uint8Array)], []);
  const big = got['big'] as Uint8Array;
  assert.equal(big.length, 20000);
  assert.equal(big[16344], 16344 & 0xff);
  assert.equal(got[''], 'de');
  assert.equal((await root.value('SZ'))?.typeName, 'REG_SZ');
  assert.deepEqual(hive.issues, []);
});

test('key lookup ignores case; paths exclude the root name; dumpRecords yields one record per key', async () => {
  const hive = await open(typedHive());
  assert.equal((await hive.key('beta'))?.path, 'Beta');
  assert.equal(await hive.key('Gamma'), null);
  const recs = [];
  for await (const r of dumpRecords(hive)) recs.push(r);
  assert.deepEqual(recs.map((r) => r.path), ['', 'Alpha', 'Beta']);
  assert.equal(recs[0]!.lastWritten, '2023-03-20T10:15:00.000Z');
  assert.deepEqual(recs[0]!.values.find((v) => v.name === 'qw'), { name: 'qw', type: 'REG_QWORD', data: '8589934591' });
  assert.equal(recs[0]!.values.find((v) => v.name === 'bin3')?.data, '01c200');
});

test('a subkey list naming an ancestor, and an ri naming itself, end as loop issues', async () => {
  const b = new HiveBuilder();
  const root = b.cell(new Uint8Array(0x4c + 4));
  const child = b.cell(new Uint8Array(0x4c + 5));
  const ri = b.cell(new Uint8Array(4 + 8));
  const li = b.cell(list('li', [child, root]));
  b.patch(ri, list('ri', [li, ri]));
  const childList = b.cell(list('lf', [root]));
  b.patch(child, nk('Child', { subkeys: 1, subkeyList: childList, parent: root }));
  b.patch(root, nk('ROOT', { flags: 0x2c, subkeys: 0xffffffff, subkeyList: ri }));
  const hive = await open(b.build(root));
  const keys = [];
  for await (const k of walkKeys(await hive.root())) keys.push(k.path);
  assert.deepEqual(keys, ['', 'Child']);
  assert.ok(hive.issues.filter((i) => i.code === 'loop').length >= 2, JSON.stringify(hive.issues));
});

test('cells outside the bins, bad signatures and short data are issues; the rest is still read', async () => {
  const b = new HiveBuilder();
  const root = b.cell(new Uint8Array(0x4c + 4));
  const good = b.cell(nk('Good'));
  const notNk = b.cell(new Uint8Array(0x50));
  const sub = b.cell(list('lf', [0x7ffff0, notNk, good]));
  const shortData = b.cell(new Uint8Array(8));
  const vals = b.cell(u32s([b.cell(vk('short', 3, 100, shortData)), b.cell(vk('far', 3, 10, 0x7fff00)), 0x10]));
  b.patch(root, nk('ROOT', { flags: 0x2c, subkeys: 3, subkeyList: sub, values: 3, valueList: vals }));
  const hive = await open(b.build(root));
  const r = await hive.root();
  assert.deepEqual((await r.subkeys()).map((k) => k.name), ['Good']);
  const values = await r.values();
  assert.deepEqual(values.map((v) => [v.name, v.raw.length]), [['short', 12]]);
  const codes = hive.issues.map((i) => i.code).sort();
  // lf entry past the bins, nk-less cell, vk data past the bins, value-list entry into the hbin header (size 0), short data.
  assert.deepEqual(codes, ['bad-signature', 'out-of-bounds', 'out-of-bounds', 'out-of-bounds', 'truncated']);
});

test('not a hive: bad signature is a ParseError; base block checksum is checked', async () => {
  await assert.rejects(open(new Uint8Array(8192)), (e: unknown) => e instanceof ParseError && e.code === 'bad-signature');
  const bytes = typedHive();
  const bb = parseBaseBlock(bytes.subarray(0, 4096));
  assert.equal(bb.checksumOk, true);
  assert.equal(baseBlockChecksum(bytes), bb.checksum);
  bytes[0x30] = bytes[0x30]! ^ 1;
  const hive = await open(bytes);
  assert.equal(hive.dirty, true, 'a failed checksum marks the hive dirty');
  assert.deepEqual(hive.issues.map((i) => i.code), ['checksum']);
});

/** A new-format log carrying one 4096-byte page of `bins` with the root renamed. */
function newLog(bins: Uint8Array, seq: number, corrupt = false): Uint8Array {
  const page = bins.slice(0, 4096);
  const at = Buffer.from(page).indexOf('ROOT');
  page.set(Buffer.from('TOOR'), at);
  const size = Math.ceil((0x28 + 8 + 4096) / 512) * 512;
  const log = new Uint8Array(512 + size);
  const dv = new DataView(log.buffer);
  log.set(bins.subarray(0, 0), 0);
  log.set([0x72, 0x65, 0x67, 0x66], 0);
  dv.setUint32(4, seq, true);
  dv.setUint32(8, seq, true);
  dv.setUint32(0x1c, 6, true);
  const e = 512;
  log.set([0x48, 0x76, 0x4c, 0x45], e); // HvLE
  dv.setUint32(e + 4, size, true);
  dv.setUint32(e + 0x0c, seq, true);
  dv.setUint32(e + 0x10, 4096, true);
  dv.setUint32(e + 0x14, 1, true);
  dv.setUint32(e + 0x28, 0, true);
  dv.setUint32(e + 0x2c, 4096, true);
  log.set(page, e + 0x30);
  dv.setBigUint64(e + 0x18, marvin32(log.subarray(e + 0x28, e + size)), true);
  dv.setBigUint64(e + 0x20, marvin32(log.subarray(e, e + 0x20)), true);
  if (corrupt) log[e + 0x40] = log[e + 0x40]! ^ 0xff;
  return log;
}

test('a dirty hive is replayed from a new-format log in memory; a bad hash stops the replay', async () => {
  const b = new HiveBuilder();
  const root = b.cell(nk('ROOT', { flags: 0x2c }));
  const bytes = b.build(root, { seq: [2, 1] });
  const before = bytes.slice();
  const hive = await open(bytes, [newLog(bytes.subarray(4096), 1)]);
  assert.equal(hive.dirty, true);
  assert.deepEqual({ entries: hive.replayed?.entries, format: hive.replayed?.format, first: hive.replayed?.firstSeq }, { entries: 1, format: 'new', first: 1 });
  assert.equal((await hive.root()).name, 'TOOR');
  assert.deepEqual(bytes, before, 'the evidence bytes are never written');
  const bad = await open(bytes, [newLog(bytes.subarray(4096), 1, true)]);
  assert.equal(bad.replayed, null);
  assert.equal((await bad.root()).name, 'ROOT');
  assert.deepEqual(bad.issues.map((i) => i.code), ['checksum']);
  const stale = await open(bytes, [newLog(bytes.subarray(4096), 0)]);
  assert.equal(stale.replayed, null, 'entries older than the secondary sequence number are not applied');
});

test('fixture hives (hivex): SOFTWARE facts and a deleted Uninstall key in NTUSER.DAT', async () => {
  const sw = await open(fixtureHive('SOFTWARE'));
  assert.equal((await (await sw.key('microsoft\\windows nt\\currentversion'))!.value('productname'))?.data, 'Windows 10 Pro');
  assert.equal(await sw.key('Microsoft\\Cryptography\\Wintrust\\Config'), null);
  assert.equal(sw.dirty, false);
  const nt = await open(fixtureHive('NTUSER.DAT'));
  const del = [];
  for await (const d of deletedKeys(nt)) del.push(d);
  assert.deepEqual(del.map((d) => d.path), ['Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{0F0E0D0C-0B0A-4909-8807-060504030201}']);
  assert.equal(del[0]!.deleted, true);
  const live = await nt.key('Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall');
  assert.deepEqual((await live!.subkeys()).map((k) => k.name), ['{4A1B2C3D-5E6F-4789-8ABC-DEF012345678}']);
});

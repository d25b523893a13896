import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ParseError } from '../../../../electron/common/issues.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { readAll } from '../../../../electron/io/reader.js';
import { ZipArchive, liveSpillDirs } from '../../../../electron/formats/zip/index.js';
import { buildZip } from './build.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

async function contents(z: ZipArchive): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of z.entries) {
    const r = await z.openMember(e);
    out[e.name] = decode(await readAll(r, 1 << 20));
    await r.close();
  }
  return out;
}

test('stored and deflated members read back through our central-directory reader', async () => {
  const big = 'x'.repeat(5000);
  const z = await ZipArchive.open(new BufferReader(buildZip([
    { name: 'a.txt', data: text('alpha'), method: 0 },
    { name: 'dir/b.txt', data: text(big), method: 8 },
  ])));
  assert.equal(z.lister, 'central-directory');
  assert.deepEqual(await contents(z), { 'a.txt': 'alpha', 'dir/b.txt': big });
  assert.deepEqual(z.issues, []);
});

test('extended-timestamp extra gives UTC times; a DOS stamp alone is local time with no zone', async () => {
  const z = await ZipArchive.open(new BufferReader(buildZip([
    { name: 'ut.txt', data: text('1'), utMtime: 1679303520 },
    { name: 'dos.txt', data: text('2') },
  ])));
  const [ut, dos] = z.entries;
  assert.equal(ut!.times.modified, '2023-03-20T09:12:00.000Z');
  assert.equal(ut!.times.basis, 'utc');
  assert.equal(dos!.times.modified, '2023-03-20T09:12:00.000Z');
  assert.equal(dos!.times.basis, 'local-no-zone');
});

test('zip64 end records and zip64 extras give the real sizes and offsets', async () => {
  const z = await ZipArchive.open(new BufferReader(buildZip([{ name: 'z.bin', data: text('zip64 body'), zip64: true }], { zip64Eocd: true })));
  assert.equal(z.entries.length, 1);
  assert.equal(z.entries[0]!.size, 10);
  assert.deepEqual(await contents(z), { 'z.bin': 'zip64 body' });
});

test('data before the archive (a self-extractor stub) shifts offsets and is reported', async () => {
  const bytes = Buffer.concat([Buffer.alloc(1000, 0x90), buildZip([{ name: 'p.txt', data: text('after stub') }])]);
  const z = await ZipArchive.open(new BufferReader(bytes));
  assert.deepEqual(await contents(z), { 'p.txt': 'after stub' });
  assert.ok(z.issues.some((i) => i.code === 'prefix-data'));
});

test('a truncated central directory falls back to the local headers, data descriptors included', async () => {
  const full = buildZip([
    { name: 'one.txt', data: text('first file'.repeat(20)) },
    { name: 'two.txt', data: text('second file'), descriptor: true },
    { name: 'three.txt', data: text('third'), method: 0 },
  ]);
  const cd = full.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  const z = await ZipArchive.open(new BufferReader(full.subarray(0, cd + 30)));
  assert.equal(z.lister, 'local-headers');
  assert.deepEqual(Object.keys(await contents(z)), ['one.txt', 'two.txt', 'three.txt']);
  assert.equal((await contents(z))['two.txt'], 'second file');
  assert.ok(z.issues.some((i) => i.code === 'recovered'));
});

test('a member that inflates past its declared size is stopped and named; the others still read', async () => {
  const z = await ZipArchive.open(new BufferReader(buildZip([
    { name: 'liar.bin', data: new Uint8Array(4 << 20), declaredSize: 1000 },
    { name: 'ok.txt', data: text('fine') },
  ])));
  const liar = await z.openMember(z.entries[0]!);
  await assert.rejects(readAll(liar, 1 << 20), (e: unknown) => e instanceof ParseError && e.code === 'limit-exceeded' && e.message.includes('liar.bin'));
  const ok = await z.openMember(z.entries[1]!);
  assert.equal(decode(await readAll(ok, 100)), 'fine');
});

test('a ratio bomb is refused before inflating, recorded by name', async () => {
  const z = await ZipArchive.open(new BufferReader(buildZip([{ name: 'bomb.bin', data: new Uint8Array(8 << 20) }])), { ratioFloorBytes: 1 << 20, maxRatio: 100 });
  assert.ok(z.issues.some((i) => i.member === 'bomb.bin' && i.code === 'limit-exceeded'));
  await assert.rejects(z.openMember(z.entries[0]!), (e: unknown) => e instanceof ParseError && /bomb\.bin.*zip bomb/.test(e.message));
});

test('random access into a deflated member spills to a private 0600 temp file, deleted on close', async () => {
  const data = randomBytes(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'zip-spill-test-'));
  try {
    const z = await ZipArchive.open(new BufferReader(buildZip([{ name: 'r.bin', data }])), { memoryMaxBytes: 0, tempDir: dir });
    const r = await z.openMember(z.entries[0]!);
    assert.deepEqual(Buffer.from(await r.read(1000, 10)), data.subarray(1000, 1010)); // sequential skip: no spill
    assert.deepEqual(readdirSync(dir), []);
    assert.deepEqual(Buffer.from(await r.read(10, 10)), data.subarray(10, 20)); // backwards: spill
    const spills = readdirSync(dir);
    assert.equal(spills.length, 1);
    assert.match(spills[0]!, /^3cx-triage-/);
    assert.equal(statSync(join(dir, spills[0]!, 'member.bin')).mode & 0o777, 0o600);
    assert.deepEqual(Buffer.from(await r.read(299_990, 100)), data.subarray(299_990));
    await r.close();
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(liveSpillDirs().filter((d) => d.startsWith(dir)).length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function haveZip(): boolean {
  return spawnSync('zip', ['-v']).status === 0;
}

test('node-stream-zip (files on disk) and our reader agree on a zip made by Info-ZIP, incl. streamed data descriptors', { skip: !haveZip() && 'zip not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zip-cli-test-'));
  try {
    writeFileSync(join(dir, 'a.txt'), 'a'.repeat(10_000));
    writeFileSync(join(dir, 'b.bin'), randomBytes(5000));
    assert.equal(spawnSync('zip', ['-q', 'out.zip', 'a.txt', 'b.bin'], { cwd: dir }).status, 0);
    assert.equal(spawnSync('sh', ['-c', 'printf streamed | zip -q out.zip -'], { cwd: dir }).status, 0);
    const a = await ZipArchive.openFile(join(dir, 'out.zip'));
    const { FileReader } = await import('../../../../electron/io/file-reader.js');
    const b = await ZipArchive.open(await FileReader.open(join(dir, 'out.zip')), {}, true);
    assert.equal(a.lister, 'node-stream-zip');
    assert.deepEqual(a.entries.map((e) => [e.name, e.size, e.times.modified]), b.entries.map((e) => [e.name, e.size, e.times.modified]));
    const ca = await contents(a);
    assert.deepEqual(ca, await contents(b));
    assert.equal(ca['-'], 'streamed');
    assert.equal(a.entries[0]!.times.basis, 'utc'); // Info-ZIP writes the UT extra
    await a.close();
    await b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ZipCrypto members: right password reads, wrong password and no password are named errors', { skip: !haveZip() && 'zip not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zip-crypto-test-'));
  try {
    writeFileSync(join(dir, 'secret.txt'), 'the payload '.repeat(100));
    assert.equal(spawnSync('zip', ['-q', '-P', 'infected', 'enc.zip', 'secret.txt'], { cwd: dir }).status, 0);
    const good = await ZipArchive.openFile(join(dir, 'enc.zip'), { password: 'infected' });
    assert.equal(good.entries[0]!.encryption, 'zipcrypto');
    assert.equal((await contents(good))['secret.txt'], 'the payload '.repeat(100));
    const bad = await ZipArchive.openFile(join(dir, 'enc.zip'), { password: 'wrong' });
    await assert.rejects(async () => readAll(await bad.openMember(bad.entries[0]!), 1 << 20), (e: unknown) => e instanceof ParseError && e.code === 'encrypted' && e.message.includes('secret.txt'));
    const none = await ZipArchive.openFile(join(dir, 'enc.zip'));
    await assert.rejects(none.openMember(none.entries[0]!), (e: unknown) => e instanceof ParseError && /secret\.txt.*--password/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('not a ZIP at all is a ParseError, not a crash', async () => {
  await assert.rejects(ZipArchive.open(new BufferReader(randomBytes(5000))), (e: unknown) => e instanceof ParseError);
});

/**
 * WinZip AES members (AE-1/AE-2, 128/192/256, stored and deflated) written by an independent
 * generator (test/fixtures/collections/make-aes-zip.py, Python `cryptography`), and the real
 * Velociraptor protected collection from the corpus (alexmullins/zip output, password "hello").
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParseError } from '../../../../electron/common/issues.js';
import { ZipArchive } from '../../../../electron/formats/zip/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { readAll } from '../../../../electron/io/reader.js';
import { CORPUS, HAVE_CORPUS } from '../../../helpers/corpus.js';
import { repoRoot } from '../../evidence/collections/fixture.js';

const haveCrypto = spawnSync('python3', ['-c', 'import cryptography'], { encoding: 'utf8' }).status === 0;
const skip = !haveCrypto && 'python3 cryptography module not installed';
let dir = '';
const src: Record<string, Buffer> = {};

export function makeAesZip(out: string, password: string, specs: string[]): void {
  const r = spawnSync('python3', [join(repoRoot(), 'test/fixtures/collections/make-aes-zip.py'), out, password, ...specs], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make-aes-zip.py failed: ${r.stderr}`);
}

before(() => {
  if (!haveCrypto) return;
  dir = mkdtempSync(join(tmpdir(), '3cx-aes-'));
  src['text'] = Buffer.from('3CXDesktopApp ffmpeg.dll '.repeat(20000));
  src['rnd'] = randomBytes(300_001);
  src['one'] = Buffer.from('x');
  src['empty'] = Buffer.alloc(0);
  for (const [k, v] of Object.entries(src)) writeFileSync(join(dir, k), v);
  const f = (k: string): string => join(dir, k);
  makeAesZip(join(dir, 'aes.zip'), 's3cret', [
    `ae2-256-deflate.txt=${f('text')}`, `ae1-128-stored.bin=${f('rnd')}:stored:ae1:128`, `ae1-192-deflate.bin=${f('rnd')}:ae1:192`,
    `ae2-256-stored.txt=${f('text')}:stored`, `one=${f('one')}`, `empty=${f('empty')}:stored`,
  ]);
});

const expected = (name: string): Buffer => src[name.startsWith('one') ? 'one' : name.startsWith('empty') ? 'empty' : name.endsWith('.txt') ? 'text' : 'rnd']!;

test('AES members of every strength, AE-1 and AE-2, stored and deflated, decrypt exactly (both listers)', { skip }, async () => {
  for (const open of [(p: string) => ZipArchive.openFile(p, { password: 's3cret' }), async (p: string) => ZipArchive.open(new BufferReader(readFileSync(p)), { password: 's3cret' })]) {
    const z = await open(join(dir, 'aes.zip'));
    assert.equal(z.entries.length, 6);
    for (const e of z.entries) {
      assert.equal(e.encryption, 'aes', e.name);
      const r = await z.openMember(e);
      assert.equal(r.size, expected(e.name).length, e.name);
      assert.ok(Buffer.from(await readAll(r, 1 << 24)).equals(expected(e.name)), e.name);
      await r.close();
    }
    assert.deepEqual(z.issues, [], 'the authentication codes match');
    await z.close();
  }
});

test('a stored AES member is seekable: a read in the middle decrypts without reading from the start', { skip }, async () => {
  const z = await ZipArchive.openFile(join(dir, 'aes.zip'), { password: 's3cret' });
  const e = z.entries.find((x) => x.name === 'ae1-128-stored.bin')!;
  const r = await z.openMember(e);
  for (const [off, len] of [[12345, 777], [299_990, 50], [16, 16], [15, 2]] as const) {
    assert.ok(Buffer.from(await r.read(off, len)).equals(src['rnd']!.subarray(off, off + len)), `${off}+${len}`);
  }
  await r.close();
  await z.close();
});

test('wrong password and no password: ParseErrors naming the member; the other members are unaffected', { skip }, async () => {
  const bad = await ZipArchive.openFile(join(dir, 'aes.zip'), { password: 'wrong' });
  for (const e of bad.entries) await assert.rejects(bad.openMember(e), (err: unknown) => err instanceof ParseError && err.code === 'encrypted' && err.message.includes(`wrong password for AES-encrypted member ${e.name}`));
  await bad.close();
  const none = await ZipArchive.openFile(join(dir, 'aes.zip'));
  await assert.rejects(none.openMember(none.entries[0]!), (err: unknown) => err instanceof ParseError && /ae2-256-deflate\.txt.*WinZip AES.*--password/.test(err.message));
  await none.close();
});

test('altered ciphertext fails the HMAC-SHA1-80 check: a checksum issue names the member', { skip }, async () => {
  const bytes = Buffer.from(readFileSync(join(dir, 'aes.zip')));
  const z0 = await ZipArchive.open(new BufferReader(bytes), { password: 's3cret' });
  const e0 = z0.entries.find((x) => x.name === 'ae2-256-stored.txt')!;
  bytes[e0.localHeaderOffset + 30 + e0.name.length + 11 + 16 + 2 + 100]! ^= 0xff; // header, name, AES extra, salt, verifier, then data
  const z = await ZipArchive.open(new BufferReader(bytes), { password: 's3cret' });
  const r = await z.openMember(z.entries.find((x) => x.name === 'ae2-256-stored.txt')!);
  const got = await readAll(r, 1 << 24);
  assert.notEqual(got[100], src['text']![100]);
  assert.ok(z.issues.some((i) => i.code === 'checksum' && i.member === 'ae2-256-stored.txt' && /authentication code/.test(i.message)), JSON.stringify(z.issues));
});

const VR = join(CORPUS, 'velociraptor/artifacts/testdata/files/encrypted_collector_password.zip');
test('the real Velociraptor protected collection: data.zip (AE-2, AES-256) opens with its password, MAC verified', { skip: !HAVE_CORPUS && 'corpus not present' }, async () => {
  const z = await ZipArchive.openFile(VR, { password: 'hello' });
  const e = z.entries.find((x) => x.name === 'data.zip')!;
  assert.equal(e.aesStrength, 3);
  assert.equal(e.aesVendorVersion, 2);
  const r = await z.openMember(e);
  const inner = await ZipArchive.open(new BufferReader(await readAll(r, 1 << 20)));
  assert.deepEqual(z.issues, []);
  assert.ok(inner.entries.some((x) => /BasicInformation\.json$/.test(x.name)), inner.entries.map((x) => x.name).join());
  const bad = await ZipArchive.openFile(VR, { password: 'hunter2' });
  await assert.rejects(bad.openMember(bad.entries[0]!), /wrong password for AES-encrypted member data\.zip/);
  await z.close();
  await bad.close();
});

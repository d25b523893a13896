import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';
import { detectEvidence } from '../../electron/evidence/detect.js';
import { openArchiveEvidence, openArchiveRef, type CollectionEvidence } from '../../electron/evidence/loaders/archive.js';
import { walkFiles } from '../../electron/evidence/loaders/collection.js';
import { ZipArchive } from '../../electron/formats/zip/index.js';
import { FileReader } from '../../electron/io/file-reader.js';
import { readAll } from '../../electron/io/reader.js';

const skip = !HAVE_CORPUS && `corpus not found at ${CORPUS} (set TRIAGE_CORPUS)`;
const VR = join(CORPUS, 'velociraptor/artifacts/testdata/files');

async function open(p: string): Promise<CollectionEvidence> {
  return openArchiveEvidence(p, 'E1', await detectEvidence(p));
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

test('real Velociraptor offline collection: C: view from auto + ntfs, ADS names decoded, sha256 as unzip gives', { skip }, async () => {
  const ev = await open(join(VR, 'Collection-WIN-E5K9RC5GU23-2021-11-21T18_05_56-08_00.zip'));
  assert.equal(ev.item.layout, 'velociraptor');
  assert.deepEqual(ev.item.errors, []);
  const h = ev.hosts[0]!;
  const paths: string[] = [];
  for await (const e of walkFiles(h.fs)) paths.push(e.path);
  assert.deepEqual(paths, ['/$Extend/$UsnJrnl:$J', '/$Extend/$UsnJrnl:$Max', '/Users/Administrator/ntuser.dat']);
  const r = await h.fs.open('/Users/Administrator/ntuser.dat');
  assert.equal(sha256(await readAll(r, 1 << 20)), '72892da885c6a4c64d8a1e5f2369f20f5a1dd4d16fda1d2ed7fb459b96f3ca1a');
  await r.close();
  assert.ok(h.notes.some((n) => /sparse upload/.test(n)));
  const again = await openArchiveRef({ evidenceId: 'E1', path: '/Users/Administrator/ntuser.dat', chain: h.fs.layersFor('/Users/Administrator/ntuser.dat') });
  assert.equal(again.size, 102400);
  await again.close();
  await ev.close();
});

test('node-stream-zip and our central-directory reader list the real collection identically (25 entries, as unzip -l)', { skip }, async () => {
  const p = join(VR, 'Collection-WIN-E5K9RC5GU23-2021-11-21T18_05_56-08_00.zip');
  const a = await ZipArchive.openFile(p);
  const b = await ZipArchive.open(await FileReader.open(p), {}, true);
  assert.equal(a.entries.length, 25);
  assert.deepEqual(a.entries.map((e) => [e.name, e.size, e.crc32, e.localHeaderOffset]), b.entries.map((e) => [e.name, e.size, e.crc32, e.localHeaderOffset]));
  assert.equal(a.entries.reduce((s, e) => s + e.size, 0), 121137);
  await a.close();
  await b.close();
});

test('results-only collector ZIP: Velociraptor layout, host name from Generic.Client.Info', { skip }, async () => {
  const ev = await open(join(VR, 'unencrypted_collector.zip'));
  assert.equal(ev.item.layout, 'velociraptor');
  assert.equal(ev.hosts[0]!.label, 'DESKTOP-SU8FH31');
  await ev.close();
});

for (const name of ['encrypted_collector_password.zip', 'encrypted_collector_pki.zip']) {
  test(`protected collection ${name}: a clear error naming data.zip and the encryption`, { skip }, async () => {
    const ev = await open(join(VR, name));
    assert.equal(ev.item.layout, 'velociraptor');
    assert.equal(ev.hosts.length, 0);
    assert.ok(ev.item.errors.some((e) => e.path.includes('data.zip') && /AES/.test(e.message)), JSON.stringify(ev.item.errors));
    await ev.close();
  });
}

test('dfvfs ZIPs with absolute and mixed member paths list under / without escaping the tree', { skip }, async () => {
  for (const name of ['absolute_paths.zip', 'mixed_paths.zip', 'with_directory.zip']) {
    const ev = await open(join(CORPUS, 'dfvfs/test_data/zip', name));
    const paths: string[] = [];
    for await (const e of walkFiles(ev.hosts[0]!.fs)) paths.push(e.path);
    assert.ok(paths.length >= 2, name);
    assert.ok(paths.every((p) => p.startsWith('/') && !p.includes('/../')), name);
    await ev.close();
  }
});

test('a zipped VHDX (KAPE --zv style) is read in place by streaming: the VHDX signature is at offset 0', { skip }, async () => {
  const z = await ZipArchive.openFile(join(VR, 'test.vhdx.zip'));
  const r = await z.openMember(z.entries[0]!);
  assert.equal(r.size, 37748736);
  assert.equal(new TextDecoder().decode(await r.read(0, 8)), 'vhdxfile');
  await r.close();
  await z.close();
});

/** Velociraptor sparse uploads (.idx maps) re-expanded to the original file, in this thread and from an EvidenceRef. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParseError } from '../../../../electron/common/issues.js';
import { detectEvidence } from '../../../../electron/evidence/detect.js';
import { openArchiveEvidence, openArchiveRef } from '../../../../electron/evidence/loaders/archive.js';
import { parseSparseIndex, SparseReader } from '../../../../electron/evidence/loaders/vr-sparse.js';
import { HashPool } from '../../../../electron/hashing/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { readAll } from '../../../../electron/io/reader.js';
import { buildZip } from '../../formats/zip/build.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const runA = randomBytes(1000);
const runB = randomBytes(500);
/** The original $J: 64 KiB hole, run A, a hole, run B (as maybeCollectSparseFile writes it, zero fields omitted). */
const IDX = JSON.stringify({ ranges: [
  { length: 65536 },
  { original_offset: 65536, file_length: 1000, length: 1000 },
  { file_offset: 1000, original_offset: 66536, length: 133464 },
  { file_offset: 1000, original_offset: 200000, file_length: 500, length: 500 },
] });
const original = Buffer.concat([Buffer.alloc(65536), runA, Buffer.alloc(133464), runB]);
const J = 'uploads/ntfs/%5C%5C.%5CC%3A/$Extend/$UsnJrnl%3A$J';

function sparseCollection(idx: string): string {
  const dir = mkdtempSync(join(tmpdir(), '3cx-sparse-'));
  const p = join(dir, 'Collection-WS01.zip');
  writeFileSync(p, buildZip([
    { name: 'client_info.json', data: enc(JSON.stringify({ Hostname: 'WS01' })) },
    { name: 'uploads.json', data: enc(`${JSON.stringify({ vfs_path: '\\\\.\\C:\\$Extend\\$UsnJrnl:$J', _Components: J.split('/'), file_size: original.length, uploaded_size: 1500, Type: '' })}\n${JSON.stringify({ _Components: `${J}.idx`.split('/'), Type: 'idx' })}\n`) },
    { name: 'uploads/auto/C%3A/Windows/notepad.exe', data: enc('MZ not sparse') },
    { name: J, data: Buffer.concat([runA, runB]) },
    { name: `${J}.idx`, data: enc(idx), method: 0 },
  ]));
  return p;
}

test('.idx parsing: omitted zero fields, string numbers, holes; overlaps and runs beyond the stored data are ParseErrors', () => {
  const m = parseSparseIndex(IDX, 1500, 'x.idx');
  assert.equal(m.size, original.length);
  assert.deepEqual(m.ranges.map((r) => r.stored), [null, 0, null, 1000]);
  assert.equal(parseSparseIndex('{"ranges":[{"originalOffset":"10","fileLength":"4","length":"4"}]}', 4, 'p.idx').size, 14);
  for (const bad of ['{}', 'nope', '{"ranges":[{"original_offset":0,"file_length":5,"length":5},{"original_offset":3,"length":4}]}', '{"ranges":[{"file_offset":1,"file_length":5,"length":5}]}', '{"ranges":[{"length":-1}]}']) {
    assert.throws(() => parseSparseIndex(bad, 5, 'bad.idx'), (e: unknown) => e instanceof ParseError && e.message.includes('bad.idx'), bad);
  }
});

test('SparseReader reads holes as zeros and runs from the stored data, at any offset', async () => {
  const r = new SparseReader(new BufferReader(Buffer.concat([runA, runB])), parseSparseIndex(IDX, 1500, 'x.idx'));
  assert.equal(r.size, original.length);
  for (const [off, len] of [[0, 10], [65530, 20], [66000, 1000], [199_990, 600], [0, original.length]] as const) {
    assert.ok(Buffer.from(await r.read(off, len)).equals(original.subarray(off, off + len)), `${off}+${len}`);
  }
});

test('a Velociraptor sparse upload is shown at its original size and content; refs and hash workers re-expand it too', async () => {
  const p = sparseCollection(IDX);
  const ev = await openArchiveEvidence(p, 'E1', await detectEvidence(p));
  const h = ev.hosts[0]!;
  assert.equal(h.label, 'WS01');
  const e = await h.fs.stat('/$Extend/$UsnJrnl:$J');
  assert.equal(e?.size, original.length);
  assert.equal((await h.fs.stat('/$Extend/$UsnJrnl:$J.idx')), null, 'the map itself is not a host file');
  assert.ok(Buffer.from(await readAll(await h.fs.open('/$Extend/$UsnJrnl:$J'), 1 << 20)).equals(original));
  assert.ok(h.notes.some((n) => /1 sparse upload\(s\) re-expanded/.test(n)), h.notes.join('|'));
  const ref = { evidenceId: 'E1', path: '/$Extend/$UsnJrnl:$J', chain: h.fs.layersFor('/$Extend/$UsnJrnl:$J') };
  assert.equal(ref.chain.at(-1)?.kind, 'vr-sparse');
  assert.ok(Buffer.from(await readAll(await openArchiveRef(ref), 1 << 20)).equals(original));
  const pool = new HashPool({ workers: 1 });
  try {
    const [res] = await pool.hashAll([{ ref, algorithms: ['sha256'] }]);
    assert.equal(res?.error, undefined);
    assert.equal(res?.sha256, createHash('sha256').update(original).digest('hex'));
    assert.equal(res?.size, original.length);
  } finally {
    await pool.close();
    await ev.close();
  }
});

test('an unusable .idx leaves the stored runs as they are, with a note naming the upload', async () => {
  const p = sparseCollection('{"ranges":[{"file_offset":9999,"file_length":5,"length":5}]}');
  const ev = await openArchiveEvidence(p, 'E1', await detectEvidence(p));
  const h = ev.hosts[0]!;
  assert.equal((await h.fs.stat('/$Extend/$UsnJrnl:$J'))?.size, 1500);
  assert.ok(h.notes.some((n) => n.includes('$UsnJrnl%3A$J') && /unusable/.test(n)), h.notes.join('|'));
  await ev.close();
});

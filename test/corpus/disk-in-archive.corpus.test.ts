/**
 * A real zipped VHDX (Velociraptor's test.vhdx.zip: deflated member, dynamic VHDX, GPT, NTFS with
 * Windows/System32) read in place through the container stack: the disk equals qemu-img's raw
 * conversion (oracle), the evidence is one Windows host citing zip › vhdx › gpt › ntfs, and its
 * files re-open from their refs as a hash worker re-opens them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';
import { openContainerReader } from '../../electron/evidence/containers/index.js';
import { walkFiles } from '../../electron/evidence/loaders/collection.js';
import '../../electron/evidence/loaders/index.js';
import { openEvidence } from '../../electron/evidence/open.js';
import { openRef } from '../../electron/evidence/resolve.js';
import { FsTarget } from '../../electron/evidence/target.js';
import { ZipArchive } from '../../electron/formats/zip/index.js';
import { readAll } from '../../electron/io/reader.js';

const skip = !HAVE_CORPUS && `corpus not found at ${CORPUS} (set TRIAGE_CORPUS)`;
const ZIP = join(CORPUS, 'velociraptor/artifacts/testdata/files/test.vhdx.zip');
const ORACLES = join(CORPUS, 'oracles/velociraptor/artifacts/testdata/files');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

test('the deflated VHDX member opened over its Reader equals qemu-img\'s raw conversion', { skip }, async () => {
  const want = /sha256 ([0-9a-f]{64})/.exec(readFileSync(join(ORACLES, 'test.vhdx.zip.inner.qemu-img-convert.txt'), 'utf8'))![1];
  const z = await ZipArchive.openFile(ZIP);
  try {
    const c = await openContainerReader(await z.openMember(z.entries[0]!), 'test.vhdx');
    assert.equal(c.kind, 'vhdx');
    assert.equal(c.reader.size, 5242880);
    assert.equal(sha256(await readAll(c.reader, 8 << 20)), want);
    await c.close();
  } finally {
    await z.close();
  }
});

test('test.vhdx.zip scans as one Windows host through zip › vhdx › gpt › ntfs; refs re-open', { skip }, async () => {
  const fls = readFileSync(join(ORACLES, 'test.vhdx.zip.inner.fls.txt'), 'utf8');
  const ev = await openEvidence(ZIP, 'E1');
  try {
    assert.equal(ev.item.kind, 'zip');
    assert.equal(ev.hosts.length, 1);
    const h = ev.hosts[0]!;
    const t = await FsTarget.create('E1', h.fs);
    assert.equal(t.os, 'windows');
    const files: string[] = [];
    for await (const e of walkFiles(h.fs)) if (!e.name.startsWith('$')) files.push(e.path.slice(1));
    // Every user-visible regular file fls lists (no $-metadata, no named streams) is there.
    const flsFiles = [...fls.matchAll(/^r\/r [\d-]+:\t(.+)$/gm)].map((m) => m[1]!).filter((p) => !p.split('/').some((c) => c.startsWith('$')) && !p.includes(':'));
    assert.deepEqual(files.filter((p) => !p.startsWith('$')).sort(), flsFiles.sort());
    const path = '/Users/Administrator/Secret.txt.txt';
    const ref = t.ref(path);
    assert.deepEqual(ref.chain.map((l) => l.kind), ['archive', 'zip', 'vhdx', 'gpt', 'ntfs']);
    assert.deepEqual(ref.chain[3], { kind: 'gpt', locator: '0', offset: 128 * 512 });
    const direct = await readAll(await h.fs.open(path), 1 << 20);
    const r = await openRef(JSON.parse(JSON.stringify(ref)));
    assert.equal(sha256(await readAll(r, 1 << 20)), sha256(direct));
    await r.close();
  } finally {
    await ev.close();
  }
});

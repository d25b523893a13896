/**
 * `ls --recursive` on NTFS takes a fast path (one pass over $MFT, no path re-resolution): it must
 * list exactly what the directory-by-directory walk through `readdir` lists, in the same order,
 * on generated and corpus images, from the root and from a subdirectory, and on volumes whose MFT
 * records were damaged at random. A disk image's view lists every readable volume as /vol<N>.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FileEntry } from '../../../electron/common/vfs.js';
import { EvidenceView } from '../../../electron/engine/evidence-view.js';
import { walkBatches } from '../../../electron/engine/utilities.js';
import { NtfsFilesystem } from '../../../electron/evidence/filesystems/ntfs.js';
import { NtfsVolume } from '../../../electron/formats/ntfs/index.js';
import { BufferReader } from '../../../electron/io/buffer-reader.js';
import { readAll } from '../../../electron/io/reader.js';
import { CORPUS, HAVE_CORPUS } from '../../helpers/corpus.js';
import { generatedImages, generatedSkipReason } from '../formats/ntfs/generated.js';

const byName = (a: FileEntry, b: FileEntry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The reference: list one directory at a time and resolve every subdirectory by its path. */
async function slowWalk(list: (path: string) => Promise<FileEntry[]>, path: string): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  const stack = [path];
  while (stack.length) {
    const entries = (await list(stack.pop()!)).sort(byName);
    out.push(...entries);
    for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.type === 'dir') stack.push(entries[i]!.path);
  }
  return out;
}

async function fastWalk(view: EvidenceView, path: string): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for await (const b of walkBatches(view, path, true)) out.push(...b);
  return out;
}

/** Outcome of a walk: its entries, or the error it stopped with. */
async function outcome(walk: () => Promise<FileEntry[]>): Promise<FileEntry[] | string> {
  try {
    return await walk();
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

async function sameListing(image: string): Promise<number> {
  const view = await EvidenceView.open(image);
  try {
    const fast = await fastWalk(view, '/');
    const slow = await slowWalk((p) => view.list(p), '/');
    assert.deepEqual(fast, slow, image);
    // From a subdirectory too (the per-record path, no MFT pass).
    const sub = slow.find((e) => e.type === 'dir' && e.path.split('/').length === 3 && !e.name.startsWith('$'));
    if (sub) {
      // Spelled in another case: NTFS resolves it; the listing keeps the on-disk spelling.
      const [, vol, name] = sub.path.split('/');
      const asTyped = `/${vol}/${name!.toUpperCase()}`;
      const fromSub = await fastWalk(view, asTyped);
      assert.deepEqual(fromSub, await slowWalk((p) => view.list(p), asTyped), `${image} ${asTyped}`);
      assert.ok(fromSub.every((e) => e.path.startsWith(`${sub.path}/`)));
    }
    return fast.length;
  } finally {
    await view.close();
  }
}

/** A byte of a record to damage: anywhere, or (half the time) a header field, a stride's fixup bytes or an attribute header. */
const offsetIn = (rs: number): fc.Arbitrary<number> => fc.oneof(
  fc.integer({ min: 0, max: rs - 1 }),
  fc.constantFrom(4, 5, 6, 7, 0x10, 0x14, 0x16, 0x18, 0x19, 0x1c, 0x2a, 0x2b, 510, 511, rs - 2, rs - 1),
  fc.integer({ min: 0x38, max: 0x180 }),
);

const gen = generatedImages();
test('generated images: the fast recursive listing equals the directory-by-directory one', { skip: generatedSkipReason() ?? false }, async () => {
  for (const f of ['ntfs.raw', 'gpt.raw', 'mbr.raw']) assert.ok((await sameListing(join(gen!, f))) > 500, f);
});

const corpusImages = [
  'velociraptor/artifacts/testdata/files/test.ntfs.dd.E01',
  'velociraptor/artifacts/testdata/files/partition_image.E01',
  'sleuthkit/test/data/imageformat_mmls_1.E01',
  'dfvfs/test_data/windows_volume.qcow2',
  'plaso/test_data/vsstest.qcow2',
].map((p) => join(CORPUS, p));
test('corpus images: the fast recursive listing equals the directory-by-directory one', { skip: HAVE_CORPUS ? false : `corpus not found at ${CORPUS}` }, async () => {
  for (const img of corpusImages.filter((p) => existsSync(p))) assert.ok((await sameListing(img)) > 10, img);
});

test('a disk image lists every readable volume as /vol<N>; cat reads through the volume path', { skip: generatedSkipReason() ?? false }, async () => {
  const view = await EvidenceView.open(join(gen!, 'gpt.raw'));
  try {
    const top = await view.list('/');
    assert.deepEqual(top.map((e) => e.path), view.mounts.map((m) => m.prefix));
    assert.ok(top.length >= 2 && top.every((e) => /^\/vol[1-9]\d*$/.test(e.path) && e.type === 'dir'), JSON.stringify(top.map((e) => e.path)));
    const all = await fastWalk(view, '/');
    const file = all.find((e) => e.type === 'file' && e.size > 0 && !e.name.startsWith('$'))!;
    const at = view.locate(file.path)!;
    assert.equal(at.prefix + at.inner, file.path);
    const bytes = await readAll((await at.fs.open(at.inner)) as never, 64 << 20);
    assert.equal(bytes.length, file.size);
  } finally {
    await view.close();
  }
});

test('damaged MFT records: the fast listing still equals the directory-by-directory one', { skip: generatedSkipReason() ?? false }, async () => {
  const clean = readFileSync(join(gen!, 'ntfs.raw'));
  const v0 = await NtfsVolume.open(new BufferReader(clean));
  const rs = v0.recordSize;
  const mftAt = v0.boot.mftLcn * v0.boot.clusterSize;
  const deadline = Date.now() + 5000;
  let rounds = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 5, max: 150 }), offsetIn(rs), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 30 }), async (edits) => {
      if (Date.now() > deadline) return;
      rounds++;
      const bytes = Uint8Array.from(clean);
      for (const [rec, off, val] of edits) bytes[mftAt + rec * rs + off] = val;
      // Two instances: the walks must not share caches.
      const fast = await outcome(async () => {
        const fs = await NtfsFilesystem.open(new BufferReader(bytes));
        const out: FileEntry[] = [];
        for await (const b of fs.tree('/')) out.push(...b);
        return out;
      });
      const slow = await outcome(async () => {
        const fs = await NtfsFilesystem.open(new BufferReader(bytes));
        return slowWalk((p) => fs.readdir(p), '/');
      });
      assert.deepEqual(fast, slow, JSON.stringify(edits));
    }),
    { numRuns: 300, seed: 11 },
  );
  assert.ok(rounds > 3, `${rounds} rounds`);
});

/**
 * The lean pieces of the fast recursive listing must agree with the full parsers they stand in for:
 * readIndexNames with readIndex (same keys, order, issues and errors, also on damaged indexes),
 * runlistValid with decodeRunlist, findOverlap's no-sort path with the sorted check, and
 * MftTable.dirIndex with NtfsVolume.file's $I30 root and allocation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { ParseError } from '../../../../electron/common/issues.js';
import {
  decodeRunlist, findOverlap, looksLikeNtfs, MftTable, NtfsVolume, readIndex, readIndexNames, REC_DIR, REC_FAST, runlistValid, type Run,
} from '../../../../electron/formats/ntfs/index.js';
import { openVolumes } from '../../../../electron/evidence/volumes/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { CORPUS, HAVE_CORPUS } from '../../../helpers/corpus.js';
import { fileNameValue, indexNode, indexRoot, indxBlock } from './build.js';
import { generatedImages, generatedSkipReason } from './generated.js';

/** What a read of an index gives: its keys (name, reference, namespace) and issues, or the error. */
async function outcomeOf(read: () => Promise<{ name: string; entry: number; sequence: number; namespace: number }[]>, issues: string[]): Promise<string> {
  try {
    const keys = await read();
    return JSON.stringify({ keys: keys.map((k) => [k.name, k.entry, k.sequence, k.namespace]), issues });
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return `error: ${e.message} | ${JSON.stringify(issues)}`;
  }
}

async function bothOutcomes(root: Uint8Array, alloc: Uint8Array | null): Promise<[string, string, string]> {
  const i1: string[] = [];
  const i2: string[] = [];
  const i3: string[] = [];
  const full = await outcomeOf(async () => (await readIndex(root, 0, alloc && new BufferReader(alloc), 4096, i1)).map((e) => ({ name: e.key.name, entry: e.ref.entry, sequence: e.ref.sequence, namespace: e.key.namespace })), i1);
  const lean = await outcomeOf(() => readIndexNames(root, 0, alloc && new BufferReader(alloc), 4096, i2), i2);
  const noDos = await outcomeOf(() => readIndexNames(root, 0, alloc && new BufferReader(alloc), 4096, i3, true), i3);
  return [full, lean, noDos];
}

/** A two-level index: root (one key) → blocks 0 and 1, long and DOS names, one name with an unpaired surrogate. */
function sampleIndex(): { root: Uint8Array; alloc: Uint8Array } {
  const key = (n: string, ns = 1): Uint8Array => fileNameValue(n, 5, 5, { namespace: ns });
  const root = indexRoot(indexNode([{ ref: 40, key: key('m.txt'), sub: 0 }], 1));
  const alloc = new Uint8Array(2 * 4096);
  alloc.set(indxBlock(0, indexNode([{ ref: 41, key: key('a long name.txt') }, { ref: 41, key: key('ALONGN~1.TXT', 2) }, { ref: 43, key: key('b\ud800c') }], undefined, 40)), 0);
  alloc.set(indxBlock(1, indexNode([{ ref: 42, key: key('z.txt') }, { ref: 44, key: key('ZZ~1', 2) }], undefined, 40)), 4096);
  return { root, alloc };
}

test('readIndexNames gives readIndex keys, in order, with the same issues (DOS names left out on request)', async () => {
  const { root, alloc } = sampleIndex();
  const [full, lean, noDos] = await bothOutcomes(root, alloc);
  assert.equal(lean, full);
  const keys = JSON.parse(noDos).keys as [string, number, number, number][];
  assert.deepEqual(keys.map((k) => k[0]), ['m.txt', 'a long name.txt', 'b\ud800c', 'z.txt']);
  assert.deepEqual(JSON.parse(full).keys.length, 6);
});

test('readIndexNames fails exactly where readIndex fails, on randomly damaged indexes', async () => {
  const { root, alloc } = sampleIndex();
  let differentFromClean = 0;
  const [clean] = await bothOutcomes(root, alloc);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.boolean(), fc.nat(8191), fc.nat(255)), { minLength: 1, maxLength: 12 }), async (edits) => {
      const r = Uint8Array.from(root);
      const a = Uint8Array.from(alloc);
      for (const [inRoot, off, v] of edits) {
        if (inRoot) r[off % r.length] = v;
        else a[off] = v;
      }
      const [full, lean, noDos] = await bothOutcomes(r, a);
      assert.equal(lean, full);
      // Without DOS names: the same outcome kind (keys or the same error), the long names alike.
      if (full.startsWith('error')) assert.equal(noDos, full);
      else {
        const f = JSON.parse(full) as { keys: [string, number, number, number][]; issues: string[] };
        const n = JSON.parse(noDos) as { keys: [string, number, number, number][]; issues: string[] };
        assert.deepEqual(n.keys, f.keys.filter((k) => k[3] !== 2));
        assert.deepEqual(n.issues, f.issues);
      }
      if (full !== clean) differentFromClean++;
    }),
    { numRuns: 600, seed: 5, interruptAfterTimeLimit: 4000 },
  );
  assert.ok(differentFromClean > 20, `${differentFromClean} damaged indexes read differently from the clean one`);
});

test('runlistValid accepts exactly the runlists decodeRunlist decodes', () => {
  const verdict = (b: Uint8Array, start: number, last: number, clusters: number): boolean => {
    try {
      decodeRunlist(b, 0, start, last, clusters);
      return true;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      return false;
    }
  };
  let accepted = 0;
  const header = fc.integer({ min: 0, max: 0x88 });
  const bytes = fc.array(fc.oneof(header, fc.nat(255)), { minLength: 0, maxLength: 40 }).map((a) => Uint8Array.from(a));
  fc.assert(
    fc.property(bytes, fc.integer({ min: 0, max: 3 }), fc.integer({ min: -1, max: 5000 }), fc.integer({ min: 1, max: 1 << 20 }), fc.nat(8), (b, start, last, clusters, pad) => {
      const framed = new Uint8Array(pad + b.length + 3);
      framed.set(b, pad);
      const ok = verdict(b, start, last, clusters);
      assert.equal(runlistValid(framed, pad, pad + b.length, start, last, clusters), ok);
      if (ok) accepted++;
    }),
    { numRuns: 20000, seed: 3 },
  );
  // Realistic ones too: one run of 16 clusters at LCN 0x1000, then a sparse run, then one back.
  assert.equal(runlistValid(Uint8Array.from([0x21, 0x10, 0x00, 0x10, 0x01, 0x08, 0x21, 0x04, 0x00, 0xf8, 0x00]), 0, 11, 0, 27, 1 << 20), true);
  assert.ok(accepted > 500, `${accepted} accepted`);
});

test('findOverlap: runs that climb the disk need no sort; the answer is the sorted check', () => {
  const sorted = (runs: readonly Run[]): string | null => {
    const alloc = runs.filter((r) => r.lcn !== null).map((r) => [r.lcn!, r.lcn! + r.length, r.vcn] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < alloc.length; i++) if (alloc[i]![0] < alloc[i - 1]![1]) return `runs at VCN ${alloc[i - 1]![2]} and VCN ${alloc[i]![2]} both map cluster ${alloc[i]![0]}`;
    return null;
  };
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.option(fc.nat(200), { nil: null }), fc.integer({ min: 1, max: 30 })), { maxLength: 12 }), (spec) => {
      let vcn = 0;
      const runs: Run[] = spec.map(([lcn, length]) => {
        const r = { vcn, lcn, length };
        vcn += length;
        return r;
      });
      assert.equal(findOverlap(runs), sorted(runs));
    }),
    { numRuns: 5000, seed: 9 },
  );
});

/** The NTFS volume of a bare volume image, or of the first NTFS partition of a disk image. */
async function volumeOf(bytes: Uint8Array): Promise<NtfsVolume> {
  if (looksLikeNtfs(bytes.subarray(0, 512))) return NtfsVolume.open(new BufferReader(bytes));
  for (const v of (await openVolumes(new BufferReader(bytes))).volumes) {
    if (looksLikeNtfs(await v.reader.read(0, 512))) return NtfsVolume.open(v.reader);
  }
  throw new Error('no NTFS volume in the image');
}

/** Every directory the table describes has the $I30 root and allocation NtfsVolume.file gives; returns how many. */
async function dirIndexAgrees(vol: NtfsVolume): Promise<number> {
  const table = (await MftTable.build(vol))!;
  let described = 0;
  for (let n = 0; n < table.count; n++) {
    const d = table.dirIndex(n, vol.recordOffset(n), vol.boot.clusterSize, vol.boot.totalClusters);
    if (!d) continue;
    assert.ok((table.flags[n]! & (REC_FAST | REC_DIR)) === (REC_FAST | REC_DIR), `entry ${n} is a fast directory`);
    described++;
    const f = await vol.file(n);
    assert.equal(f.isDir, true);
    const root = f.indexRoots.get('$I30');
    assert.deepEqual(d.root && { value: Array.from(d.root.value), offset: d.root.offset }, root ? { value: Array.from(root.value), offset: root.offset } : null, `entry ${n} root`);
    assert.deepEqual(d.alloc, f.indexAllocs.get('$I30') ?? null, `entry ${n} allocation`);
  }
  return described;
}

const gen = generatedImages();
test('MftTable.dirIndex equals NtfsVolume.file on the generated volume', { skip: generatedSkipReason() ?? false }, async () => {
  const vol = await volumeOf(readFileSync(join(gen!, 'ntfs.raw')));
  assert.ok((await dirIndexAgrees(vol)) > 5);
});

for (const f of ['ntfs3.raw.gz', 'ntfs3_attrlist.raw.gz', 'ntfs_index.raw.gz']) {
  const file = join(CORPUS, 'dfir_ntfs', 'test_data', f);
  test(`MftTable.dirIndex equals NtfsVolume.file on corpus ${f}`, { skip: HAVE_CORPUS && existsSync(file) ? false : `corpus not found at ${CORPUS}` }, async () => {
    const vol = await volumeOf(gunzipSync(readFileSync(file)));
    assert.ok((await dirIndexAgrees(vol)) > 0);
  });
}

/**
 * Fuzzing the index slack scanner: random and mutated nodes with random bounds (it must never
 * throw, and what it returns must satisfy its own checks), directories with mutated roots and
 * INDX blocks (results or ParseError; the live entries always equal readIndex's), and a volume
 * with slack names walked with deleted entries (every walk ends: names can point back up).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { ParseError } from '../../electron/common/issues.js';
import { NtfsFilesystem } from '../../electron/evidence/filesystems/ntfs.js';
import { readIndex, readIndexWithSlack, scanNodeSlack, type SlackName } from '../../electron/formats/ntfs/index.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { fileNameValue, indexNode, indexRoot, indxBlock } from '../unit/formats/ntfs/build.js';
import { generatedSlackImage } from '../unit/formats/ntfs/generated.js';

const BUDGET_MS = Number(process.env['FUZZ_MS'] ?? 3_000);

function acceptable(e: unknown): void {
  if (e instanceof ParseError) return;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EISDIR') return;
  throw e;
}

const DIR = 40;
const key = (n: string): Uint8Array => fileNameValue(n, DIR, 1);

/** A node of two live entries and three old ones after its end (a realistic seed to mutate). */
function seedNode(): Uint8Array {
  const live = indexNode([{ ref: 41, key: key('a.txt') }, { ref: 42, key: key('b.txt') }]);
  const old = indexNode([{ ref: 43, key: key('c.txt') }, { ref: 44, key: key('d-longer-name.txt') }, { ref: 45, key: key('e.txt') }]);
  const node = new Uint8Array(live.length + old.length);
  node.set(live);
  node.set(old.subarray(16), live.length);
  new DataView(node.buffer).setUint32(8, node.length, true);
  return node;
}

function checkResults(b: Uint8Array, base: number, end: number, out: SlackName[]): void {
  let prev = -1;
  for (const s of out) {
    const k = s.offset - base + 16;
    assert.ok(s.offset - base > prev, 'in order, not overlapping');
    prev = k + 0x42 + s.key.name.length * 2 - 1;
    assert.ok(prev < Math.min(end, b.length), 'the name lies inside the scanned bytes');
    assert.equal(s.key.parent.entry, DIR);
    assert.ok(s.key.name.length > 0 && !/[\0/]/.test(s.key.name));
    assert.notEqual(s.key.namespace, 2);
    assert.ok(s.key.namespace <= 3);
    assert.ok(s.ref.entry < 1000);
  }
}

const mutations = (len: number) => fc.array(fc.record({ at: fc.nat(len - 1), value: fc.oneof(fc.nat(255), fc.constantFrom(0, 0xff, 0x28, 0x02)) }), { minLength: 1, maxLength: 10 });
function mutate(seed: Uint8Array, ms: { at: number; value: number }[]): Uint8Array {
  const b = Uint8Array.from(seed);
  for (const m of ms) b[m.at] = m.value;
  return b;
}

test('slack scanner: random and mutated nodes, random bounds', () => {
  const seed = seedNode();
  let found = 0;
  fc.assert(fc.property(
    fc.oneof(fc.uint8Array({ maxLength: 600 }), mutations(seed.length).map((ms) => mutate(seed, ms))),
    fc.integer({ min: -16, max: 700 }), fc.integer({ min: -16, max: 5000 }),
    (b, from, end) => {
      const out: SlackName[] = [];
      scanNodeSlack(b, 4096, from, end, DIR, 1000, out);
      checkResults(b, 4096, end, out);
      found += out.length;
      return true;
    }), { numRuns: 20000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false });
  assert.ok(found > 0, 'mutated seeds still yield names');
});

test('directory slack: mutated roots and INDX blocks give results or ParseError, live entries as readIndex', async () => {
  const root = indexRoot(indexNode([{ ref: 41, key: key('m.txt'), sub: 0 }]));
  const alloc = new Uint8Array(3 * 4096);
  alloc.set(indxBlock(0, seedNode()), 0);
  alloc.set(indxBlock(1, seedNode()), 4096); // not reached: all old
  await fc.assert(fc.asyncProperty(mutations(root.length), mutations(alloc.length), async (mr, ma) => {
    const r = mutate(root, mr);
    const a = mutate(alloc, ma);
    let live: string[] | null = null;
    try { live = (await readIndex(r, 0, new BufferReader(a), 4096, [])).map((e) => `${e.ref.entry}/${e.key.name}`); } catch (e) { acceptable(e); }
    try {
      const got = await readIndexWithSlack(r, 0, new BufferReader(a), 4096, DIR, 1000, []);
      assert.deepEqual(got.entries.map((e) => `${e.ref.entry}/${e.key.name}`), live);
      for (const s of got.slack) assert.equal(s.key.parent.entry, DIR);
    } catch (e) {
      acceptable(e);
      assert.equal(live, null, 'fails only where readIndex fails');
    }
    return true;
  }), { numRuns: 3000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false });
});

/** The slack fixture (make-ntfs-slack.sh), when it can be built. */
function slackImage(): Uint8Array | null {
  const p = generatedSlackImage();
  return p ? new Uint8Array(readFileSync(p)) : null;
}

const vol = slackImage();

test('a volume with slack names, mutated in its indexes, walked with deleted entries', { skip: vol ? false : 'needs root, FUSE and ntfs-3g to build slack.raw', timeout: 60_000 }, async () => {
  // Mutate the index blocks and MFT records of the directories holding slack.
  const hot: number[] = [];
  const needle = Buffer.from('INDX');
  for (let i = Buffer.from(vol!).indexOf(needle); i >= 0; i = Buffer.from(vol!).indexOf(needle, i + 4096)) hot.push(i);
  const target = fc.oneof(fc.constantFrom(...hot).chain((b) => fc.integer({ min: b, max: b + 4095 })), fc.nat(vol!.length - 1));
  const muts = fc.array(fc.record({ at: target, value: fc.oneof(fc.nat(255), fc.constantFrom(0, 0xff)) }), { minLength: 1, maxLength: 8 });
  const start = Date.now();
  let runs = 0;
  await fc.assert(fc.asyncProperty(muts, async (ms) => {
    if (Date.now() - start > BUDGET_MS) return true;
    runs++;
    let fs: NtfsFilesystem;
    try { fs = await NtfsFilesystem.open(new BufferReader(mutate(vol!, ms))); } catch (e) { acceptable(e); return true; }
    let listed = 0;
    // No depth cap: as `ls -r --deleted`, every directory entry is walked; the file system must end it.
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try { entries = await fs.readdir(dir, { deleted: true }); await fs.deletedNames(dir); } catch (e) { acceptable(e); return; }
      for (const e of entries) {
        assert.ok(++listed < 200_000, 'the walk ends');
        if (e.type === 'dir') await walk(e.path);
        else if (e.deleted) try { await fs.open(e.path); } catch (err) { acceptable(err); }
      }
    };
    await walk('/');
    return true;
  }), { numRuns: 300 });
  assert.ok(runs > 3);
});

/**
 * openContainerReader (an image met inside an archive) on mutated container images and random
 * bytes: a container (whose reads stay bounded) or a ParseError, never another error; and the
 * `subdir` ref layer: any chain/path gives a path inside its file system or a refusal.
 * About 1 s per format plus 1 s for random bytes and subdir chains.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ParseError } from '../../electron/common/issues.js';
import { openContainerReader } from '../../electron/evidence/containers/index.js';
import { resolveSubdir } from '../../electron/evidence/loaders/subdir.js';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { mutate, type Mutation } from '../helpers/mutate.js';
import { FIXTURE_SKIP, generatedContainers } from '../unit/formats/ewf/fixtures.js';

const BUDGET_MS = Number(process.env['TRIAGE_FUZZ_MS'] ?? 1_000);
const RUN = { seed: 0x6b61, numRuns: 100_000, interruptAfterTimeLimit: BUDGET_MS, timeout: 3_000, markInterruptAsFailure: false } as const;

async function check(bytes: Uint8Array, probe: number): Promise<void> {
  try {
    const c = await openContainerReader(new BufferReader(bytes), 'member.bin');
    assert.ok(Number.isSafeInteger(c.reader.size) && c.reader.size >= 0);
    for (const o of [0, Math.floor(probe * c.reader.size)]) assert.ok((await c.reader.read(Math.min(o, c.reader.size), 65536)).length <= 65536);
    await c.close();
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
  }
}

/** Mutations aimed at the first 4 MiB (headers, tables) and the last 512 bytes (VHD footer). */
const mutation = (len: number): fc.Arbitrary<Mutation> =>
  fc.record({
    kind: fc.constantFrom('byte', 'u32le', 'u32be', 'u64be', 'zero', 'cut'),
    at: fc.oneof(fc.nat(Math.min(len, 4 << 20)), fc.integer({ min: Math.max(0, len - 512), max: len })),
    value: fc.oneof(fc.nat(255), fc.nat(), fc.constantFrom(0, 0xffffffff, 0x80000000, 512, 4096)),
  });

for (const file of ['disk.vhdx', 'dynamic.vhd', 'disk.qcow2', 'sparse.vmdk', 'e01/disk.E01']) {
  test(`fuzz openContainerReader on mutated ${file}`, { skip: FIXTURE_SKIP }, async () => {
    const seed = new Uint8Array(readFileSync(join(generatedContainers(8), file)));
    await check(seed, 0.5);
    await fc.assert(fc.asyncProperty(fc.array(mutation(seed.length), { minLength: 1, maxLength: 5 }), fc.double({ min: 0, max: 1, noNaN: true }), async (ms, p) => check(mutate(seed, ms), p)), RUN);
  });
}

test('fuzz openContainerReader on random bytes behind each signature', async () => {
  const heads = ['vhdxfile', 'conectix', 'QFI\xfb', 'KDMV', '# Disk DescriptorFile\n', 'EVF\x09\x0d\x0a\xff\x00', ''].map((s) => Uint8Array.from(s, (c) => c.charCodeAt(0)));
  await fc.assert(
    fc.asyncProperty(fc.nat(heads.length - 1), fc.uint8Array({ maxLength: 8192 }), fc.boolean(), async (h, body, footer) => {
      const b = new Uint8Array(heads[h]!.length + body.length + (footer ? 512 : 0));
      b.set(heads[h]!);
      b.set(body, heads[h]!.length);
      if (footer) b.set(heads[1]!, b.length - 512); // a VHD footer cookie at the end
      await check(b, 0.5);
    }),
    RUN,
  );
});

test('fuzz subdir layers: the path stays inside the file system or is refused', () => {
  const part = fc.constantFrom('C', 'VSS1', '..', '.', '', 'Users', 'a b', '%2E%2E');
  fc.assert(
    fc.property(fc.array(fc.array(part, { maxLength: 3 }), { maxLength: 3 }), fc.array(part, { maxLength: 4 }), (dirs, rest) => {
      const chain = [{ kind: 'ntfs', locator: 'vol0' }, ...dirs.map((d) => ({ kind: 'subdir', locator: d.join('/') }))];
      let out;
      try {
        out = resolveSubdir({ chain, path: '/' + rest.filter((p) => p !== '..').join('/') });
      } catch (e) {
        assert.match((e as Error).message, /climbs out of its file system/);
        return;
      }
      assert.deepEqual(out.chain, [{ kind: 'ntfs', locator: 'vol0' }]);
      assert.ok(out.path.startsWith('/'));
      assert.ok(!out.path.split('/').includes('..'));
    }),
    { ...RUN, numRuns: 5_000 },
  );
});

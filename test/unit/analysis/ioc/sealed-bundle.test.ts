/**
 * The app reads the built-in bundle without the zod shape check when its content hash matches
 * (pack.ts `sealed`); these tests hold that to be the same as checking it, and keep a hand-edited
 * bundle failing as it always did.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuiltinIocs } from '../../../../electron/analysis/ioc/index.js';
import { canonicalJson } from '../../../../electron/analysis/ioc/canonical.js';
import { sha256Hex } from '../../../../electron/analysis/ioc/load.js';
import { inOutputForm, parseJsonPack } from '../../../../electron/analysis/ioc/pack.js';
import { ASSETS } from './paths.js';

const BUNDLE = join(ASSETS, 'ioc', '3cx-builtin.json');

function withBundle(text: string, run: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ioc-sealed-'));
  mkdirSync(join(dir, 'ioc'));
  writeFileSync(join(dir, 'ioc', '3cx-builtin.json'), text);
  return run(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('the committed bundle is in the schema output form, and reading it sealed equals reading it checked', async () => {
  const text = readFileSync(BUNDLE, 'utf8');
  assert.equal(inOutputForm(text), true);
  const sealed = parseJsonPack(text, BUNDLE, { sha256: sha256Hex, requireSha256: true, labelWithName: true, sealed: true });
  const checked = parseJsonPack(text, BUNDLE, { sha256: sha256Hex, requireSha256: true, labelWithName: true });
  assert.deepEqual(sealed.pack, checked.pack);
  assert.equal(JSON.stringify(sealed.pack), JSON.stringify(JSON.parse(text)));
  assert.deepEqual(await loadBuiltinIocs(ASSETS), await loadBuiltinIocs(ASSETS, { checkShape: true }));
});

test('a hand-edited bundle (hash no longer matching) takes the checked path and fails as before', async () => {
  const pack = JSON.parse(readFileSync(BUNDLE, 'utf8')) as { hashes: { confidence: string }[] };
  pack.hashes[0]!.confidence = 'certain';
  await withBundle(JSON.stringify(pack), async (dir) => {
    await assert.rejects(loadBuiltinIocs(dir), /\$\.hashes\[0\]\.confidence/);
  });
  // The shape is wrong but the hash was recomputed: sealed reading trusts the hash (the build's
  // --check is what catches this), a checked reading refuses it; and the bundle is not in output form.
  const resealed = { ...pack, sha256: sha256Hex(canonicalJson(pack)) };
  const text = JSON.stringify(resealed);
  await withBundle(text, async (dir) => {
    await assert.rejects(loadBuiltinIocs(dir, { checkShape: true }), /\$\.hashes\[0\]\.confidence/);
  });
  assert.equal(inOutputForm(text), false);
});

test('a bundle missing a defaulted field is not in output form (the build check refuses it)', () => {
  const pack = JSON.parse(readFileSync(BUNDLE, 'utf8')) as { hashes: Record<string, unknown>[] };
  delete pack.hashes[0]!['notes'];
  assert.equal(inOutputForm(JSON.stringify(pack)), false);
});

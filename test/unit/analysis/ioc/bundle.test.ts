import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuiltinIocs, matchHashes, IocFormatError } from '../../../../electron/analysis/ioc/index.js';
import { regenerate } from '../../../../electron/analysis/ioc/build-bundle.js';
import { canonicalJson } from '../../../../electron/analysis/ioc/canonical.js';
import { sha256Hex } from '../../../../electron/analysis/ioc/load.js';
import { ASSETS, BUILTIN, HAVE_RESEARCH, RESEARCH } from './paths.js';

interface ResearchHash {
  sha256: string | null; sha1: string | null; md5: string | null; cdhash?: string | null;
  fileName: string | null; platform: string; version: string | null; stage: string;
  source: string[]; confidence: string; notes: string | null;
}
interface ResearchNet { domain: string; urls: string[]; role: string; source: string[]; confidence: string; stage: string }

const skip = HAVE_RESEARCH ? false : `research bundle not found at ${RESEARCH}`;

test('every hash of 3cx-iocs.json is in the built-in set with its metadata and sources', { skip }, async () => {
  const research = JSON.parse(await readFile(RESEARCH, 'utf8')) as { hashes: ResearchHash[] };
  const set = await loadBuiltinIocs(ASSETS);
  let checked = 0;
  for (const row of research.hashes) {
    for (const algorithm of ['sha256', 'sha1', 'md5'] as const) {
      const value = row[algorithm];
      if (value === null) continue;
      const hits = matchHashes(set, { [algorithm]: value.toUpperCase() });
      assert.equal(hits.length, 1, `${algorithm} ${value}`);
      const h = hits[0]!;
      assert.equal(h.value, value.toLowerCase());
      assert.equal(h.algorithm, algorithm);
      assert.deepEqual(h.sources, row.source);
      assert.equal(h.confidence, row.confidence);
      assert.equal(h.fileName, row.fileName);
      assert.equal(h.platform, row.platform);
      assert.equal(h.version, row.version);
      assert.equal(h.stage, row.stage);
      assert.equal(h.notes, row.notes);
      assert.equal(h.pack, '3CX 2023 built-in');
      checked++;
    }
    if (row.cdhash) {
      // a CDHash is kept apart: never matched as a file SHA-1
      assert.deepEqual(matchHashes(set, { sha1: row.cdhash }), []);
      assert.ok((set.cdhashes ?? []).some((c) => c.value === row.cdhash && c.sources.join() === row.source.join()));
    }
  }
  assert.equal(checked, 134);
  assert.equal([...set.hashes.values()].flat().length, checked);
  assert.equal(set.cdhashes?.length, 2);
});

test('every domain and URL of 3cx-iocs.json keeps its role and sources', { skip }, async () => {
  const research = JSON.parse(await readFile(RESEARCH, 'utf8')) as { network: ResearchNet[] };
  const set = await loadBuiltinIocs(ASSETS);
  for (const row of research.network) {
    const d = set.network.find((n) => n.kind === 'domain' && n.value === row.domain);
    assert.ok(d, row.domain);
    assert.equal(d.role, row.role);
    assert.deepEqual(d.sources, row.source);
    assert.equal(d.stage, row.stage);
    for (const url of row.urls) {
      const u = set.network.find((n) => n.kind === 'url' && n.value === url);
      assert.ok(u, url);
      assert.equal(u.role, row.role);
    }
  }
  assert.equal(set.network.length, 31 + 23);
  assert.equal(set.network.find((n) => n.value === 'www.3cx.com')?.role, 'benign-decoy');
});

test('the version table names each platform-specific status with its sources', async () => {
  const set = await loadBuiltinIocs(ASSETS);
  const table = set.versions.map((v) => `${v.platform} ${v.version} ${v.status}`).sort();
  assert.deepEqual(table, [
    'macos 18.10.461 clean',
    'macos 18.11.1213 trojanized',
    'macos 18.12.402 trojanized',
    'macos 18.12.407 trojanized',
    'macos 18.12.416 trojanized',
    'macos 18.12.422 fixed',
    'windows 18.11.1213 clean',
    'windows 18.12.407 trojanized',
    'windows 18.12.416 trojanized',
    'windows 18.12.422 fixed',
    'windows 18.12.425 fixed',
  ]);
  for (const v of set.versions) assert.ok(v.sources.length > 0 && v.notes.length > 0);
});

test('identity: name, version and a sha256 over the canonical serialisation', async () => {
  const text = await readFile(BUILTIN, 'utf8');
  const raw = JSON.parse(text) as { sha256: string };
  const set = await loadBuiltinIocs(ASSETS);
  assert.equal(set.name, '3CX 2023 built-in');
  assert.match(set.version, /^\d{4}\.\d{2}\.\d{2}$/);
  assert.equal(set.sha256, raw.sha256);
  assert.equal(sha256Hex(canonicalJson(raw)), raw.sha256);
  // key order and whitespace do not change the canonical hash
  const reordered = Object.fromEntries(Object.entries(raw).reverse());
  assert.equal(sha256Hex(canonicalJson(reordered)), raw.sha256);
  assert.deepEqual(set.extra, []);
});

test('the committed bundle equals a fresh regeneration from the research file', { skip }, async () => {
  const committed = await readFile(BUILTIN, 'utf8');
  const version = (JSON.parse(committed) as { version: string }).version;
  assert.equal(await regenerate(RESEARCH, ASSETS, version), committed);
});

async function tamperedAssets(edit: (pack: Record<string, unknown>) => void, rehash: boolean): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ioc-assets-'));
  await mkdir(join(dir, 'ioc'));
  await copyFile(join(ASSETS, 'ioc', 'do-not-flag.json'), join(dir, 'ioc', 'do-not-flag.json'));
  const pack = JSON.parse(await readFile(BUILTIN, 'utf8')) as Record<string, unknown>;
  edit(pack);
  if (rehash) pack.sha256 = sha256Hex(canonicalJson(pack));
  await writeFile(join(dir, 'ioc', '3cx-builtin.json'), JSON.stringify(pack, null, 1));
  return dir;
}

test('a hand-edited bundle fails its content hash', async () => {
  const dir = await tamperedAssets((p) => {
    (p.hashes as { notes: string | null }[])[0]!.notes = 'edited';
  }, false);
  await assert.rejects(loadBuiltinIocs(dir), (e: unknown) => {
    assert.ok(e instanceof IocFormatError);
    assert.equal(e.jsonPath, '$.sha256');
    assert.equal(e.line, 5);
    assert.match(e.message, /3cx-builtin\.json:5: \$\.sha256: content hash is [0-9a-f]{64} but the pack says/);
    return true;
  });
});

test('a bad value in the bundle is refused at load even with a matching hash', async () => {
  const dir = await tamperedAssets((p) => {
    const h = (p.hashes as { algorithm: string; value: string }[])[1]!;
    assert.equal(h.algorithm, 'sha1');
    h.value = h.value.slice(0, 39);
  }, true);
  await assert.rejects(loadBuiltinIocs(dir), (e: unknown) => {
    assert.ok(e instanceof IocFormatError);
    assert.equal(e.jsonPath, '$.hashes[1].value');
    assert.ok(e.line !== null && e.line > 40, `line ${e.line}`);
    assert.match(e.message, /bea77d1e59cf18dce22ad9a2fad52948fd7a9ef/);
    assert.match(e.message, /has 39 hex digits \(need 40\)/);
    return true;
  });
  const upper = await tamperedAssets((p) => {
    const h = (p.hashes as { value: string }[])[0]!;
    h.value = h.value.toUpperCase();
  }, true);
  await assert.rejects(loadBuiltinIocs(upper), /is not hex \(must be lowercase\)/);
});

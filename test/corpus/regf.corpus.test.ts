/**
 * Every registry hive in the shared corpus, read in place, against libregf's regfexport (and
 * reglookup's counts). When regfexport is installed it is run live for the complete listing;
 * otherwise the stored oracle is used (complete for small hives; counts plus the stored head and
 * tail for large ones). Outcomes are pinned per file in test/fixtures/registry/corpus-pins.json
 * (set REGF_PIN_WRITE=1 to rewrite it after a deliberate change).
 *
 * Differences with a known cause on the reference tool's side are counted, not hidden:
 * - regfexport 20201007 misreads inline (≤ 4-byte) data of non-DWORD types (zeros or shifted
 *   bytes); reglookup and we show the real bytes (checked below: LangID = 09 04, BCD 00 C2 01);
 * - for a REG_SZ whose declared size holds no NUL, regfexport reads on into the cell's slack;
 * - libregf decodes compressed names through code page 1252, Windows (and we) as Latin-1;
 * - names holding CR/LF are cut at the line break by the line-based listing, and both tools cut
 *   names at an embedded NUL (yarp BogusKeyNamesHive "testnu\0l"); we keep the counted name.
 * Dirty hives are also replayed with their logs and compared with the hive Windows itself
 * recovered (yarp's RecoveredHive_Windows10/7).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { ParseError } from '../../electron/common/issues.js';
import { openHive, walkKeys, type Hive } from '../../electron/formats/regf/index.js';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';
import { registryFixtures } from '../unit/formats/regf/fixtures.js';
import { compareWithRegfexport, countReglookup, parseRegfexport, toolName, type OracleKey, type OurKey } from '../unit/formats/regf/oracle-text.js';

const PINS = join(registryFixtures(), 'corpus-pins.json');
interface Row { path: string; format: string; detected_as: string; oracle_details?: { reglookup?: { keys: number; values: number }; regfexport?: { rc: number; keys: number } } }
interface Pin { keys: number; values: number; issues: number; error?: string; regfexportKeys: number; reglookupKeys: number | null; explained: Record<string, number> }

/** REGF_LIVE=1 runs regfexport (when installed) on large hives for their complete listing (minutes). */
const LIVE = process.env['REGF_LIVE'] === '1';

function bytesOf(path: string): Uint8Array {
  const raw = readFileSync(join(CORPUS, path));
  return new Uint8Array(path.endsWith('.gz') ? gunzipSync(raw) : raw);
}

async function collect(hive: Hive): Promise<{ keys: Map<string, OurKey>; walked: number; values: number }> {
  const keys = new Map<string, OurKey>();
  const root = await hive.root();
  let values = 0;
  let walked = 0;
  for await (const k of walkKeys(root)) {
    walked++;
    const path = [root.name, ...(k.path === '' ? [] : k.path.split('\\'))].map(toolName).join('\\');
    const vals = (await k.values()).map((v) => ({ name: v.name, type: v.type, raw: v.raw, data: v.data, inline: v.inline }));
    values += vals.length;
    if (!keys.has(path)) keys.set(path, { path, values: vals });
  }
  return { keys, walked, values };
}

/**
 * regfexport's listing: the stored oracle when complete; for large hives the stored head (up to
 * the omission marker, last key dropped as it may be cut) unless REGF_LIVE=1 runs the tool.
 */
function oracleText(path: string, bytes: Uint8Array): { keys: OracleKey[]; complete: boolean; count: number } {
  const stored = readFileSync(join(CORPUS, 'oracles', `${path}.regfexport.txt`), 'utf8');
  const count = Number(/^# count key paths: (\d+)/m.exec(stored)?.[1] ?? 0);
  if (/\(complete\)/.test(stored)) return { keys: parseRegfexport(stored), complete: true, count };
  if (LIVE) {
    const tmp = join(tmpdir(), `regf-live-${process.pid}`);
    writeFileSync(tmp, bytes);
    try {
      return { keys: parseRegfexport(execFileSync('regfexport', [tmp], { maxBuffer: 1 << 30 }).toString('utf8')), complete: true, count };
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  const head = parseRegfexport(stored.split('\n[... ')[0]!);
  return { keys: head.slice(0, -1), complete: false, count };
}

test('every corpus hive agrees with regfexport (pinned outcomes)', { timeout: 900_000 }, async (t) => {
  if (!HAVE_CORPUS) return t.skip(`corpus not found at ${CORPUS} (set TRIAGE_CORPUS)`);
  const rows = (JSON.parse(readFileSync(join(CORPUS, 'MANIFEST.json'), 'utf8')) as { files: Row[] }).files
    .filter((r) => /registry hive/.test(r.format) && /regf|gzip/.test(r.detected_as));
  assert.ok(rows.length >= 70, `expected the corpus hives, found ${rows.length}`);
  const write = process.env['REGF_PIN_WRITE'] === '1';
  const pins: Record<string, Pin> = write ? {} : JSON.parse(readFileSync(PINS, 'utf8'));
  const totals = { files: 0, opened: 0, refused: 0, keys: 0, values: 0, oracleKeys: 0, matchedKeys: 0, matchedValues: 0 };
  for (const row of rows) {
    const bytes = bytesOf(row.path);
    const regfexportKeys = row.oracle_details?.regfexport?.keys ?? 0;
    const reglookupKeys = row.oracle_details?.reglookup?.keys ?? null;
    totals.files++;
    let hive: Hive;
    try {
      hive = await openHive(new BufferReader(bytes));
    } catch (e) {
      assert.ok(e instanceof ParseError, `${row.path}: ${String(e)}`);
      totals.refused++;
      const pin: Pin = { keys: 0, values: 0, issues: 0, error: e.code, regfexportKeys, reglookupKeys, explained: {} };
      if (write) pins[row.path] = pin;
      else assert.deepEqual(pin, pins[row.path], `${row.path}: outcome changed`);
      assert.equal(regfexportKeys, 0, `${row.path}: regfexport read keys where we refused`);
      continue;
    }
    totals.opened++;
    const { keys, walked, values } = await collect(hive);
    const oracle = oracleText(row.path, bytes);
    const agreement = compareWithRegfexport(keys, oracle.keys);
    // Every key regfexport lists is ours too, and every value it shows agrees (or is explained).
    assert.deepEqual(agreement.missingKeys.slice(0, 5), [], `${row.path}: keys regfexport has and we lack`);
    assert.deepEqual(agreement.valueDiffs.slice(0, 5), [], `${row.path}: values differ from regfexport`);
    if (oracle.complete) assert.equal(agreement.oracleKeys, oracle.count, `${row.path}: oracle listing parsed whole`);
    else assert.ok(agreement.oracleKeys >= 1, `${row.path}: stored oracle head gave keys to compare`);
    assert.ok(walked >= oracle.count, `${row.path}: fewer keys (${walked}) than regfexport (${regfexportKeys})`);
    const pin: Pin = { keys: walked, values, issues: hive.issues.length, regfexportKeys, reglookupKeys, explained: agreement.explained };
    if (write) pins[row.path] = pin;
    else assert.deepEqual(pin, pins[row.path], `${row.path}: outcome changed`);
    Object.assign(totals, { keys: totals.keys + walked, values: totals.values + values, oracleKeys: totals.oracleKeys + agreement.oracleKeys, matchedKeys: totals.matchedKeys + agreement.matchedKeys, matchedValues: totals.matchedValues + agreement.matchedValues });
  }
  if (write) writeFileSync(PINS, JSON.stringify(pins, null, 1) + '\n');
  t.diagnostic(`regf corpus: ${JSON.stringify(totals)} (large hives: ${LIVE ? 'regfexport run live' : 'stored oracle head + key count'})`);
});

test('reglookup counts: we read at least as many keys as reglookup wherever it read the hive whole', { skip: !HAVE_CORPUS }, async () => {
  const pins: Record<string, Pin> = JSON.parse(readFileSync(PINS, 'utf8'));
  const below = Object.entries(pins).filter(([, p]) => p.reglookupKeys !== null && p.keys < p.reglookupKeys).map(([k, p]) => `${k}: ${p.keys} < ${p.reglookupKeys}`);
  assert.deepEqual(below, []);
});

test('regfexport shows inline binary as zeros; reglookup and we read 09 04', { skip: !HAVE_CORPUS }, async () => {
  const hive = await openHive(new BufferReader(bytesOf('plaso/test_data/regf/UsrClass.dat')));
  const k = await hive.key('Local Settings\\Software\\Microsoft\\Windows\\Shell\\MuiCache');
  const v = await k!.value('LangID');
  assert.equal(Buffer.from(v!.raw).toString('hex'), '0904');
  const lookup = readFileSync(join(CORPUS, 'oracles/plaso/test_data/regf/UsrClass.dat.reglookup.txt'), 'utf8');
  if (lookup.includes('MuiCache/LangID')) assert.match(lookup, /MuiCache\/LangID,BINARY,%09%04,/);
  assert.ok(countReglookup(lookup).keys > 0);
  const bcd = await openHive(new BufferReader(bytesOf('Registry/Registry.Test/Hives/BCD')));
  const el = await (await bcd.key('Objects\\{4636856e-540f-4170-a130-a84776f4c654}\\Elements\\15000014'))!.value('Element');
  assert.equal(Buffer.from(el!.raw).toString('hex'), '00c201');
  assert.match(readFileSync(join(CORPUS, 'oracles/Registry/Registry.Test/Hives/BCD.reglookup.txt'), 'utf8'), /15000014\/Element,BINARY,%00%C2%01,/);
});

async function lines(bytes: Uint8Array, logs: Uint8Array[] = []): Promise<{ hive: Hive; out: string[] }> {
  const hive = await openHive(new BufferReader(bytes), { logs: logs.map((l) => new BufferReader(l)) });
  const out: string[] = [];
  for await (const k of walkKeys(await hive.root())) {
    out.push(`${k.path} ${k.lastWritten}`);
    for (const v of await k.values()) out.push(`  ${v.name}=${v.type}:${Buffer.from(v.raw).toString('hex')}`);
  }
  return { hive, out };
}

for (const [dir, name, recovered, logNames, format] of [
  ['NewDirtyHive1', 'NewDirtyHive', 'RecoveredHive_Windows10', ['LOG1', 'LOG2'], 'new'],
  ['OldDirtyHive', 'OldDirtyHive', 'RecoveredHive_Windows7', ['LOG1'], 'old'],
] as const) {
  test(`${dir}: replaying its logs gives the hive Windows recovered (${format} format)`, { skip: !HAVE_CORPUS }, async () => {
    const base = `yarp/hives_for_tests/${dir}`;
    const dirty = bytesOf(`${base}/${name}`);
    const logs = logNames.map((l) => bytesOf(`${base}/${name}.${l}`));
    const ours = await lines(dirty, logs);
    const windows = await lines(bytesOf(`${base}/${recovered}`));
    const stale = await lines(dirty);
    assert.equal(ours.hive.dirty, true);
    assert.equal(ours.hive.replayed?.format, format);
    assert.deepEqual(ours.out, windows.out);
    assert.notDeepEqual(stale.out, windows.out, 'without the logs the hive differs (so the replay did something)');
  });
}

test('regipy transactions_NTUSER.DAT: new-format log1 replays 566..588; log2 (562) is stale', { skip: !HAVE_CORPUS }, async () => {
  const d = 'regipy/regipy_tests/data';
  const { hive, out } = await lines(bytesOf(`${d}/transactions_NTUSER.DAT`), [bytesOf(`${d}/transactions_ntuser.dat.log1`), bytesOf(`${d}/transactions_ntuser.dat.log2`)]);
  assert.deepEqual({ first: hive.replayed?.firstSeq, last: hive.replayed?.lastSeq, entries: hive.replayed?.entries, log: hive.replayed?.log }, { first: 566, last: 588, entries: 23, log: 0 });
  assert.equal(out.filter((l) => !l.startsWith('  ')).length, 3105);
  assert.deepEqual(hive.issues, []);
});

test('yarp bad logs: a damaged log is refused with an issue and the primary is still read', { skip: !HAVE_CORPUS }, async () => {
  for (const [dir, code] of [['BadLogHive1', 'checksum'], ['BadLogHive2', 'bad-signature']] as const) {
    const base = `yarp/hives_for_tests/${dir}/BadLogHive`;
    const { hive, out } = await lines(bytesOf(base), [bytesOf(`${base}.LOG1`)]);
    assert.equal(hive.replayed, null, dir);
    assert.deepEqual(hive.issues.map((i) => i.code), [code], dir);
    assert.equal(out.filter((l) => !l.startsWith('  ')).length, 5003, dir);
  }
});

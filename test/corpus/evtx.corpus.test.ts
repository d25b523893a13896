/**
 * Every EVTX in the shared corpus, read in place, against libevtx's evtxexport (run live when
 * installed; otherwise only the stored oracle's event count is checked). For each file: the
 * allocated record ids equal evtxexport's event numbers (same order), and for every record both
 * read, EventID, provider, TimeCreated and the EventData values are equal. ok/recovered/issue
 * counts are pinned per file, in the style of omerbenamram/evtx's test_full_samples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dumpEvtx, openEvtx, type EvtxRecord } from '../../electron/formats/evtx/index.js';
import { FileReader } from '../../electron/io/file-reader.js';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';
import { FIXTURES } from '../unit/formats/evtx/fixture.js';

interface Row { path: string; format: string; oracle_details: { evtxexport_events?: number; python_evtx_events?: number } }

/** [allocated records read, recovered records, issues]. */
const PINS: Record<string, [number, number, number]> = JSON.parse(readFileSync(join(FIXTURES, 'corpus-pins.json'), 'utf8'));

/** Files where we read more than evtxexport, and why; its records must still be a subset of ours. */
const MORE_THAN_ORACLE: Record<string, string> = {
  'plaso/test_data/evtx/System2.evtx': 'file cut at 200000 bytes: libevtx skips the partial third chunk, we read its 89 intact records',
  'evtx/samples/E_ShadowCopy6_windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx': 'libevtx 20181227 stops at an entity reference (0x49) inside an attribute of record 89',
  'evtx/samples/E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx': 'libevtx stops at the same entity-reference-in-attribute case',
  'evtx/samples/MSExchange_Management_wec.evtx': 'libevtx fails on the only record (Binary XML value type 0x21); python-evtx fails too',
};

/**
 * Content differences explained by the reference tool, per file: a test on the two differing
 * EventData values that must hold for every differing value of that file.
 */
const ORACLE_WRONG: Record<string, { why: string; explained: (ours: string, theirs: string) => boolean }> = {
  // python-evtx agrees with us, e.g. <Data Name="ErrorCode">-2147188641</Data> (0x80048021, an HRESULT).
  'python-evtx/tests/data/issue_39.evtx': {
    why: 'libevtx 20181227 prints int32 values below -2^30 wrongly',
    explained: (a, b) => /^-\d+$/.test(a) && /^-\d+$/.test(b) && Number(a) < -(2 ** 30) && Number(b) > -(2 ** 30),
  },
  // A lone UTF-16 surrogate: we replace it with U+FFFD and keep the next character; libevtx drops both.
  'python-evtx/tests/data/issue_43.evtx': { why: 'lone surrogate in a string value', explained: (a) => a.includes('\uFFFD') },
};

const GOLDEN = [
  'evtx/samples/Security_short_selected.evtx',
  'velociraptor/artifacts/testdata/files/evtx/Microsoft-Windows-Sysmon%4Operational.evtx',
  'EVTX-ATTACK-SAMPLES/Credential Access/Powershell_4104_MiniDumpWriteDump_Lsass.evtx',
];

const HAVE_EVTXEXPORT = ((): boolean => {
  try {
    execFileSync('evtxexport', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const rows: Row[] = HAVE_CORPUS ? (JSON.parse(readFileSync(join(CORPUS, 'MANIFEST.json'), 'utf8')) as { files: Row[] }).files.filter((r) => /EVTX/.test(r.format)) : [];

function evtxexport(args: string[]): string {
  try {
    return execFileSync('evtxexport', args, { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] }).toString('utf8');
  } catch (e) {
    // It exits 1 after printing the records it could read; those still count.
    return (e as { stdout?: Buffer }).stdout?.toString('utf8') ?? '';
  }
}

const unesc = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

interface Fields { eid: number; provider: string | null; time: string | null; data: string[] | null }

/** The fields we compare, from one `<Event>` of evtxexport -f xml (or of our own XML, the same way). */
export function fieldsOf(xml: string): Fields[] {
  return xml.split(/(?=<Event xmlns)/).filter((b) => b.startsWith('<Event xmlns')).map((b) => {
    const ed = /<EventData>([\s\S]*?)<\/EventData>/.exec(b)?.[1];
    return {
      eid: Number(/<EventID[^>]*>(\d+)</.exec(b)?.[1]),
      provider: /<Provider Name="([^"]*)"/.exec(b)?.[1] ?? null,
      time: /<TimeCreated SystemTime="([^"]*)"/.exec(b)?.[1] ?? null,
      data: ed === undefined ? null : [...ed.matchAll(/<(\w+)(?: Name="[^"]*")?(?:\/>|>([\s\S]*?)<\/\1>)/g)].filter((d) => d[1] !== 'Binary').map((d) => unesc(d[2] ?? '').trim()),
    };
  });
}

async function readAll(path: string): Promise<{ ok: EvtxRecord[]; recovered: number; issues: number }> {
  const r = await FileReader.open(path);
  try {
    const out = { ok: [] as EvtxRecord[], recovered: 0, issues: 0 };
    for await (const it of (await openEvtx(r)).records()) {
      if ('error' in it) out.issues++;
      else if (it.recovered) out.recovered++;
      else out.ok.push(it);
    }
    return out;
  } finally {
    await r.close();
  }
}

test('corpus present', { skip: !HAVE_CORPUS && 'shared corpus not found (set TRIAGE_CORPUS)' }, () => {
  assert.equal(rows.length, Object.keys(PINS).length, 'every corpus EVTX has a pin');
});

for (const row of rows) {
  test(`evtx corpus: ${row.path}`, async () => {
    const ours = await readAll(join(CORPUS, row.path));
    assert.deepEqual([ours.ok.length, ours.recovered, ours.issues], PINS[row.path], 'pinned ok/recovered/issue counts');
    const oracleCount = row.oracle_details.evtxexport_events ?? 0;
    assert.ok(ours.ok.length >= oracleCount, `we read ${ours.ok.length}, evtxexport ${oracleCount}`);
    if (!HAVE_EVTXEXPORT) return;

    const p = join(CORPUS, row.path);
    const ids = [...evtxexport([p]).matchAll(/^Event number\t+: (\d+)$/gm)].map((m) => Number(m[1]));
    const theirs = fieldsOf(evtxexport(['-f', 'xml', p]));
    assert.equal(theirs.length, ids.length, 'text and XML exports agree on the count');
    const ourIds = ours.ok.map((r) => r.recordId);
    if (row.path in MORE_THAN_ORACLE) {
      assert.deepEqual(ourIds.slice(0, ids.length), ids, MORE_THAN_ORACLE[row.path]);
      assert.ok(ourIds.length > ids.length);
    } else {
      assert.deepEqual(ourIds, ids);
    }
    const wrong = ORACLE_WRONG[row.path];
    const diffs: string[] = [];
    let explained = 0;
    ids.forEach((id, i) => {
      const rec = ours.ok[i]!;
      const a = fieldsOf(rec.xml)[0]!;
      const b = theirs[i]!;
      if (a.eid !== b.eid || rec.event.System.EventID !== b.eid) diffs.push(`${id}: EventID ${a.eid} vs ${b.eid}`);
      if (a.provider !== b.provider || rec.event.System.Provider.Name !== b.provider) diffs.push(`${id}: provider ${a.provider} vs ${b.provider}`);
      if (a.time !== b.time || rec.event.System.TimeCreated !== b.time) diffs.push(`${id}: TimeCreated ${a.time} vs ${b.time}`);
      if (JSON.stringify(a.data) === JSON.stringify(b.data)) return;
      const pairs = (a.data ?? []).map((v, k) => [v, b.data?.[k] ?? ''] as const).filter(([x, y]) => x !== y);
      if (wrong && a.data?.length === b.data?.length && pairs.every(([x, y]) => wrong.explained(x, y))) explained++;
      else diffs.push(`${id}: EventData ${JSON.stringify(a.data)?.slice(0, 200)} vs ${JSON.stringify(b.data)?.slice(0, 200)}`);
    });
    assert.deepEqual(diffs, []);
    // An explanation that no longer explains anything is stale.
    if (wrong) assert.ok(explained > 0, wrong.why);
  });
}

for (const path of GOLDEN) {
  test(`evtx golden JSON: ${path}`, { skip: !HAVE_CORPUS && 'no corpus' }, async () => {
    const r = await FileReader.open(join(CORPUS, path));
    const got: unknown[] = [];
    try {
      for await (const d of dumpEvtx(r)) got.push(d);
    } finally {
      await r.close();
    }
    const file = join(FIXTURES, 'golden', `${path.split('/').pop()}.json`);
    if (process.env['UPDATE_EVTX_GOLDEN'] === '1') writeFileSync(file, JSON.stringify(got, null, 1) + '\n');
    assert.deepEqual(JSON.parse(JSON.stringify(got)), JSON.parse(readFileSync(file, 'utf8')));
  });
}

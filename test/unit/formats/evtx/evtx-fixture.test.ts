/**
 * The parser over logs written by test/fixtures/evtx/make-evtx.py (checked with evtxexport and
 * python-evtx, see RECIPES in that script), and over damaged copies of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumpEvtx, openEvtx, type EvtxItem, type EvtxRecord } from '../../../../electron/formats/evtx/index.js';
import { FIXTURES, items, load } from './fixture.js';
import { ParseError } from '../../../../electron/common/issues.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';

const recs = (xs: EvtxItem[]): EvtxRecord[] => xs.filter((x): x is EvtxRecord => !('error' in x));
const errs = (xs: EvtxItem[]) => xs.flatMap((x) => ('error' in x ? [x.error] : []));

test('MsiInstaller 1033 for 3CX Desktop App 18.12.416 reads back field by field', async () => {
  const f = await openEvtx(new BufferReader(load('Application.evtx')));
  assert.equal(f.header.majorVersion, 3);
  assert.equal(f.header.checksumOk, true);
  assert.equal(f.header.chunkCount, 1);
  const xs = await items(load('Application.evtx'));
  assert.deepEqual(errs(xs), []);
  const r = recs(xs);
  assert.deepEqual(r.map((x) => x.recordId), [1, 2, 3, 4, 5, 6]);
  const first = r[0]!;
  assert.equal(first.time, '2023-03-20T09:14:02.000000000Z');
  assert.equal(first.event.System.Provider.Name, 'MsiInstaller');
  assert.equal(first.event.System.EventID, 1033);
  assert.equal(first.event.System.Qualifiers, 0);
  assert.equal(first.event.System.Channel, 'Application');
  assert.equal(first.event.System.Computer, 'WS-FINANCE-07');
  assert.equal(first.event.System.Security.UserID, 'S-1-5-21-1004336348-1177238915-682003330-1001');
  assert.deepEqual(first.event.EventData, ['3CX Desktop App', '18.12.416', '1033', '0', '3CX Ltd', '(NULL)', '']);
  assert.match(first.xml, /<EventID Qualifiers="0">1033<\/EventID>/);
  // The Provider Guid is an optional substitution with a NULL value: the attribute is left out.
  assert.match(first.xml, /<Provider Name="MsiInstaller"\/>/);
});

test('Sysmon records reuse the template written by the first record and keep named Data', async () => {
  const r = recs(await items(load('Microsoft-Windows-Sysmon%4Operational.evtx')));
  assert.equal(r.length, 9);
  const byEid = (id: number) => r.filter((x) => x.event.System.EventID === id);
  assert.equal(byEid(7).length, 2);
  const load7 = byEid(7)[1]!.event.EventData as Record<string, string>;
  assert.equal(load7['ImageLoaded'], 'C:\\Users\\alice\\AppData\\Local\\Programs\\3CXDesktopApp\\app\\d3dcompiler_47.dll');
  assert.equal(byEid(22)[0]!.event.EventData && (byEid(22)[0]!.event.EventData as Record<string, string>)['QueryName'], 'raw.githubusercontent.com');
  assert.equal(r[0]!.event.System.Provider.Guid, '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}');
});

test('the committed fixtures are what make-evtx.py writes today', { skip: !hasPython() && 'python3 not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'evtx-fx-'));
  try {
    execFileSync('python3', [join(FIXTURES, 'make-evtx.py'), dir]);
    for (const name of readdirSync(dir)) assert.deepEqual(new Uint8Array(readFileSync(join(dir, name))), load(name), name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version']);
    return true;
  } catch {
    return false;
  }
}

test('not an EVTX file: a located ParseError, not a crash', async () => {
  await assert.rejects(openEvtx(new BufferReader(new Uint8Array(4096))), (e) => e instanceof ParseError && e.code === 'bad-signature');
  await assert.rejects(openEvtx(new BufferReader(new Uint8Array(10))), (e) => e instanceof ParseError && e.code === 'truncated');
});

test('dumpEvtx yields the header, then one JSON-able object per record', async () => {
  const out = [];
  for await (const d of dumpEvtx(new BufferReader(load('Security.evtx')))) out.push(d);
  assert.equal(out[0]!.kind, 'header');
  assert.equal(out.length, 2);
  const rec = JSON.parse(JSON.stringify(out[1]));
  assert.equal(rec.kind, 'record');
  assert.equal(rec.event.EventData.NewProcessName, 'C:\\Users\\alice\\AppData\\Local\\Programs\\3CXDesktopApp\\app\\Update.exe');
});

/**
 * Real macOS databases and plists from the shared corpus (plaso test data), read in place: the
 * row readers of the quarantine / knowledgeC plugins against the sqlite3 CLI and the MANIFEST's
 * oracle counts, InstallHistory and launchd plists against Python's plistlib.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openSqlite } from '../../../../electron/formats/sqlite/index.js';
import { FileReader } from '../../../../electron/io/file-reader.js';
import { parsePlist } from '../../../../electron/formats/plist/index.js';
import { readQuarantineRows } from '../../../../electron/artefacts/macos/quarantine.js';
import { KNOWLEDGE_STREAMS, readAppUsage } from '../../../../electron/artefacts/macos/knowledgec.js';
import { readInstallHistory } from '../../../../electron/artefacts/macos/install-history.js';
import { launchFacts } from '../../../../electron/artefacts/macos/launch-items.js';
import { CORPUS, HAVE_CORPUS } from '../../../helpers/corpus.js';
import { HAVE_PYTHON, HAVE_SQLITE3 } from './build-db.js';

const skip = HAVE_CORPUS ? false : `corpus not found at ${CORPUS} (set TRIAGE_CORPUS)`;
const QDB = 'plaso/test_data/sqlite/quarantine.db';
const KDBS = ['plaso/test_data/macos/knowledgec-10.13.db', 'plaso/test_data/macos/knowledgec-10.14.db'];

async function open(rel: string) {
  const r = await FileReader.open(join(CORPUS, rel));
  try {
    return await openSqlite(r, null);
  } finally {
    await r.close();
  }
}

/** `table|count` lines of the oracle written by `sqlite3 -readonly` when the corpus was built. */
function oracleCounts(rel: string): Map<string, number> {
  const text = readFileSync(join(CORPUS, 'oracles', `${rel}.sqlite3.txt`), 'utf8');
  return new Map([...text.matchAll(/^(\w+)\|(\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

function cli(rel: string, sql: string): string[] {
  const r = spawnSync('sqlite3', ['-readonly', join(CORPUS, rel), sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l.length > 0);
}

test('plaso quarantine.db: 14 LSQuarantineEvent rows, ids/times/URLs as sqlite3 reads them, none 3CX', { skip }, async () => {
  const { db, info } = await open(QDB);
  try {
    assert.equal(info.header.pageSize, 4096);
    const { rows, truncated } = readQuarantineRows(db);
    assert.equal(truncated, false);
    assert.equal(rows.length, oracleCounts(QDB).get('LSQuarantineEvent'));
    assert.equal(rows[0]!.agentName, 'Safari');
    assert.equal(rows[0]!.timeRaw, 394993467.020743);
    assert.equal(rows.filter((r) => /3cx/i.test(`${r.dataUrl} ${r.originUrl}`)).length, 0);
    if (HAVE_SQLITE3) {
      const want = cli(QDB, "SELECT LSQuarantineEventIdentifier, printf('%.6f', LSQuarantineTimeStamp), LSQuarantineAgentName, LSQuarantineDataURLString, LSQuarantineOriginURLString FROM LSQuarantineEvent ORDER BY LSQuarantineTimeStamp");
      assert.deepEqual(rows.map((r) => [r.eventId, r.timeRaw?.toFixed(6), r.agentName, r.dataUrl ?? '', r.originUrl ?? ''].join('|')), want);
    }
  } finally {
    db.close();
  }
});

test('plaso knowledgeC 10.13 / 10.14: ZOBJECT counts match the oracle; app rows for a bundle match sqlite3', { skip }, async () => {
  for (const rel of KDBS) {
    const { db } = await open(rel);
    try {
      const u = readAppUsage(db, 'com.apple.finder');
      assert.ok(u, rel);
      assert.equal(u.total, oracleCounts(rel).get('ZOBJECT'), rel);
      assert.equal(readAppUsage(db, 'com.electron.3cx-desktop-app')!.rows.length, 0);
      if (HAVE_SQLITE3) {
        const streams = KNOWLEDGE_STREAMS.map((s) => `'${s}'`).join(',');
        const want = cli(rel, `SELECT Z_PK, ZSTREAMNAME, ZSTARTDATE, ZENDDATE, ZSECONDSFROMGMT FROM ZOBJECT WHERE ZSTREAMNAME IN (${streams}) AND ZVALUESTRING = 'com.apple.finder' COLLATE NOCASE ORDER BY ZSTARTDATE, Z_PK`);
        assert.ok(want.length > 0, `${rel} has finder rows`);
        assert.deepEqual(u.rows.map((r) => [r.objectId, r.stream, r.startRaw, r.endRaw, r.secondsFromGmt].join('|')), want, rel);
      }
    } finally {
      db.close();
    }
  }
});

test('plaso InstallHistory.plist and launchd plists agree with plistlib', { skip: skip || (HAVE_PYTHON ? false : 'python3 required') }, () => {
  const ih = 'plaso/test_data/plist/InstallHistory.plist';
  const entries = readInstallHistory(parsePlist(new Uint8Array(readFileSync(join(CORPUS, ih)))).value)!;
  const py = spawnSync('python3', ['-c', `
import plistlib, sys, json, datetime
v = plistlib.load(open(sys.argv[1], 'rb'))
print(json.dumps([[e.get('displayName'), e.get('displayVersion'), e['date'].replace(tzinfo=datetime.timezone.utc).isoformat() if 'date' in e else None, e.get('packageIdentifiers', []), e.get('processName')] for e in v]))
`, join(CORPUS, ih)], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const want = (JSON.parse(py.stdout) as [string, string, string | null, string[], string][]).map(([n, v, d, p, pr]) => [n, v, d ? new Date(d).toISOString() : null, p, pr]);
  assert.equal(entries.length, 7);
  assert.deepEqual(entries.map((e) => [e.displayName, e.displayVersion, e.time, e.packageIdentifiers, e.processName]), want);
  for (const name of ['launchd.plist', 'launchd.minimal.plist', 'launchd.noprogram.plist']) {
    const p = join(CORPUS, 'plaso/test_data/plist', name);
    const f = launchFacts(new Uint8Array(readFileSync(p)));
    const lab = spawnSync('python3', ['-c', 'import plistlib,sys,json; v=plistlib.load(open(sys.argv[1],"rb")); print(json.dumps([v.get("Label"), v.get("Program"), v.get("ProgramArguments", [])]))', p], { encoding: 'utf8' });
    const [label, program, args] = JSON.parse(lab.stdout) as [string | null, string | null, string[]];
    assert.deepEqual([f.label, f.program, f.programArguments, f.parsed], [label, program, args, true], name);
    assert.deepEqual(f.indicators, [], `${name} names nothing 3CX`);
  }
});

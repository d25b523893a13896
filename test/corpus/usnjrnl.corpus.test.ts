/**
 * The USN journal parser on real journals: dfir_ntfs `usnjrnlj.bin` (a Windows 10 $J extract, V2
 * and V4 records) field by field against dfir_ntfs's own USN.py output (golden file
 * test/fixtures/usnjrnl/usnjrnlj.dfir_ntfs.jsonl, made once with dfir_ntfs @ec3ae08), and the
 * truncated $J upload inside the Velociraptor offline collection, through the collection loader.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BufferReader } from '../../electron/io/buffer-reader.js';
import { newStats, walkUsnJournal, type UsnRecord } from '../../electron/formats/usnjrnl/index.js';
import { detectEvidence } from '../../electron/evidence/detect.js';
import { openArchiveEvidence } from '../../electron/evidence/loaders/archive.js';
import { FsTarget } from '../../electron/evidence/target.js';
import { runPlugins } from '../../electron/artefacts/runner.js';
import { windowsUsnJournal } from '../../electron/artefacts/windows/usnjrnl.js';
import type { UsnCoverageRecord } from '../../electron/artefacts/windows/usnjrnl-records.js';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';
import { usnFixtures } from '../unit/formats/usnjrnl/fixtures.js';

const skip = HAVE_CORPUS ? false : `corpus not found at ${CORPUS}`;

test('dfir_ntfs usnjrnlj.bin: 271 records agree with dfir_ntfs USN.py field by field', { skip }, async () => {
  const bytes = new Uint8Array(readFileSync(join(CORPUS, 'dfir_ntfs/test_data/usnjrnlj.bin')));
  const stats = newStats(bytes.length);
  const recs: UsnRecord[] = [];
  for await (const r of walkUsnJournal(new BufferReader(bytes), stats)) recs.push(r);
  const golden = readFileSync(join(usnFixtures(), 'usnjrnlj.dfir_ntfs.jsonl'), 'utf8').trim().split('\n')
    .map((l) => JSON.parse(l) as [number, number, string, string, number, string | null, string | null]);
  assert.equal(recs.length, 271);
  assert.deepEqual(stats.byVersion, { 2: 264, 4: 7 });
  assert.deepEqual(stats.issues, []);
  const big = (r: UsnRecord['file']): string => BigInt('0x' + r.hex).toString();
  recs.forEach((r, i) => {
    const [usn, v, ref, parent, reason, name, ts] = golden[i]!;
    assert.deepEqual([r.usn, r.majorVersion, big(r.file), big(r.parent), r.reasonFlags, r.name], [usn, v, ref, parent, reason, name], `record ${i}`);
    // dfir_ntfs prints microseconds (through floats, so a few µs off); we truncate to milliseconds.
    if (ts === null) assert.equal(r.timestamp, null, `record ${i} time`);
    else {
      const theirs = Date.parse(`${ts.slice(0, 19)}Z`) + Number(`0.${ts.slice(20) || '0'}`) * 1000;
      const d = theirs - Date.parse(r.timestamp!);
      assert.ok(d > -0.01 && d < 1.01, `record ${i} time: ${r.timestamp} vs ${ts}`);
    }
    assert.equal(r.usn, r.offset, 'a whole-$J extract: USN = offset');
  });
});

test('Velociraptor collection: the $J upload is found, walked and its truncated tail reported', { skip }, async () => {
  const zip = join(CORPUS, 'velociraptor/artifacts/testdata/files/Collection-WIN-E5K9RC5GU23-2021-11-21T18_05_56-08_00.zip');
  const ev = await openArchiveEvidence(zip, 'E1', await detectEvidence(zip));
  try {
    const h = ev.hosts[0]!;
    const target = await FsTarget.create('E1', h.fs, h.osHint ?? 'unknown');
    assert.equal(windowsUsnJournal.compatible(target), true, `${target.os} ${target.shape}`);
    const out = await runPlugins(target, [windowsUsnJournal]);
    const cov = (out.records as unknown as { type: string }[]).find((r) => r.type === 'usn-coverage') as unknown as UsnCoverageRecord;
    assert.equal(cov.state, 'examined');
    assert.equal(cov.journalPath, '/$Extend/$UsnJrnl:$J');
    assert.equal(cov.records, 50);
    assert.equal(cov.matched, 0, 'no 3CX names on that host');
    assert.equal(cov.firstTime, '2024-08-14T15:29:55.239Z');
    assert.equal(out.issues.length, 1);
    assert.match(out.issues[0]!.message, /runs past the end of the data at 5120/);
  } finally {
    await ev.close();
  }
});

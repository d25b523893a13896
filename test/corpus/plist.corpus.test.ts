/**
 * Every plist in the shared corpus, read in place, against CPython plistlib's output (oracles/).
 * plistlib's JSON dump writes dates as ISO strings (µs), data as `<data N bytes: first-32-hex>`
 * and UIDs as `<UID n>`; `same()` maps our values onto that form.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { parsePlist, type PlistValue } from '../../electron/formats/plist/index.js';
import { ParseError } from '../../electron/common/issues.js';

import { CORPUS } from '../helpers/corpus.js';
const MANIFEST = join(CORPUS, 'MANIFEST.json');

interface Row { path: string; sha256: string; format: string; detected_as: string }

/**
 * Files plistlib rejects for reasons of its own, not because the file is bad. We accept them
 * (as Apple's CoreFoundation does) and check their content another way.
 */
const DISAGREEMENTS: Record<string, string> = {
  // A newline before `<?xml`: expat refuses, CFPropertyList accepts. Otherwise byte-identical
  // to com.apple.airport.preferences.plist, so it must decode to that file's oracle.
  'plaso/test_data/plist/leading_whitespace.plist': 'leading white space',
  // <date>0000-12-30T00:00:00Z</date>: Python's datetime has no year 0; a JS Date does.
  'plaso/test_data/plist/com.apple.security.KCN.plist': 'year-0 date',
};

function readOracle(path: string): { exit: number; body: string } {
  const text = readFileSync(join(CORPUS, 'oracles', `${path}.plistlib.txt`), 'utf8');
  const exit = Number(/^# exit: (\d+)/m.exec(text)?.[1] ?? NaN);
  const body = text.split('\n').filter((l) => !l.startsWith('#')).join('\n').trim();
  return { exit, body };
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** Collect differences between our value and plistlib's JSON form. */
function same(ours: PlistValue, theirs: unknown, at: string, out: string[]): void {
  if (out.length > 10) return;
  if (ours instanceof Date) {
    const ms = typeof theirs === 'string' ? Date.parse(theirs.replace(/(\.\d{3})\d*Z$/, '$1Z')) : NaN;
    // plistlib keeps microseconds, a JS Date milliseconds.
    if (!(Math.abs(ours.getTime() - ms) <= 1)) out.push(`${at}: date ${ours.toISOString()} vs ${String(theirs)}`);
  } else if (ours instanceof Uint8Array) {
    const want = `<data ${ours.length} bytes: ${hex(ours.subarray(0, 32))}>`;
    if (want !== theirs) out.push(`${at}: ${want} vs ${String(theirs)}`);
  } else if (Array.isArray(ours)) {
    if (!Array.isArray(theirs) || theirs.length !== ours.length) { out.push(`${at}: array length ${ours.length} vs ${JSON.stringify(theirs)?.slice(0, 60)}`); return; }
    ours.forEach((v, i) => same(v, theirs[i], `${at}[${i}]`, out));
  } else if (typeof ours === 'bigint') {
    if (Number(ours) !== theirs) out.push(`${at}: ${ours} vs ${String(theirs)}`);
  } else if (ours !== null && typeof ours === 'object') {
    if ('CF$UID' in ours && Object.keys(ours).length === 1) {
      if (`<UID ${String(ours['CF$UID'])}>` !== theirs) out.push(`${at}: UID ${String(ours['CF$UID'])} vs ${String(theirs)}`);
      return;
    }
    if (theirs === null || typeof theirs !== 'object' || Array.isArray(theirs)) { out.push(`${at}: dict vs ${typeof theirs}`); return; }
    const t = theirs as Record<string, unknown>;
    const a = Object.keys(ours).sort();
    const b = Object.keys(t).sort();
    if (a.join('\0') !== b.join('\0')) out.push(`${at}: keys ${a.join(',')} vs ${b.join(',')}`);
    for (const k of a) same(ours[k]!, t[k], `${at}.${k}`, out);
  } else if (ours !== theirs) {
    out.push(`${at}: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`);
  }
}

test('plist corpus agrees with plistlib', (t) => {
  if (!existsSync(MANIFEST)) {
    t.skip(`corpus not found at ${CORPUS} (set TRIAGE_CORPUS to run the plist corpus test)`);
    return;
  }
  const rows = (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { files: Row[] }).files
    .filter((r) => /plist/i.test(`${r.format} ${r.detected_as}`));
  const tally = { ok: 0, error: 0, disagreement: 0, binary: 0, xml: 0 };
  for (const row of rows) {
    const raw = readFileSync(join(CORPUS, row.path));
    assert.equal(createHash('sha256').update(raw).digest('hex'), row.sha256, `${row.path}: sha256 differs from MANIFEST`);
    const bytes = new Uint8Array(row.path.endsWith('.gz') ? gunzipSync(raw) : raw);
    const oracle = readOracle(row.path);
    if (oracle.exit === 0) {
      const { format, value } = parsePlist(bytes);
      tally[format]++;
      const diffs: string[] = [];
      same(value, JSON.parse(oracle.body), '$', diffs);
      assert.deepEqual(diffs, [], `${row.path} differs from plistlib`);
      tally.ok++;
    } else if (DISAGREEMENTS[row.path]) {
      const { value } = parsePlist(bytes);
      tally.disagreement++;
      if (row.path.endsWith('leading_whitespace.plist')) {
        const twin = readOracle('plaso/test_data/plist/com.apple.airport.preferences.plist');
        const diffs: string[] = [];
        same(value, JSON.parse(twin.body), '$', diffs);
        assert.deepEqual(diffs, [], 'leading_whitespace.plist should decode like its twin');
      } else {
        const v = value as Record<string, PlistValue>;
        assert.equal((v['applicationDate'] as Date).toISOString(), '0000-12-30T00:00:00.000Z');
        assert.equal((v['pendingApplicationReminder'] as Date).toISOString(), '4001-01-01T00:00:00.000Z');
        assert.equal(v['pendingApplicationReminderInterval'], 86400);
        assert.equal(v['absentCircleWithNoReason'], false);
      }
    } else {
      assert.throws(() => parsePlist(bytes), ParseError, `${row.path}: plistlib rejected it, so should we`);
      tally.error++;
    }
  }
  // Pinned: a change in these counts means the corpus or the parser changed.
  assert.deepEqual(tally, { ok: 31, error: 1, disagreement: 2, binary: 20, xml: 11 });
});

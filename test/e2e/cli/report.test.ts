import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanResult } from '../../../electron/common/scan-result.js';
import { hasMingw, makeHosts, runCli, tmp } from '../../helpers/cli.js';

const hasPdfTools = existsSync('/usr/bin/chromium') && spawnSync('pdftotext', ['-v']).status === 0;

describe('case report and exports', { skip: hasMingw() ? false : 'mingw-w64 not installed: cannot build fixtures' }, () => {
  let dir = '';
  let out = '';
  let result: ScanResult;
  before(() => {
    dir = makeHosts('win-compromised', 'mac-compromised', 'win-clean', 'win-profile');
    out = tmp('report');
    const r = runCli(['scan', ...['win-compromised', 'mac-compromised', 'win-clean', 'win-profile'].map((s) => join(dir, s)), '--case', 'IR-42 <b>"x"</b>', '--examiner', 'J. Doe', '--json', join(out, 'r.json'), '--report', join(out, 'r.html'), '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    result = JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')) as ScanResult;
  });

  test('the HTML report states verdicts, versions, users, hashes, exhibits and limitations, with no script', () => {
    const html = readFileSync(join(out, 'r.html'), 'utf8');
    assert.ok(!/<script/i.test(html) && !html.includes('<svg onload') && !html.includes('<b>"x"</b>'));
    assert.ok(html.includes('IR-42 &lt;b&gt;&quot;x&quot;&lt;/b&gt;'), 'case name escaped');
    for (const h of result.hosts) assert.ok(html.includes(`${h.id} · ${h.name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}`), h.name);
    assert.match(html, /class="v compromised">compromised/);
    assert.match(html, /<td>18\.12\.416<\/td><td><b>yes<\/b><\/td><td>alice<\/td>/);
    const ffmpeg = result.hosts[0]!.files!.find((f) => f.path.endsWith('/app/ffmpeg.dll'))!;
    assert.ok(html.includes(ffmpeg.sha256!), 'hash appendix');
    assert.match(html, /\[Ex\. 1\]/);
    assert.match(html, /Beacon: not assessed — no network artefacts/);
    assert.match(html, /Encrypted payload: not assessed — the macOS build carries its payload inside libffmpeg\.dylib/);
    const digest = readFileSync(join(out, 'r.html.sha256'), 'utf8');
    assert.equal(digest, `${createHash('sha256').update(readFileSync(join(out, 'r.html'))).digest('hex')}  r.html\n`);
  });

  test('a PDF is printed by Chromium with page numbers and the case header', { skip: hasPdfTools ? false : 'chromium or poppler-utils not installed' }, () => {
    const pdf = join(out, 'r.pdf');
    const r = runCli(['report', join(out, 'r.json'), pdf]);
    assert.equal(r.status, 0, r.stderr);
    const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout;
    assert.match(info, /Page size:\s+59\d(\.\d+)? x 84\d(\.\d+)? pts \(A4\)/);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    assert.ok(pages >= 4, `${pages} pages`);
    const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout;
    assert.match(text, /3CX supply-chain compromise — triage report/);
    assert.match(text, new RegExp(`Page 1 of ${pages}`));
    assert.match(text, /IR-42 <b>"x"<\/b> — 3CX supply-chain triage/);
    assert.match(text, /COMPROMISED/);
    assert.ok(existsSync(`${pdf}.sha256`));
    const letter = join(out, 'letter.pdf');
    assert.equal(runCli(['report', join(out, 'r.json'), letter, '--paper', 'letter']).status, 0);
    assert.match(spawnSync('pdfinfo', [letter], { encoding: 'utf8' }).stdout, /Page size:\s+612 x 792 pts \(letter\)/);
  });

  test('exports: Timeline Explorer CSV, l2tcsv, bodyfile and a STIX 2.1 bundle', () => {
    const exp = (f: string) => {
      const r = runCli(['export', f, join(out, 'r.json')]);
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    const tle = exp('timeline-csv').trimEnd().split('\r\n');
    assert.equal(tle[0], 'Timestamp,TimestampDesc,Host,User,Artifact,Message,OriginalPath,EvidenceItem,SHA256,Parser,Tag,Note');
    assert.ok(tle.slice(1).every((l) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{7},/.test(l)));
    assert.ok(tle.length > 20);
    const l2t = exp('l2tcsv').trimEnd().split('\n');
    assert.equal(l2t[0]!.split(',').length, 17);
    const body = exp('bodyfile').trimEnd().split('\n');
    const files = result.hosts.flatMap((h) => h.files ?? []);
    assert.equal(body.length, files.length);
    assert.ok(body.every((l) => l.split('|').length === 11), 'hostile names cannot add fields or lines');
    assert.ok(body.some((l) => l.startsWith(`${files[0]!.md5}|`)));
    const stix = JSON.parse(exp('stix')) as { type: string; objects: { type: string; id: string; sighting_of_ref?: string; where_sighted_refs?: string[]; pattern?: string }[] };
    assert.equal(stix.type, 'bundle');
    const ids = new Set(stix.objects.map((o) => o.id));
    const sightings = stix.objects.filter((o) => o.type === 'sighting');
    assert.ok(sightings.length > 0);
    for (const s of sightings) assert.ok(ids.has(s.sighting_of_ref!) && s.where_sighted_refs!.every((w) => ids.has(w)));
    assert.ok(stix.objects.every((o) => /^[a-z-]+--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(o.id)));
    assert.ok(stix.objects.some((o) => o.pattern === "[domain-name:value = 'msstorageboxes.com']"));
    assert.equal(runCli(['export', 'nope', join(out, 'r.json')]).status, 2);
  });

  test('exports are read back by the programs they target: mactime, a strict CSV reader, Timesketch fields', () => {
    const file = (f: string, ext: string) => {
      const p = join(out, `x.${ext}`);
      const r = runCli(['export', f, join(out, 'r.json'), p]);
      assert.equal(r.status, 0, r.stderr);
      return p;
    };
    const files = result.hosts.flatMap((h) => h.files ?? []);
    const ffmpeg = files.find((f) => f.path.endsWith('/app/ffmpeg.dll') && f.modified)!;
    // TSK's own mactime turns the bodyfile into a timeline: every file, the ffmpeg.dll mtime on its day.
    const mac = spawnSync('mactime', ['-b', file('bodyfile', 'body'), '-d', '-y', '-z', 'UTC'], { encoding: 'utf8' });
    if (mac.error) assert.fail('mactime (sleuthkit) is not installed');
    assert.equal(mac.status, 0, mac.stderr);
    const macRows = mac.stdout.trim().split('\n').slice(1);
    assert.ok(macRows.some((l) => l.includes('ffmpeg.dll') && l.startsWith(ffmpeg.modified!.slice(0, 10))), 'mactime dates ffmpeg.dll by its mtime');
    const named = new Set(macRows.map((l) => l.split(',').at(-1)));
    assert.ok(named.size >= new Set(files.filter((f) => f.modified || f.created || f.accessed || f.changed).map((f) => f.path)).size - 1);
    // Python's csv module (RFC 4180 quoting) sees the declared column count on every row.
    const py = spawnSync('python3', ['-c', 'import csv,sys\nfor p,n in ((sys.argv[1],12),(sys.argv[2],17)):\n  rows=list(csv.reader(open(p,newline="",encoding="utf-8")))\n  bad=[i for i,r in enumerate(rows) if len(r)!=n]\n  print(len(rows), len(bad))', file('timeline-csv', 'csv'), file('l2tcsv', 'l2t.csv')], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    for (const line of py.stdout.trim().split('\n')) assert.match(line, /^\d+ 0$/, 'no row with a wrong column count');
    // Timesketch needs message, datetime and timestamp_desc on every line.
    const ts = readFileSync(file('timesketch', 'jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(ts.length > 20);
    for (const row of ts) {
      assert.equal(typeof row['message'], 'string');
      assert.equal(typeof row['timestamp_desc'], 'string');
      assert.match(row['datetime'] as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    }
    assert.ok(ts.some((row) => row['sha256'] === ffmpeg.sha256 && row['timestamp_desc'] === 'Modified'));
  });
});

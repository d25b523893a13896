import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { hasMingw, makeHosts, runCli, scanJson, tmp, assertSchema } from '../../helpers/cli.js';
import { atimes, snapshotTree } from '../../helpers/snapshot.js';

describe('command line contract', () => {
  test('--version and --help exit 0; usage errors exit 2 with a message', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(runCli(['--version']).stdout.trim(), `3cx-triage ${pkg.version}`);
    assert.match(runCli(['--help']).stdout, /3cx-triage scan <evidence>/);
    for (const bad of [[], ['scan'], ['frobnicate'], ['scan', 'x', '--workers', '0'], ['scan', 'x', '--bogus'], ['demo', 'extra']]) {
      const r = runCli(bad);
      assert.equal(r.status, 2, `${bad.join(' ')} → ${r.status}`);
      assert.match(r.stderr, /3cx-triage: /);
    }
  });

  test('a missing path, a disk with no readable file system and a broken E01 are inconclusive, listed under errors, exit 0', () => {
    const dir = tmp('kinds');
    const img = join(dir, 'disk.img');
    writeFileSync(img, Buffer.alloc(4096, 0));
    const e01 = join(dir, 'named-like-a-folder');
    writeFileSync(e01, Buffer.concat([Buffer.from('EVF\x09\x0d\x0a\xff\x00', 'latin1'), Buffer.alloc(100)]));
    const { result } = scanJson([join(dir, 'nope'), img, e01]);
    assert.deepEqual(result.evidence.map((e) => e.kind), ['folder', 'raw', 'e01']);
    assert.deepEqual(result.hosts.map((h) => h.verdict), ['inconclusive', 'inconclusive', 'inconclusive']);
    assert.deepEqual([...new Set(result.errors.map((e) => e.evidenceId))], ['E1', 'E2', 'E3']);
    for (const h of result.hosts) assert.ok(h.stages.every((s) => s.status === 'not-assessed'));
  });

  test('an empty folder is not-present', () => {
    const { result } = scanJson([tmp('empty')]);
    assert.equal(result.hosts[0]!.verdict, 'not-present');
    assert.equal(result.hosts[0]!.os, 'unknown');
  });

  test('a malformed --ioc pack is an error naming the file and line, exit 2', () => {
    const dir = tmp('ioc');
    const csv = join(dir, 'pack.csv');
    writeFileSync(csv, 'type,value,description\nsha256,' + 'a'.repeat(64) + ',ok\nsha256,abc,too short\n');
    const r = runCli(['scan', dir, '--ioc', csv, '--quiet']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /pack\.csv:3/);
  });

  test('--json - writes the document to stdout', () => {
    const r = runCli(['scan', tmp('stdout'), '--json', '-', '--quiet']);
    assert.equal(r.status, 0);
    const doc = JSON.parse(r.stdout) as unknown;
    assertSchema(doc);
  });
});

describe('evidence handling', { skip: hasMingw() ? false : 'mingw-w64 not installed: cannot build PE fixtures' }, () => {
  let dir = '';
  before(() => {
    dir = makeHosts('win-compromised', 'mac-compromised', 'win-clean', 'win-profile');
  });

  test('a scan leaves every byte and timestamp of the evidence as it was', () => {
    for (const s of ['win-compromised', 'mac-compromised']) {
      const root = join(dir, s);
      const before = snapshotTree(root);
      // Set file atimes well before mtimes so that any read without O_NOATIME would update them.
      for (const [p] of atimes(root)) utimesSync(p, new Date('2020-01-01T00:00:00Z'), new Date('2023-03-20T09:12:00Z'));
      const beforeAfterUtimes = snapshotTree(root);
      const a0 = atimes(root);
      scanJson([root]);
      assert.deepEqual(snapshotTree(root), beforeAfterUtimes, `${s}: bytes, mtime, ctime, birth time unchanged`);
      assert.deepEqual(atimes(root), a0, `${s}: file access times unchanged`);
      assert.ok(before.size === beforeAfterUtimes.size);
    }
  });

  test('extra indicators from --ioc CSV match by hash and are cited with their pack', () => {
    const clean = join(dir, 'win-clean');
    const { result: base } = scanJson([clean]);
    assert.equal(base.hosts[0]!.verdict, 'clean');
    const dll = readFileSync(join(clean, 'Users/carol/AppData/Local/Programs/3CXDesktopApp/app/ffmpeg.dll'));
    const digest = createHash('sha256').update(dll).digest('hex');
    const csv = join(tmp('extra'), 'case-iocs.csv');
    writeFileSync(csv, `\ufefftype,value,description\r\nsha256,${digest.toUpperCase()},"ffmpeg.dll seen on patient zero, per case notes"\r\n`);
    const { result } = scanJson([clean, '--ioc', csv]);
    const h = result.hosts[0]!;
    assert.deepEqual(result.iocSet.extra, [csv]);
    assert.equal(h.verdict, 'affected');
    const hit = h.iocHits.find((x) => x.type === 'sha256');
    assert.equal(hit?.value, digest);
    assert.equal(hit?.path, '/Users/carol/AppData/Local/Programs/3CXDesktopApp/app/ffmpeg.dll');
    assert.match(hit?.source ?? '', /case-iocs\.csv/);
  });

  test('hostile names reach the HTML report escaped, never as markup', () => {
    const out = join(tmp('report'), 'r.html');
    const r = runCli(['scan', join(dir, 'win-profile'), '--report', out, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const html = readFileSync(out, 'utf8');
    assert.ok(html.includes('x&lt;svg onload=alert(1)&gt;'));
    assert.ok(!html.includes('<svg onload'));
    assert.ok(!/<script/i.test(html));
  });
});

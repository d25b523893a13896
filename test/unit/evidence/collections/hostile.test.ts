import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParseError } from '../../../../electron/common/issues.js';
import { detectEvidence } from '../../../../electron/evidence/detect.js';
import { openArchiveEvidence, type CollectionEvidence } from '../../../../electron/evidence/loaders/archive.js';
import { walkFiles } from '../../../../electron/evidence/loaders/collection.js';
import { readAll } from '../../../../electron/io/reader.js';
import { repoRoot } from './fixture.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), '3cx-hostile-'));
  const r = spawnSync('python3', [join(repoRoot(), 'test/fixtures/collections/hostile.py'), dir], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`hostile.py failed: ${r.stderr}`);
});

async function open(name: string): Promise<CollectionEvidence> {
  const p = join(dir, name);
  return openArchiveEvidence(p, 'E1', await detectEvidence(p));
}

const spillDirs = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('3cx-triage-'));

async function text(ev: CollectionEvidence, path: string): Promise<string> {
  const r = await ev.hosts[0]!.fs.open(path);
  try {
    return new TextDecoder().decode(await readAll(r, 1 << 20));
  } finally {
    await r.close();
  }
}

test('traversal, absolute, drive-letter, NUL and duplicate names are listed as data and reported; nothing is written', async () => {
  const before = readdirSync(dir).sort();
  const spills = spillDirs();
  const ev = await open('hostile-names.zip');
  const paths: string[] = [];
  for await (const e of walkFiles(ev.hosts[0]!.fs)) paths.push(e.path);
  assert.deepEqual(paths.sort(), ['/%2E%2E/%2E%2E/x', '/C:/x', '/dup.txt', '/dup.txt [duplicate 2]', '/etc/passwd', '/nul_%00byte.txt', '/ok/readme.txt']);
  assert.equal(await text(ev, '/dup.txt'), 'first\n');
  assert.equal(await text(ev, '/dup.txt [duplicate 2]'), 'second\n');
  assert.equal(await text(ev, '/etc/passwd'), 'root:x:0:0\n');
  const msgs = ev.item.errors.map((e) => e.message).join('\n');
  for (const needle of ["'..' component", 'absolute path', 'drive letter', 'contains NUL', 'duplicate member name /dup.txt']) assert.ok(msgs.includes(needle), needle);
  await ev.close();
  assert.deepEqual(readdirSync(dir).sort(), before);
  assert.deepEqual(spillDirs(), spills);
});

test('tar: the same names are data; a symbolic link is listed, never followed', async () => {
  const ev = await open('hostile-names.tar');
  const fs = ev.hosts[0]!.fs;
  assert.equal((await fs.stat('/evil-link'))!.type, 'link');
  await assert.rejects(fs.open('/evil-link'), /symbolic link/);
  assert.ok(await fs.stat('/%2E%2E/%2E%2E/x'));
  assert.equal(await text(ev, '/dup.txt [duplicate 2]'), 'second\n');
  await ev.close();
});

test('a 1 GiB highly compressible member is refused by name; the rest of the archive is read; memory stays bounded', async () => {
  const rss = process.memoryUsage().rss;
  const t0 = Date.now();
  const ev = await open('bomb-1g.zip');
  assert.ok(ev.item.errors.some((e) => e.path === 'big.bin' && /ratio \d+:1.*zip bomb/.test(e.message)));
  await assert.rejects(ev.hosts[0]!.fs.open('/big.bin'), (e: unknown) => e instanceof ParseError && e.message.includes('big.bin'));
  assert.equal(await text(ev, '/ok.txt'), 'still read\n');
  await ev.close();
  assert.ok(Date.now() - t0 < 5000);
  assert.ok(process.memoryUsage().rss - rss < 200 * 1024 * 1024);
});

test('a member whose header understates its size stops at the declared size with a named error', async () => {
  const ev = await open('lying-size.zip');
  const r = await ev.hosts[0]!.fs.open('/liar.bin');
  await assert.rejects(readAll(r, 1 << 20), (e: unknown) => e instanceof ParseError && e.code === 'limit-exceeded' && e.message.includes('liar.bin'));
  await r.close();
  assert.equal(await text(ev, '/ok.txt'), 'still read\n');
  await ev.close();
});

test('a truncated central directory: members recovered from local headers, the damage reported', async () => {
  const ev = await open('truncated-cd.zip');
  assert.ok(ev.item.errors.some((e) => /recovered from local headers/.test(e.message)));
  assert.equal(await text(ev, '/file3.txt'), 'content 3\n'.repeat(50));
  await ev.close();
});

test('a 42.zip-style nest opens a bounded number of inner archives and inflates nothing', async () => {
  const t0 = Date.now();
  const spills = spillDirs();
  const ev = await open('nested-bomb.zip');
  assert.ok(ev.item.errors.some((e) => /more than 64 nested archives/.test(e.message)));
  assert.equal(ev.hosts.length, 1);
  await ev.close();
  assert.ok(Date.now() - t0 < 20_000);
  assert.deepEqual(spillDirs(), spills);
});

/**
 * A fleet drop: ~50 hosts (live folders and collection ZIPs in four collector layouts, from
 * test/fixtures/fleet/make-fleet.py) scanned in one go, as an examiner drops a fleet's responses.
 * Every item must come out as one host with its scenario's verdict, in argument order, within a
 * memory bound, with sane progress, and the engine must hand back every descriptor it opened.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { HostResult } from '../../../electron/common/scan-result.js';
import { Engine } from '../../../electron/engine/engine.js';
import { assertSchema, CLI, hasMingw, ROOT, tmp } from '../../helpers/cli.js';

interface Expected { path: string; name: string; verdict: string; layout: string; os: string }
interface Manifest { live: Expected[]; zips: Expected[] }

const LIVE = 28;
const ZIPS = 24;
/** Peak RSS allowed for the whole CLI process; ~150 MiB is measured for this fleet (node alone is ~50). */
const RSS_LIMIT_MIB = 300;

const fdCount = (): number => readdirSync('/proc/self/fd').length;

describe('a fleet of ~50 hosts in one scan', { skip: hasMingw() ? false : 'mingw-w64 not installed: cannot build PE fixtures' }, () => {
  let m: Manifest;
  const items: Expected[] = [];
  before(() => {
    const dir = tmp('fleet');
    const r = spawnSync('python3', [join(ROOT, 'test/fixtures/fleet/make-fleet.py'), dir, '--live', String(LIVE), '--zips', String(ZIPS)], { encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) throw new Error(`make-fleet.py failed: ${r.stderr}`);
    m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    // Arguments in an order that is neither generation nor name order: zips and folders
    // interleaved, every other one reversed. The result must follow it exactly.
    const zs = [...m.zips].reverse();
    for (let i = 0; i < Math.max(m.live.length, zs.length); i++) {
      if (m.live[i]) items.push(m.live[i]!);
      if (zs[i]) items.push(zs[i]!);
    }
  });

  test('one host per item, its scenario\'s verdict, in argument order, schema-valid, bounded memory, sane progress', { timeout: 120_000 }, () => {
    const out = join(tmp('fleet-json'), 'r.json');
    const timeFile = join(tmp('fleet-time'), 't');
    const haveTime = existsSync('/usr/bin/time');
    const argv = [CLI, 'scan', ...items.map((e) => e.path), '--json', out];
    const r = haveTime
      ? spawnSync('/usr/bin/time', ['-f', '%M', '-o', timeFile, process.execPath, ...argv], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 })
      : spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as unknown;
    assertSchema(doc);
    assert.equal(doc.evidence.length, items.length);
    assert.equal(doc.hosts.length, items.length, 'one host per evidence item');
    assert.deepEqual(doc.errors, [], 'the fixtures read without errors');
    for (const [i, e] of items.entries()) {
      const h: HostResult = doc.hosts[i]!;
      const where = `item ${i + 1} (${e.layout} ${e.path})`;
      assert.equal(doc.evidence[i]!.id, `E${i + 1}`, where);
      assert.equal(doc.evidence[i]!.path, resolve(e.path), `${where}: evidence in argument order`);
      assert.equal(h.id, `H${i + 1}`, where);
      assert.deepEqual(h.evidence, [`E${i + 1}`], `${where}: host in argument order`);
      assert.equal(h.verdict, e.verdict, `${where}: ${h.verdictReason}`);
      assert.equal(h.os, e.os, where);
      // A KAPE archive given on its own is named after its file (it records no host name).
      assert.equal(h.name, e.layout === 'kape' ? `${e.name}.zip` : e.name, where);
    }
    assert.equal(new Set(doc.hosts.map((h) => h.name)).size, items.length, 'every host keeps its own name');
    // Progress: plain lines (no terminal), a handful per host, each item's lines together and in order.
    const all = r.stderr.split('\n').filter((l) => l.startsWith('['));
    // After the scan, one line per item says how much of it was read, in argument order.
    const reads = all.filter((l) => l.startsWith('[read] '));
    assert.deepEqual(reads.map((l) => /^\[read\] E(\d+): /.exec(l)?.[1]), items.map((_, i) => String(i + 1)));
    assert.deepEqual(all.slice(-reads.length), reads, 'read lines come last');
    const lines = all.filter((l) => !l.startsWith('[read] '));
    assert.ok(lines.length <= 8 * items.length, `${lines.length} progress lines for ${items.length} hosts`);
    const seen = lines.map((l) => /^\[\w+\] E(\d+) /.exec(l)?.[1]).filter((x): x is string => x !== undefined).map(Number);
    assert.deepEqual([...new Set(seen)], items.map((_, i) => i + 1), 'every item reports, in argument order');
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'no item\'s progress interleaves with another\'s');
    assert.match(lines.at(-1)!, new RegExp(`^\\[done\\] ${items.length} host\\(s\\) scanned`));
    if (haveTime) {
      const rssMiB = Number(readFileSync(timeFile, 'utf8').trim().split(/\s+/).at(-1)) / 1024;
      assert.ok(rssMiB > 0 && rssMiB <= RSS_LIMIT_MIB, `peak RSS ${rssMiB.toFixed(0)} MiB > ${RSS_LIMIT_MIB} MiB`);
    }
  });

  test('a folder of the collection ZIPs is one item with one host per archive, in name order', { timeout: 120_000 }, () => {
    const zipsDir = join(m.zips[0]!.path, '..');
    const out = join(tmp('fleet-folder'), 'r.json');
    const r = spawnSync(process.execPath, [CLI, 'scan', zipsDir, '--json', out, '--quiet'], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as unknown;
    assertSchema(doc);
    assert.equal(doc.evidence.length, 1);
    assert.deepEqual(doc.hosts.map((h) => [h.id, h.name, h.verdict]), m.zips.map((e, i) => [`H${i + 1}`, e.name, e.verdict]));
    assert.ok(doc.hosts.every((h) => h.evidence[0] === 'E1'));
  });

  test('the engine closes every descriptor it opened, and never holds more than a bounded number', { timeout: 120_000, skip: existsSync('/proc/self/fd') ? false : 'no /proc/self/fd' }, async () => {
    const engine = new Engine({ workers: 1 });
    const paths = items.map((e) => e.path);
    // Warm up: module loading and the first worker leave long-lived descriptors of their own.
    await engine.scan(paths.slice(0, 2));
    const start = fdCount();
    let peak = start;
    // Sampled from the third item on: before that a new hash worker loads its modules, and Node's
    // module loader holds dozens of source files open for a moment.
    let sampling = false;
    const sampler = setInterval(() => {
      if (sampling) peak = Math.max(peak, fdCount());
    }, 5);
    let result: Awaited<ReturnType<Engine['scan']>>;
    try {
      result = await engine.scan(paths, { onProgress: (p) => (sampling ||= Number(p.evidenceId?.slice(1)) >= 3) });
    } finally {
      clearInterval(sampler);
    }
    assert.equal(result.hosts.length, paths.length);
    assert.deepEqual(result.hosts.map((h) => h.verdict), items.map((e) => e.verdict));
    assert.ok(fdCount() <= start, `descriptors left open: ${fdCount()} after vs ${start} before`);
    // Per item at most a few handles (its files, the hash worker's cached archives); never one per host.
    assert.ok(peak - start <= 40, `peak ${peak} descriptors vs ${start} at rest while scanning ${paths.length} items`);
  });
});

/**
 * Fleet bench: `scan` over many hosts at once, as an examiner drops a fleet's responses.
 * A fleet of 200 live folders and 200 collection ZIPs (Velociraptor, KAPE, UAC, plain) is made
 * once under /tmp/3cx-bench/fleet by test/fixtures/fleet/make-fleet.py, then scanned as
 *   (a) 200 live-folder arguments, (b) one folder holding the 200 ZIPs (one host per archive),
 *   (c) 200 ZIP arguments, and (d) = (a) with a 200,000-indicator --ioc pack on top,
 * each under /usr/bin/time (median wall and CPU of 3, peak RSS), with the result's size, the
 * progress lines it printed, and a check that every host got its scenario's verdict.
 *
 * Goals, for this 2-core box: the fixture hosts are small (6-12 files each), so these runs
 * measure what a scan costs per host beyond reading its bytes — the part that must not grow
 * with the fleet. 200 hosts in under 20 s (>= 10 hosts/s) keeps a fleet drop interactive, and
 * 300 MiB for 200 hosts leaves room on an examiner's laptop for a fleet ten times larger, as
 * the result document (2-3 MB here) is the only thing that grows with the host count. An extra
 * IOC pack costs its loading once, not once per host: (d) within 2x of (a). Progress stays a
 * handful of lines per host (<= 8), never a flood.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_ENV } from '../compare.js';
import type { BenchSection } from '../section.js';

const DIR = '/tmp/3cx-bench/fleet';
const HOSTS = 200;
const RUNS = 3;

interface Expected { path: string; name: string; verdict: string; layout: string }
interface Manifest { live: Expected[]; zips: Expected[] }
interface Row { case: string; hosts: number; wallS: number; cpuS: number; peakRssMiB: number; hostsPerS: number; jsonBytes: number; progressLines: number; verdictsOk: boolean }

function bigIocPack(file: string): void {
  if (existsSync(file)) return;
  const lines = ['type,value,description'];
  for (let i = 0; i < 100_000; i++) {
    lines.push(`sha256,${createHash('sha256').update(String(i)).digest('hex')},synthetic ${i}`);
    lines.push(`sha1,${createHash('sha1').update(String(i)).digest('hex')},synthetic ${i}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

function timed(argv: string[]): { wall: number; cpu: number; rssMiB: number; stderr: string } {
  const tf = join(tmpdir(), `3cx-bench-fleet-${process.pid}.txt`);
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', tf, ...argv], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26, env: BENCH_ENV });
  if (r.status !== 0) throw new Error(`${argv.join(' ').slice(0, 200)} exited ${r.status}: ${r.stderr.slice(-500)}`);
  const [wall, user, sys, rss] = readFileSync(tf, 'utf8').trim().split(/\s+/).map(Number);
  rmSync(tf, { force: true });
  return { wall: wall!, cpu: user! + sys!, rssMiB: rss! / 1024, stderr: r.stderr };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const section: BenchSection = {
  name: 'fleet',
  description: `scan ${HOSTS} hosts at once: live folders, a folder of collection ZIPs, ZIP arguments, an extra IOC pack`,
  async run(ctx) {
    const manifestFile = join(DIR, 'manifest.json');
    const gen = spawnSync('python3', [join(ctx.outRoot, '..', 'test', 'fixtures', 'fleet', 'make-fleet.py'), DIR, '--live', String(HOSTS), '--zips', String(HOSTS)], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (gen.status !== 0) throw new Error('make-fleet.py failed');
    const pack = join(DIR, 'big-iocs.csv');
    bigIocPack(pack);
    const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    const zipsDir = join(DIR, 'zips');
    const zips = readdirSync(zipsDir).filter((n) => n.endsWith('.zip')).sort().map((n) => join(zipsDir, n));
    const cli = [process.execPath, join(ctx.outRoot, 'cli', '3cx-triage.mjs'), 'scan'];
    const cases: { label: string; args: string[]; expect: Expected[]; goal: { hostsPerS: number; rssMiB: number; withinOfA?: number } }[] = [
      { label: '(a) 200 live-folder arguments', args: m.live.map((e) => e.path), expect: m.live, goal: { hostsPerS: 10, rssMiB: 300 } },
      { label: '(b) one folder of 200 collection ZIPs', args: [zipsDir], expect: m.zips, goal: { hostsPerS: 10, rssMiB: 300 } },
      { label: '(c) 200 collection ZIP arguments', args: zips, expect: m.zips, goal: { hostsPerS: 10, rssMiB: 300 } },
      { label: '(d) (a) + a 200,000-indicator --ioc pack', args: [...m.live.map((e) => e.path), '--ioc', pack], expect: m.live, goal: { hostsPerS: 5, rssMiB: 400, withinOfA: 2 } },
    ];
    const rows: (Row & { goalHostsPerS: number; goalRssMiB: number; met: boolean })[] = [];
    ctx.log(`${'case'.padEnd(44)} ${'wall s'.padStart(7)} ${'CPU s'.padStart(7)} ${'hosts/s'.padStart(8)} ${'RSS MiB'.padStart(8)} ${'JSON KB'.padStart(8)} ${'lines'.padStart(6)}  verdicts  goal`);
    for (const c of cases) {
      const out = mkdtempSync(join(tmpdir(), '3cx-bench-fleet-'));
      const json = join(out, 'r.json');
      const runs = Array.from({ length: RUNS }, () => timed([...cli, ...c.args, '--json', json]));
      const doc = JSON.parse(readFileSync(json, 'utf8')) as { hosts: { name: string; verdict: string }[] };
      const verdictsOk = doc.hosts.length === c.expect.length && doc.hosts.every((h, i) => h.verdict === c.expect[i]!.verdict);
      const wall = median(runs.map((r) => r.wall));
      const row: Row = {
        case: c.label,
        hosts: doc.hosts.length,
        wallS: wall,
        cpuS: median(runs.map((r) => r.cpu)),
        peakRssMiB: Math.max(...runs.map((r) => r.rssMiB)),
        hostsPerS: doc.hosts.length / wall,
        jsonBytes: statSync(json).size,
        progressLines: runs[0]!.stderr.split('\n').filter(Boolean).length,
        verdictsOk,
      };
      const ofA = c.goal.withinOfA === undefined || rows.length === 0 ? true : wall <= c.goal.withinOfA * rows[0]!.wallS;
      const met = verdictsOk && ofA && row.hostsPerS >= c.goal.hostsPerS && row.peakRssMiB <= c.goal.rssMiB && row.progressLines <= 8 * row.hosts;
      rows.push({ ...row, goalHostsPerS: c.goal.hostsPerS, goalRssMiB: c.goal.rssMiB, met });
      ctx.log(`${c.label.padEnd(44)} ${wall.toFixed(2).padStart(7)} ${row.cpuS.toFixed(2).padStart(7)} ${row.hostsPerS.toFixed(1).padStart(8)} ${row.peakRssMiB.toFixed(0).padStart(8)} ${(row.jsonBytes / 1024).toFixed(0).padStart(8)} ${String(row.progressLines).padStart(6)}  ${verdictsOk ? 'ok      ' : 'WRONG   '}  >= ${c.goal.hostsPerS} hosts/s, <= ${c.goal.rssMiB} MiB${c.goal.withinOfA ? `, <= ${c.goal.withinOfA}x (a)'s wall` : ''}: ${met ? 'met' : 'NOT met'}`);
      rmSync(out, { recursive: true, force: true });
    }
    return rows;
  },
};

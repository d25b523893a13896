/**
 * Time our command against a reference tool in one run: each under /usr/bin/time (wall, CPU,
 * peak RSS), interleaved, median of N, printed as ratios (ours ÷ reference; below 1 is faster).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from './section.js';

export interface Cmd {
  name: string;
  argv: string[];
  /**
   * Files or folders read through just before each timed run, so every run starts from a warm
   * page cache: this host reclaims idle cache within a minute (DAMON), and a cold 4 GiB image
   * made one `hash` run 3.5× slower than the next — a measure of the disk, not of the tool.
   */
  warm?: string[];
}

export interface Measured {
  name: string;
  wall: number;
  cpu: number;
  rssMiB: number;
}

/**
 * The environment every timed command runs in: ours minus NODE_EXTRA_CA_CERTS. Some hosts (this
 * sandbox among them) point it at the system CA bundle, and Node then parses ~150 certificates
 * before running any code — 0.1 s of every start-up here, none of it the tool's (it never opens a
 * network connection). An examiner's laptop does not set it; the reference tools never pay it.
 */
export const BENCH_ENV: NodeJS.ProcessEnv = (() => {
  const env = { ...process.env };
  delete env['NODE_EXTRA_CA_CERTS'];
  return env;
})();

function once(c: Cmd): Measured {
  if (c.warm?.length) spawnSync('sh', ['-c', 'find "$@" -type f -exec cat {} + > /dev/null', 'sh', ...c.warm], { stdio: 'ignore' });
  const tf = join(tmpdir(), `3cx-bench-time-${process.pid}.txt`);
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', tf, ...c.argv], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26, env: BENCH_ENV });
  if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${String(r.stderr).slice(0, 500)}`);
  const [wall, user, sys, rss] = readFileSync(tf, 'utf8').trim().split(/\s+/).map(Number);
  rmSync(tf, { force: true });
  return { name: c.name, wall: wall!, cpu: user! + sys!, rssMiB: rss! / 1024 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Run every pair `runs` times interleaved; print one row per pair with the ratios. */
export function comparePairs(ctx: BenchContext, pairs: { label: string; ours: Cmd; ref: Cmd; goal?: number }[], runs = 3): unknown[] {
  const rows: unknown[] = [];
  ctx.log(`${'comparison'.padEnd(46)} ${'ours s'.padStart(8)} ${'ref s'.padStart(8)} ${'wall ×'.padStart(7)} ${'CPU ×'.padStart(7)} ${'ours RSS'.padStart(9)}  goal`);
  for (const p of pairs) {
    const ours: Measured[] = [];
    const ref: Measured[] = [];
    for (let i = 0; i < runs; i++) {
      ref.push(once(p.ref));
      ours.push(once(p.ours));
    }
    const o = { wall: median(ours.map((m) => m.wall)), cpu: median(ours.map((m) => m.cpu)), rss: Math.max(...ours.map((m) => m.rssMiB)) };
    const r = { wall: median(ref.map((m) => m.wall)), cpu: median(ref.map((m) => m.cpu)) };
    const ratio = o.wall / r.wall;
    const row = { label: p.label, ours: p.ours.name, reference: p.ref.name, oursWall: o.wall, refWall: r.wall, wallRatio: ratio, cpuRatio: o.cpu / r.cpu, oursPeakRssMiB: o.rss, goal: p.goal ?? null, met: p.goal === undefined ? null : ratio <= p.goal };
    rows.push(row);
    ctx.log(`${p.label.padEnd(46)} ${o.wall.toFixed(2).padStart(8)} ${r.wall.toFixed(2).padStart(8)} ${ratio.toFixed(2).padStart(7)} ${(o.cpu / r.cpu).toFixed(2).padStart(7)} ${o.rss.toFixed(0).padStart(6)} MiB  ${p.goal === undefined ? '' : `≤ ${p.goal} ${row.met ? 'met' : 'NOT met'}`}`);
  }
  return rows;
}

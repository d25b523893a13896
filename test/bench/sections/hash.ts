/**
 * Hash bench: SHA-256 of every file in a ≥ 1 GB, ≥ 50,000-file tree, timed end to end for
 *   - ours: test/bench/hash-entry.js (FolderFilesystem walk + HashPool): walk then hash with the
 *     default worker count (max(1, CPUs - 1)) and with 2 workers, and the walk streamed into the pool;
 *   - `hashdeep -r -c sha256 DIR`;
 *   - `find DIR -type f -print0 | xargs -0 -n 512 -P2 sha256sum`.
 * Every tool runs under /usr/bin/time (wall, user+sys CPU, peak RSS), each run straight after a
 * warm-up pass that reads every file (`cat`), so all of them hash from a warm page cache; one pass
 * at the start is not enough on hosts whose proactive reclaim (DAMON) pages out cache left idle for
 * a minute. Runs are interleaved (tool A, B, C, A, B, C, ...) and the median is reported, so a
 * burst of load from elsewhere hits all tools; CPU seconds move less than wall time under load.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { BENCH_ENV } from '../compare.js';
import type { BenchContext, BenchSection } from '../section.js';
import { BENCH_DIR, ensureTree, TREE_DIR } from '../tree.js';

interface Tool { name: string; ours: boolean; argv: (out: string) => string[]; hashdeep?: boolean }
interface Sample { wall: number; cpu: number; rssKiB: number; child?: unknown }

const OUT_DIR = join(BENCH_DIR, 'out');

function tools(ctx: BenchContext): Tool[] {
  const entry = join(ctx.outRoot, 'test', 'bench', 'hash-entry.js');
  return [
    { name: 'ours: walk, then pool (default w)', ours: true, argv: (o) => [process.execPath, entry, TREE_DIR, o, 'default', 'serial'] },
    { name: 'ours: walk, then pool (2 workers)', ours: true, argv: (o) => [process.execPath, entry, TREE_DIR, o, '2', 'serial'] },
    { name: 'ours: walk streamed to pool (2 w)', ours: true, argv: (o) => [process.execPath, entry, TREE_DIR, o, '2', 'stream'] },
    { name: 'hashdeep -r -c sha256', ours: false, hashdeep: true, argv: () => ['hashdeep', '-r', '-c', 'sha256', TREE_DIR] },
    {
      name: 'find | xargs -P2 sha256sum',
      ours: false,
      argv: () => ['sh', '-c', 'find "$1" -type f -print0 | xargs -0 -n 512 -P2 sha256sum', 'sh', TREE_DIR],
    },
  ];
}

/** One timed run; the tool's digests go to `out` (ours writes it itself, others via stdout). */
function measure(tool: Tool, out: string): Sample {
  const timeFile = join(OUT_DIR, 'time.txt');
  const argv = ['-f', '%e %U %S %M', '-o', timeFile, ...tool.argv(out)];
  const fd = tool.ours ? 'pipe' : openSync(out, 'w');
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', argv, { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', maxBuffer: 1 << 20, env: BENCH_ENV });
  const wall = (performance.now() - t0) / 1000;
  if (typeof fd === 'number') closeSync(fd);
  if (r.status !== 0) throw new Error(`${tool.name} failed (${r.status}): ${r.stderr}`);
  const [, user, sys, rss] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  const sample: Sample = { wall, cpu: user! + sys!, rssKiB: rss! };
  if (tool.ours) sample.child = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return sample;
}

/** path → sha256 from each tool's output format, to check that all of them agree. */
function digests(tool: Tool, out: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    if (tool.hashdeep) {
      const hit = /^(\d+),([0-9a-f]{64}),(.*)$/.exec(line);
      if (hit) m.set(hit[3]!, hit[2]!);
    } else {
      const hit = /^([0-9a-f]{64}) [ *](.*)$/.exec(line);
      if (hit) m.set(hit[2]!, hit[1]!);
    }
  }
  return m;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function run(ctx: BenchContext): Promise<unknown> {
  const tree = ensureTree(ctx.log);
  mkdirSync(OUT_DIR, { recursive: true });
  ctx.log(`tree: ${TREE_DIR}: ${tree.files} files, ${(tree.bytes / 1e9).toFixed(2)} GB${tree.built ? ` (built in ${tree.buildSeconds.toFixed(1)} s)` : ' (cached)'}`);

  const warmSeconds: number[] = [];
  const warm = (): void => {
    const w0 = performance.now();
    const r = spawnSync('sh', ['-c', 'find "$1" -type f -print0 | xargs -0 cat > /dev/null', 'sh', TREE_DIR]);
    if (r.status !== 0) throw new Error('warm-up pass failed');
    warmSeconds.push((performance.now() - w0) / 1000);
  };
  warm();
  ctx.log(`warm-up: every file read with cat before each timed run (first pass ${warmSeconds[0]!.toFixed(1)} s); all tools hash from a warm page cache`);

  const list = tools(ctx);
  const runs = Math.max(1, Number(process.env['BENCH_RUNS'] ?? 3));
  const samples = list.map(() => [] as Sample[]);
  const load0 = loadavg()[0]!;
  for (let r = 0; r < runs; r++) {
    list.forEach((tool, i) => {
      warm();
      const s = measure(tool, join(OUT_DIR, `tool${i}.txt`));
      samples[i]!.push(s);
      ctx.log(`  run ${r + 1}/${runs}  ${tool.name.padEnd(34)} ${s.wall.toFixed(2)} s wall, ${s.cpu.toFixed(2)} s CPU`);
    });
  }
  const load1 = loadavg()[0]!;

  // All tools must agree on every digest, or the timings mean nothing.
  const maps = list.map((t, i) => digests(t, join(OUT_DIR, `tool${i}.txt`)));
  const ref = maps[list.length - 1]!;
  const agree = maps.every((m) => m.size === tree.files && [...ref].every(([p, h]) => m.get(p) === h));

  const hd = list.findIndex((t) => t.hashdeep);
  const hdWall = median(samples[hd]!.map((s) => s.wall));
  const hdCpu = median(samples[hd]!.map((s) => s.cpu));
  const rows = list.map((tool, i) => {
    const wall = median(samples[i]!.map((s) => s.wall));
    const cpu = median(samples[i]!.map((s) => s.cpu));
    return {
      tool: tool.name,
      wallSeconds: wall,
      cpuSeconds: cpu,
      mbPerSecond: tree.bytes / 1e6 / wall,
      ratioWallVsHashdeep: wall / hdWall,
      ratioCpuVsHashdeep: cpu / hdCpu,
      peakRssMiB: Math.max(...samples[i]!.map((s) => s.rssKiB)) / 1024,
      runs: samples[i],
    };
  });

  ctx.log('');
  ctx.log(`${'tool'.padEnd(34)} ${'wall s'.padStart(7)} ${'CPU s'.padStart(7)} ${'MB/s'.padStart(7)} ${'ratio'.padStart(6)} ${'CPU ratio'.padStart(9)} ${'peak RSS'.padStart(9)}`);
  for (const r of rows) {
    ctx.log(
      `${r.tool.padEnd(34)} ${r.wallSeconds.toFixed(2).padStart(7)} ${r.cpuSeconds.toFixed(2).padStart(7)} ${r.mbPerSecond.toFixed(0).padStart(7)} ` +
        `${r.ratioWallVsHashdeep.toFixed(2).padStart(6)} ${r.ratioCpuVsHashdeep.toFixed(2).padStart(9)} ${(r.peakRssMiB.toFixed(0) + ' MiB').padStart(9)}`,
    );
  }
  ctx.log(`(median of ${runs} interleaved runs; ratio = tool / hashdeep, goal for ours ≤ 0.50 with peak RSS ≤ 300 MB; ` +
    `1-min load average ${load0.toFixed(1)} before, ${load1.toFixed(1)} after, on ${cpus().length} CPUs)`);
  list.forEach((tool, i) => {
    if (!tool.ours) return;
    const kids = samples[i]!.map((x) => x.child as { walkSeconds: number; hashSecondsAfterWalk: number; workers: number });
    const walk = median(kids.map((k) => k.walkSeconds));
    const rest = median(kids.map((k) => k.hashSecondsAfterWalk));
    ctx.log(`  ${tool.name}: ${kids[0]!.workers} worker(s); walk ${walk.toFixed(2)} s, then ${rest.toFixed(2)} s until the last digest (medians)`);
  });
  ctx.log(`digests: ${agree ? 'all tools agree on every file' : 'MISMATCH between tools'}`);
  if (!agree) throw new Error('tools disagree on digests');

  return {
    tree: { dir: TREE_DIR, files: tree.files, bytes: tree.bytes },
    warmUp: { method: 'find -print0 | xargs -0 cat > /dev/null, before every timed run', seconds: warmSeconds },
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? null, loadAverageBefore: load0, loadAverageAfter: load1 },
    runs,
    digestsAgree: agree,
    goal: { ratioWallVsHashdeep: 0.5, peakRssMiB: 300 },
    tools: rows,
  };
}

export const section: BenchSection = {
  name: 'hash',
  description: 'SHA-256 of a ≥ 1 GB, ≥ 50,000-file tree: HashPool vs hashdeep vs sha256sum',
  run,
};

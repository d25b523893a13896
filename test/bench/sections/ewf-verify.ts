/**
 * E01 verification bench (issue 5): the NTFS disk.E01 the `images` section builds (4 GiB by default), verified
 * by us (verification alone, and `scan --verify`) and by `ewfverify`, plus the floor no verifier
 * can beat on this machine: MD5 of the media's bytes on one core.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchSection } from '../section.js';
import { comparePairs } from '../compare.js';
import { imagesDir } from '../images-build.js';
import { GIB } from './images.js';

const E01 = join(imagesDir(GIB), 'disk.E01');
/** Media size of that image (the raw disk it was acquired from), for the MD5 floor. */
const MEDIA = (): number => statSync(join(imagesDir(GIB), 'disk.raw')).size;

/** Seconds of one core to MD5 `bytes` bytes (best of three 256 MiB runs, scaled). */
function md5Floor(bytes: number): number {
  const buf = new Uint8Array(8 << 20).map((_, i) => (i * 2654435761) >>> 24);
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const h = createHash('md5');
    const t = process.cpuUsage();
    for (let i = 0; i < 32; i++) h.update(buf);
    h.digest();
    const c = process.cpuUsage(t);
    best = Math.min(best, (c.user + c.system) / 1e6);
  }
  return (best * bytes) / (256 << 20);
}

/** CPU seconds (user + sys) of one `ewfverify -q` run. */
function ewfverifyCpu(): number {
  const r = spawnSync('bash', ['-c', `/usr/bin/time -f '%U %S' ewfverify -q ${E01} >/dev/null`], { encoding: 'utf8' });
  const [user, sys] = r.stderr.trim().split(/\s+/).slice(-2).map(Number);
  return user! + sys!;
}

export const section: BenchSection = {
  name: 'ewf-verify',
  description: `E01 verification (${GIB} GiB NTFS disk) against ewfverify, and the MD5 floor`,
  async run(ctx) {
    if (!existsSync(E01) || statSync(E01).size === 0) {
      ctx.log(`skipped: ${E01} is built by the images section (npm run bench -- images)`);
      return { skipped: true };
    }
    const cli = [process.execPath, join(ctx.outRoot, 'cli', '3cx-triage.mjs')];
    const run = [process.execPath, join(ctx.outRoot, 'test', 'bench', 'ewf-verify-run.js')];
    const rows = comparePairs(ctx, [
      { label: 'E01 verification alone vs ewfverify', ours: { name: 'verify', argv: [...run, E01] }, ref: { name: 'ewfverify', argv: ['ewfverify', '-q', E01] }, goal: 0.5 },
      { label: 'scan --verify (E01) vs ewfverify', ours: { name: 'scan --verify', argv: [...cli, 'scan', E01, '--verify', '--quiet'] }, ref: { name: 'ewfverify', argv: ['ewfverify', '-q', E01] } },
    ]);
    const floor = md5Floor(MEDIA());
    const refWall = (rows[0] as { refWall: number }).refWall;
    const refCpu = ewfverifyCpu();
    // ewfverify runs on one thread: on an idle machine its wall time is its CPU time.
    ctx.log(`MD5 floor: ${floor.toFixed(2)} s of one core for ${(MEDIA() / 2 ** 30).toFixed(2)} GiB (${(MEDIA() / 2 ** 20 / floor).toFixed(0)} MiB/s) = ${(floor / refWall).toFixed(2)}× ewfverify's wall, ${(floor / refCpu).toFixed(2)}× its CPU (${refCpu.toFixed(2)} s)`);
    return { rows, md5FloorSeconds: floor, md5FloorRatioWall: floor / refWall, ewfverifyCpuSeconds: refCpu, md5FloorRatioCpu: floor / refCpu };
  },
};

/**
 * Disk-image bench (issue 5): a generated NTFS volume with ≥ 50,000 files plus a 3CX host tree,
 * 4 GiB by default (BENCH_IMAGE_GIB=N for another size), as raw (GPT), E01 and VHDX, built once
 * with real tools (images-build.ts). Compared in one run, each pair interleaved, medians:
 * `ls -r` with TSK's `fls -r -p` on the same image; E01 verification with `ewfverify`; `hash` of
 * the volume's /data with `hashdeep -r -c sha256` over the same files copied out to the host's own
 * file system; a targeted 3CX scan with `fls -r -p` on the same image.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, BenchSection } from '../section.js';
import { comparePairs, type Cmd } from '../compare.js';
import { buildImages, FILES } from '../images-build.js';

export const GIB = Math.max(1, Math.floor(Number(process.env['BENCH_IMAGE_GIB'] ?? 4)) || 4);

/** Whether TSK here reads VHDX (its "vhd" type is libvhdi, which reads both). */
function flsReadsVhdx(vhdx: string): boolean {
  return spawnSync('fls', ['-i', 'vhd', '-o', '2048', vhdx], { stdio: 'ignore' }).status === 0;
}

export const section: BenchSection = {
  name: 'images',
  description: `ls/verify/hash/scan of a ${FILES}-file, ${GIB} GiB NTFS disk (raw, E01, VHDX) against fls, ewfverify, hashdeep`,
  async run(ctx: BenchContext) {
    const repo = join(ctx.outRoot, '..');
    if (process.getuid?.() !== 0 || !existsSync('/dev/fuse')) {
      ctx.log('skipped: building the NTFS volume needs root and /dev/fuse');
      return { skipped: true };
    }
    const dir = buildImages(repo, GIB, ctx.log);
    const cli = [process.execPath, join(ctx.outRoot, 'cli', '3cx-triage.mjs')];
    const raw = join(dir, 'disk.raw');
    const e01 = join(dir, 'disk.E01');
    const vhdx = join(dir, 'disk.vhdx');
    // Every run reads its evidence from a warm page cache (compare.ts, Cmd.warm).
    const fls = (img: string, type?: string): Cmd => ({ name: 'fls', argv: ['fls', ...(type ? ['-i', type] : []), '-r', '-p', '-o', '2048', img], warm: [img] });
    const ls = (img: string): Cmd => ({ name: 'ls', argv: [...cli, 'ls', img, '/', '--recursive'], warm: [img] });
    const files = join(dir, 'files', 'data');
    const hashdeep: Cmd = { name: 'hashdeep', argv: ['hashdeep', '-r', '-c', 'sha256', files], warm: [files] };
    const hash = (img: string): Cmd => ({ name: 'hash', argv: [...cli, 'hash', img, '/vol1/data', '--algorithms', 'sha256'], warm: [img] });
    const vhdxFls = flsReadsVhdx(vhdx) ? fls(vhdx, 'vhd') : fls(raw);
    return comparePairs(ctx, [
      { label: `ls -r (raw, ${GIB} GiB) vs fls -r -p`, ours: ls(raw), ref: fls(raw), goal: 1.0 },
      { label: `ls -r (E01, ${GIB} GiB) vs fls -r -p`, ours: ls(e01), ref: fls(e01), goal: 0.5 },
      { label: `ls -r (VHDX, ${GIB} GiB) vs fls -r -p${vhdxFls.argv.includes(vhdx) ? '' : ' (raw)'}`, ours: ls(vhdx), ref: vhdxFls },
      { label: 'E01 verify (scan --verify) vs ewfverify', ours: { name: 'scan --verify', argv: [...cli, 'scan', e01, '--verify', '--quiet'], warm: [e01] }, ref: { name: 'ewfverify', argv: ['ewfverify', '-q', e01], warm: [e01] }, goal: 0.5 },
      { label: 'hash /data (raw) vs hashdeep on the files', ours: hash(raw), ref: hashdeep, goal: 0.5 },
      { label: 'hash /data (E01) vs hashdeep on the files', ours: hash(e01), ref: hashdeep, goal: 0.5 },
      { label: '3CX scan (E01) vs fls -r -p', ours: { name: 'scan', argv: [...cli, 'scan', e01, '--quiet'], warm: [e01] }, ref: fls(e01), goal: 0.3 },
      { label: '3CX scan (VHDX) vs fls -r -p', ours: { name: 'scan', argv: [...cli, 'scan', vhdx, '--quiet'], warm: [vhdx] }, ref: vhdxFls },
    ]);
  },
};

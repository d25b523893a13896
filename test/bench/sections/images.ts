/**
 * Disk-image bench (issue 5): a generated NTFS volume with ≥ 50,000 files plus a 3CX host tree,
 * as raw (GPT) and E01, built once with real tools (mkntfs + ntfs-3g, sfdisk, ewfacquire) under
 * /tmp/3cx-bench/images (1 GiB volume, the default) or /tmp/3cx-bench/images-<N>g when
 * BENCH_IMAGE_GIB=N asks for a bigger one (the rest of the volume is a few zero-filled files, so
 * the MFT and the listing are the same size and only the volume and the E01 grow). Compared in
 * one run: `ls -r` with TSK's `fls -r -p`, E01 verification with `ewfverify`, and a targeted 3CX
 * scan of the E01 with `fls -r -p` on it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, BenchSection } from '../section.js';
import { comparePairs } from '../compare.js';

const FILES = 50_000;
const GIB = Math.max(1, Math.floor(Number(process.env['BENCH_IMAGE_GIB'] ?? 1)) || 1);
const DIR = GIB === 1 ? '/tmp/3cx-bench/images' : `/tmp/3cx-bench/images-${GIB}g`;

function sh(script: string): void {
  const r = spawnSync('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`image build failed: ${script.slice(0, 200)}`);
}

export function buildImages(repo: string, log: (line: string) => void = () => {}): string {
  if (existsSync(join(DIR, 'ready'))) return DIR;
  log(`building a ${FILES}-file, ${GIB} GiB NTFS disk in ${DIR} (once; a few minutes)`);
  mkdirSync(DIR, { recursive: true });
  const volMiB = GIB * 1024;
  // Zero-filled files (1 GiB each) bring a bigger volume close to full; they are written after the
  // small files, so the MFT and the directory tree are those of the 1 GiB volume.
  const fillers = Math.max(0, GIB - 1);
  // The volume (the slow part: 50,000 files through FUSE) is kept once built, so a failed later step resumes.
  sh(`set -e; cd ${DIR}; rm -f disk.raw disk.E01
if [ ! -f vol.ready ]; then
rm -f vol.raw; bash ${repo}/test/fixtures/make-hosts.sh hosts win-compromised >/dev/null 2>&1
truncate -s ${volMiB}M vol.raw; mkntfs -F -Q -q -c 4096 vol.raw >/dev/null 2>&1; mkdir -p mnt; ntfs-3g vol.raw mnt
cp -a hosts/win-compromised/. mnt/
python3 - <<'PY'
import os, random
random.seed(7)
for d in range(500):
    p = f"mnt/data/d{d:03}"; os.makedirs(p, exist_ok=True)
    for f in range(${FILES / 500}):
        with open(f"{p}/f{f:03}.bin", "wb") as fh: fh.write(os.urandom(random.randint(256, 8192)))
PY
mkdir -p mnt/fill; for i in $(seq 1 ${fillers}); do dd if=/dev/zero of=mnt/fill/zero$i.bin bs=4M count=$(( i == ${fillers} ? 192 : 256 )) status=none; done
umount mnt; touch vol.ready
fi
truncate -s $(( ${volMiB} + 2 ))M disk.raw
printf 'label: gpt\\nstart=2048, size=${volMiB * 2048}, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\\n' | sfdisk -q disk.raw >/dev/null
dd if=vol.raw of=disk.raw bs=1M seek=1 conv=notrunc,sparse status=none
ewfacquire -u -t disk -f encase6 -c deflate:fast -S 8GiB -C bench -D bench -E 1 -e bench -N none disk.raw >/dev/null 2>&1
touch ready`);
  return DIR;
}

export const section: BenchSection = {
  name: 'images',
  description: `ls/verify/scan of a ${FILES}-file, ${GIB} GiB NTFS disk (raw and E01) against fls, ewfverify (BENCH_IMAGE_GIB=4 for a 4 GiB one)`,
  async run(ctx: BenchContext) {
    const repo = join(ctx.outRoot, '..');
    if (process.getuid?.() !== 0 || !existsSync('/dev/fuse')) {
      ctx.log('skipped: building the NTFS volume needs root and /dev/fuse');
      return { skipped: true };
    }
    buildImages(repo, ctx.log);
    const cli = [process.execPath, join(ctx.outRoot, 'electron', 'cli', 'main.js')];
    const raw = join(DIR, 'disk.raw');
    const e01 = join(DIR, 'disk.E01');
    return comparePairs(ctx, [
      { label: `ls -r (raw, ${GIB} GiB) vs fls -r -p`, ours: { name: 'ls', argv: [...cli, 'ls', raw, '/', '--recursive'] }, ref: { name: 'fls', argv: ['fls', '-r', '-p', '-o', '2048', raw] }, goal: 1.0 },
      { label: `ls -r (E01, ${GIB} GiB) vs fls -r -p`, ours: { name: 'ls', argv: [...cli, 'ls', e01, '/', '--recursive'] }, ref: { name: 'fls', argv: ['fls', '-r', '-p', '-o', '2048', e01] }, goal: 0.5 },
      { label: 'E01 verify (scan --verify) vs ewfverify', ours: { name: 'scan --verify', argv: [...cli, 'scan', e01, '--verify', '--quiet'] }, ref: { name: 'ewfverify', argv: ['ewfverify', '-q', e01] }, goal: 0.5 },
      { label: '3CX scan (E01) vs fls -r -p', ours: { name: 'scan', argv: [...cli, 'scan', e01, '--quiet'] }, ref: { name: 'fls', argv: ['fls', '-r', '-p', '-o', '2048', e01] }, goal: 0.3 },
    ]);
  },
};

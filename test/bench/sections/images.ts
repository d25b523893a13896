/**
 * Disk-image bench (issue 5): a generated NTFS volume with ≥ 50,000 files plus a 3CX host tree,
 * as raw (GPT) and E01, built once with real tools (mkntfs + ntfs-3g, sfdisk, ewfacquire) under
 * /tmp/3cx-bench/images. Compared in one run: `ls -r` with TSK's `fls -r -p`, E01 verification
 * with `ewfverify`, and a targeted 3CX scan of the E01 with `fls -r -p` on it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, BenchSection } from '../section.js';
import { comparePairs } from '../compare.js';

const DIR = '/tmp/3cx-bench/images';
const FILES = 50_000;

function sh(script: string): void {
  const r = spawnSync('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`image build failed: ${script.slice(0, 200)}`);
}

function build(ctx: BenchContext, repo: string): void {
  if (existsSync(join(DIR, 'ready'))) return;
  ctx.log(`building a ${FILES}-file NTFS disk in ${DIR} (once; a few minutes)`);
  mkdirSync(DIR, { recursive: true });
  // The volume (the slow part: 50,000 files through FUSE) is kept once built, so a failed later step resumes.
  sh(`set -e; cd ${DIR}; rm -f disk.raw disk.E01
if [ ! -f vol.ready ]; then
rm -f vol.raw; bash ${repo}/test/fixtures/make-hosts.sh hosts win-compromised >/dev/null 2>&1
truncate -s 1G vol.raw; mkntfs -F -Q -q -c 4096 vol.raw >/dev/null 2>&1; mkdir -p mnt; ntfs-3g vol.raw mnt
cp -a hosts/win-compromised/. mnt/
python3 - <<'PY'
import os, random
random.seed(7)
for d in range(500):
    p = f"mnt/data/d{d:03}"; os.makedirs(p, exist_ok=True)
    for f in range(${FILES / 500}):
        with open(f"{p}/f{f:03}.bin", "wb") as fh: fh.write(os.urandom(random.randint(256, 8192)))
PY
umount mnt; touch vol.ready
fi
truncate -s 1026M disk.raw
printf 'label: gpt\\nstart=2048, size=2097152, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\\n' | sfdisk -q disk.raw >/dev/null
dd if=vol.raw of=disk.raw bs=1M seek=1 conv=notrunc status=none
ewfacquire -u -t disk -f encase6 -c deflate:fast -S 4GiB -C bench -D bench -E 1 -e bench -N none disk.raw >/dev/null 2>&1
touch ready`);
}

export const section: BenchSection = {
  name: 'images',
  description: `ls/verify/scan of a ${FILES}-file NTFS disk (raw and E01) against fls, ewfverify`,
  async run(ctx) {
    const repo = join(ctx.outRoot, '..');
    if (process.getuid?.() !== 0 || !existsSync('/dev/fuse')) {
      ctx.log('skipped: building the NTFS volume needs root and /dev/fuse');
      return { skipped: true };
    }
    build(ctx, repo);
    const cli = [process.execPath, join(ctx.outRoot, 'electron', 'cli', 'main.js')];
    const raw = join(DIR, 'disk.raw');
    const e01 = join(DIR, 'disk.E01');
    return comparePairs(ctx, [
      { label: 'ls -r (raw) vs fls -r -p', ours: { name: 'ls', argv: [...cli, 'ls', raw, '/', '--recursive'] }, ref: { name: 'fls', argv: ['fls', '-r', '-p', '-o', '2048', raw] }, goal: 1.0 },
      { label: 'ls -r (E01) vs fls -r -p', ours: { name: 'ls', argv: [...cli, 'ls', e01, '/', '--recursive'] }, ref: { name: 'fls', argv: ['fls', '-r', '-p', '-o', '2048', e01] }, goal: 0.5 },
      { label: 'E01 verify (scan --verify) vs ewfverify', ours: { name: 'scan --verify', argv: [...cli, 'scan', e01, '--verify', '--quiet'] }, ref: { name: 'ewfverify', argv: ['ewfverify', '-q', e01] }, goal: 0.5 },
      { label: '3CX scan (E01) vs fls -r -p', ours: { name: 'scan', argv: [...cli, 'scan', e01, '--quiet'] }, ref: { name: 'fls', argv: ['fls', '-r', '-p', '-o', '2048', e01] }, goal: 0.3 },
    ]);
  },
};

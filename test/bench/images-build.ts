/**
 * Builds the disk-image bench's evidence once, with real tools, under /tmp/3cx-bench:
 *   images/vol.raw   a 1 GiB NTFS volume (mkntfs + ntfs-3g over FUSE) holding the win-compromised
 *                    3CX host and 500 directories × 100 random files (50,000 files, ~200 MB);
 *   images-<N>g/     that volume grown to N GiB with ntfsresize (N ≥ 2; 4 by default), plus
 *                    zero-filled 1 GiB files under /data/fill — the MFT and the tree stay those of
 *                    the 1 GiB volume (writing 50,000 files through FUSE is the slow part, ~5 min,
 *                    so it is done once), while the disk, the E01 and the bytes to hash grow;
 * and, in each, the volume in a GPT disk (disk.raw, partition at sector 2048), that disk as an
 * E01 (ewfacquire, deflate:fast, 32 KiB chunks), as a dynamic VHDX (qemu-img), and the volume's
 * /data copied out (files/data) for hashdeep to hash the same files from the host's own file system.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const FILES = 50_000;
const BASE = '/tmp/3cx-bench/images';

export function imagesDir(gib: number): string {
  return gib === 1 ? BASE : `/tmp/3cx-bench/images-${gib}g`;
}

function sh(script: string): void {
  const r = spawnSync('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`image build failed: ${script.slice(0, 300)}`);
}

/** The 1 GiB volume with the 3CX host and 50,000 small files (kept once built). */
function baseVolume(repo: string, log: (line: string) => void): void {
  if (existsSync(join(BASE, 'vol.ready'))) return;
  log(`building the ${FILES}-file NTFS volume in ${BASE} (once; ~5 minutes)`);
  mkdirSync(BASE, { recursive: true });
  sh(`set -e; cd ${BASE}; rm -f vol.raw
bash ${repo}/test/fixtures/make-hosts.sh hosts win-compromised >/dev/null 2>&1
truncate -s 1024M vol.raw; mkntfs -F -Q -q -c 4096 vol.raw >/dev/null 2>&1; mkdir -p mnt; ntfs-3g vol.raw mnt
cp -a hosts/win-compromised/. mnt/
python3 - <<'PY'
import os, random
random.seed(7)
for d in range(500):
    p = f"mnt/data/d{d:03}"; os.makedirs(p, exist_ok=True)
    for f in range(${FILES / 500}):
        with open(f"{p}/f{f:03}.bin", "wb") as fh: fh.write(os.urandom(random.randint(256, 8192)))
PY
umount mnt; touch vol.ready`);
}

/** The images of a `gib` GiB disk; returns their folder. */
export function buildImages(repo: string, gib: number, log: (line: string) => void = () => {}): string {
  const dir = imagesDir(gib);
  if (existsSync(join(dir, 'bench-ready'))) return dir;
  baseVolume(repo, log);
  log(`building the ${gib} GiB disk (raw, E01, VHDX) in ${dir} (once; a few minutes)`);
  mkdirSync(dir, { recursive: true });
  const volMiB = gib * 1024;
  sh(`set -e; cd ${dir}; rm -f disk.raw disk.E01 disk.vhdx; rm -rf files
if [ ${gib} -gt 1 ] && [ ! -f vol.ready ]; then
  cp --sparse=always ${BASE}/vol.raw vol.raw; truncate -s ${volMiB}M vol.raw
  echo y | ntfsresize -f -f -s $(( ${volMiB} * 1048576 )) vol.raw >/dev/null
  mkdir -p mnt; ntfs-3g vol.raw mnt; mkdir -p mnt/data/fill
  for i in $(seq 1 $(( ${gib} - 1 ))); do dd if=/dev/zero of=mnt/data/fill/zero$i.bin bs=4M count=$(( i == ${gib} - 1 ? 192 : 256 )) status=none; done
  umount mnt; touch vol.ready
fi
VOL=$([ ${gib} -gt 1 ] && echo vol.raw || echo ${BASE}/vol.raw)
truncate -s $(( ${volMiB} + 2 ))M disk.raw
printf 'label: gpt\\nstart=2048, size=${volMiB * 2048}, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\\n' | sfdisk -q disk.raw >/dev/null
dd if=$VOL of=disk.raw bs=1M seek=1 conv=notrunc,sparse status=none
ewfacquire -u -t disk -f encase6 -c deflate:fast -S 8GiB -C bench -D bench -E 1 -e bench -N none disk.raw >/dev/null 2>&1
qemu-img convert -f raw -O vhdx disk.raw disk.vhdx
mkdir -p mnt files; ntfs-3g -o ro $VOL mnt; cp -a --sparse=always mnt/data files/; umount mnt
touch bench-ready`);
  return dir;
}

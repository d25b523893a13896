/**
 * The generated NTFS images (test/fixtures/images/make-ntfs.sh), built once per script version
 * into the temp directory and shared by every test process. Null (tests skip) without root,
 * FUSE or the tools.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../../../', import.meta.url));

function findScript(): string | null {
  // Compiled tests run from out/test/... or .tmp/out-*/test/...; the script stays in the source tree.
  for (const root of [REPO, join(REPO, '..'), process.cwd()]) {
    const p = join(root, 'test', 'fixtures', 'images', 'make-ntfs.sh');
    if (existsSync(p)) return p;
  }
  return null;
}

export function generatedSkipReason(): string | null {
  if (process.getuid?.() !== 0) return 'needs root for the ntfs-3g FUSE mount';
  if (!existsSync('/dev/fuse')) return 'needs /dev/fuse';
  for (const t of ['mkntfs', 'ntfs-3g', 'sfdisk', 'python3']) if (spawnSync('which', [t]).status !== 0) return `needs ${t}`;
  if (!findScript()) return 'make-ntfs.sh not found';
  return null;
}

let cached: string | null | undefined;

/** The directory holding ntfs.raw, data.raw, mbr.raw, gpt.raw, or null when it cannot be built. */
export function generatedImages(): string | null {
  if (cached !== undefined) return cached;
  if (generatedSkipReason()) return (cached = null);
  const script = findScript()!;
  const tag = createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `3cx-ntfs-fixtures-${tag}`);
  if (!existsSync(join(dir, 'gpt.raw'))) {
    const work = mkdtempSync(join(tmpdir(), '3cx-ntfs-build-'));
    execFileSync('bash', [script, work], { stdio: 'ignore' });
    try {
      renameSync(work, dir);
    } catch {
      rmSync(work, { recursive: true, force: true }); // another test process won the race
    }
  }
  return (cached = dir);
}

let slackCached: string | null | undefined;

/** slack.raw from make-ntfs-slack.sh (index slack fixtures), built once per script version; null without root/FUSE/tools. */
export function generatedSlackImage(): string | null {
  if (slackCached !== undefined) return slackCached;
  const main = findScript();
  const script = main ? join(main, '..', 'make-ntfs-slack.sh') : null;
  if (generatedSkipReason() || !script || !existsSync(script)) return (slackCached = null);
  const tag = createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `3cx-ntfs-slack-${tag}`);
  if (!existsSync(join(dir, 'slack.raw'))) {
    const work = mkdtempSync(join(tmpdir(), '3cx-ntfs-slack-build-'));
    execFileSync('bash', [script, work], { stdio: 'ignore' });
    try {
      renameSync(work, dir);
    } catch {
      rmSync(work, { recursive: true, force: true }); // another test process won the race
    }
  }
  return (slackCached = join(dir, 'slack.raw'));
}

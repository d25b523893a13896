/**
 * Generated container fixtures (test/fixtures/images/make-containers.sh), built once per script
 * version and size into the OS temp dir and shared by the container tests. Skipped (null) when the
 * Debian tools it needs (qemu-img, ewfacquire, openssl) are absent.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The script, found by walking up from this (compiled) file to the repository root. */
const SCRIPT = ((): string => {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  for (let i = 0; i < 10; i++) {
    const p = join(dir, 'test', 'fixtures', 'images', 'make-containers.sh');
    if (existsSync(p)) return p;
    dir = join(dir, '..');
  }
  return 'make-containers.sh (not found)';
})();

function haveTools(): boolean {
  try {
    for (const t of ['qemu-img', 'ewfacquire', 'openssl', 'python3']) execFileSync('which', [t], { stdio: 'ignore' });
    return existsSync(SCRIPT);
  } catch {
    return false;
  }
}

export const FIXTURE_SKIP: string | false = haveTools() ? false : 'qemu-img/ewfacquire/openssl or make-containers.sh not available';

/** Directory holding disk.raw and every container of it; built on first use. */
export function generatedContainers(sizeMiB = 32): string {
  const key = createHash('sha256').update(readFileSync(SCRIPT)).update(String(sizeMiB)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `triage-containers-${key}`);
  if (existsSync(join(dir, 'disk.raw.sha256'))) return dir;
  const work = mkdtempSync(join(tmpdir(), 'triage-containers-build-'));
  execFileSync('bash', [SCRIPT, work, String(sizeMiB)], { stdio: 'ignore' });
  try {
    renameSync(work, dir); // atomic: a concurrent builder either wins or finds it done
  } catch {
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

export const rawSha256 = (dir: string): string => readFileSync(join(dir, 'disk.raw.sha256'), 'utf8').trim();

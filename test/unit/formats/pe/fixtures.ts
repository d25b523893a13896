/** Runs test/fixtures/pe/make-pe.sh into a temp dir (once per process) for the fixture and fuzz tests. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE_FILES = [
  '3CXDesktopApp-18.11.1213.exe', '3CXDesktopApp-18.12.407.exe', '3CXDesktopApp-18.12.416.exe',
  '3CXDesktopApp-18.12.425.exe', 'Update.exe', 'd3dcompiler_47-carrier.dll', 'd3dcompiler_47-clean.dll',
  'ffmpeg-clean.dll', 'ffmpeg-trojanized.dll', 'payload-plain.bin',
] as const;

/** The script, found by walking up from this compiled file (out/test/... or .tmp/out-*\/test/...). */
export function makePeScript(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    const p = join(d, 'test', 'fixtures', 'pe', 'make-pe.sh');
    if (existsSync(p)) return p;
    if (dirname(d) === d) throw new Error('test/fixtures/pe/make-pe.sh not found above ' + import.meta.url);
  }
}

export function haveMingw(): boolean {
  return spawnSync('sh', ['-c', 'command -v x86_64-w64-mingw32-gcc'], { stdio: 'ignore' }).status === 0;
}

let made: { dir: string; stderr: string } | undefined;

/** Builds the fixtures (throws with the script's stderr when it fails); removed at process exit. */
export function makeFixtures(): { dir: string; stderr: string } {
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), 'pe-fixtures-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const r = spawnSync('bash', [makePeScript(), dir], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`make-pe.sh failed (${r.status ?? r.signal}): ${r.stderr}`);
  made = { dir, stderr: r.stderr };
  return made;
}

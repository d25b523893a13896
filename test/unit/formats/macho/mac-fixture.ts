/** Test helper: run test/fixtures/macos/make-mac.py into a fresh temp dir. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

export const APP = 'Applications/3CX Desktop App.app/Contents';
export const EXE = `${APP}/MacOS/3CX Desktop App`;
export const DYLIB = `${APP}/Frameworks/Electron Framework.framework/Versions/A/Libraries/libffmpeg.dylib`;
export const SUPPORT = 'Users/alice/Library/Application Support/3CX Desktop App';

export interface MacFixture {
  root: string;
  summary: { files: Record<string, { sha256: string; size: number }>; machos: Record<string, { cpu: string; cdhash: string }[]> };
}

/** The generator's path, found by walking up from the compiled test (out dirs differ per build). */
export function generatorPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 10; i++) {
    const p = join(dir, 'test', 'fixtures', 'macos', 'make-mac.py');
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  throw new Error('test/fixtures/macos/make-mac.py not found above the test file');
}

/** null when python3 is missing; throws when the generator itself fails. */
export function makeMac(args: string[], root = mkdtempSync(join(tmpdir(), 'mac-fixture-'))): MacFixture | null {
  const r = spawnSync('python3', [generatorPath(), root, ...args], { encoding: 'utf8', timeout: 20_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') return null;
  if (r.status !== 0) throw new Error(`make-mac.py failed: ${r.stderr}`);
  return { root, summary: JSON.parse(r.stdout) as MacFixture['summary'] };
}

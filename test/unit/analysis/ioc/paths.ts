// Locates the repo (and the shared research folder beside it) from the compiled test's own URL,
// wherever the test was compiled to (out/test/... or a helper's .tmp/out-*/test/...).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === '3cx-triage') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('repo root (package.json of 3cx-triage) not found');
    dir = up;
  }
}

export const REPO = findRoot();
export const ASSETS = join(REPO, 'assets');
export const BUILTIN = join(ASSETS, 'ioc', '3cx-builtin.json');
export const RESEARCH = join(REPO, '..', 'shared', 'research', '3cx-iocs.json');
export const HAVE_RESEARCH = existsSync(RESEARCH);

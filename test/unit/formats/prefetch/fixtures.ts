/** Locates test/fixtures/prefetch (made by make-pf.py) from wherever the compiled test runs. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findDir(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(d, 'test', 'fixtures', 'prefetch');
    if (existsSync(join(p, 'make-pf.py'))) return p;
    if (dirname(d) === d) throw new Error('test/fixtures/prefetch/make-pf.py not found above ' + import.meta.url);
    d = dirname(d);
  }
}

export const PREFETCH_FIXTURES = findDir();
export const FIXTURE_NAMES = ['3CXDESKTOPAPP.EXE-981FA834.pf', 'UPDATE.EXE-0D22BE8D.pf', 'MSIEXEC.EXE-8FFB1633.pf'] as const;

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(PREFETCH_FIXTURES, name)));
}

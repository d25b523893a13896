/** Test helper: where test/fixtures/macos-artefacts/make-fsevents.py is (out dirs differ per build). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function fseventsScript(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 10; i++) {
    const p = join(dir, 'test', 'fixtures', 'macos-artefacts', 'make-fsevents.py');
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  throw new Error('make-fsevents.py not found');
}

/** test/fixtures/usnjrnl in the source tree, found upwards from the compiled test (out/ or .tmp/out-*). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function usnFixtures(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); d !== dirname(d); d = dirname(d)) {
    const f = join(d, 'test', 'fixtures', 'usnjrnl');
    if (existsSync(join(f, 'make-usn.py'))) return f;
  }
  throw new Error('test/fixtures/usnjrnl not found');
}

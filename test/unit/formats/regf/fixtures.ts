/** Locates test/fixtures/registry (hives made by make-hives.py) from wherever the compiled test runs. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function registryFixtures(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(d, 'test', 'fixtures', 'registry');
    if (existsSync(join(p, 'make-hives.py'))) return p;
    if (dirname(d) === d) throw new Error('test/fixtures/registry/make-hives.py not found above ' + import.meta.url);
    d = dirname(d);
  }
}

export const HIVE_NAMES = ['SOFTWARE', 'SYSTEM', 'NTUSER.DAT', 'Amcache.hve'] as const;

export function fixtureHive(name: (typeof HIVE_NAMES)[number]): Uint8Array {
  return new Uint8Array(readFileSync(join(registryFixtures(), 'hives', name)));
}

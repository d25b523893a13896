/** Builds the collection fixtures once per test process (test/fixtures/collections/make-collections.sh). */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Filesystem } from '../../../../electron/common/vfs.js';
import { walkFiles } from '../../../../electron/evidence/loaders/collection.js';
import { readAll } from '../../../../electron/io/reader.js';

/** The repository root, found from wherever the compiled test runs. */
export function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'test', 'fixtures', 'make-hosts.sh'))) {
    const up = dirname(d);
    if (up === d) throw new Error('repository root not found');
    d = up;
  }
  return d;
}

let built: string | null = null;

export function collections(): string {
  if (built) return built;
  const out = mkdtempSync(join(tmpdir(), '3cx-collections-'));
  const r = spawnSync('bash', [join(repoRoot(), 'test/fixtures/collections/make-collections.sh'), out], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`make-collections.sh failed: ${r.stderr}`);
  built = out;
  return out;
}

export type Listing = Map<string, { size: number; sha256: string }>;

/** Regular files of a live folder tree (symlinks and the .pe build folder left out). */
export function sourceListing(root: string, under = ''): Listing {
  const out: Listing = new Map();
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      if (!rel && name === '.pe') continue;
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p, r);
      else if (st.isFile()) out.set(`/${r}`, { size: st.size, sha256: createHash('sha256').update(readFileSync(p)).digest('hex') });
    }
  };
  walk(under ? join(root, under) : root, under);
  return out;
}

export async function fsListing(fs: Filesystem): Promise<Listing> {
  const out: Listing = new Map();
  for await (const e of walkFiles(fs)) {
    if (e.type !== 'file') continue;
    const r = await fs.open(e.path);
    out.set(e.path, { size: e.size, sha256: createHash('sha256').update(await readAll(r, 1 << 30)).digest('hex') });
    await r.close();
  }
  return out;
}

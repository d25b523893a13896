/**
 * Collection bench (issue 6): hash every member of a ~1 GB ZIP (generated once under
 * /tmp/3cx-bench/zip: half random, half text, 200 members) against `unzip -t` on it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchSection } from '../section.js';
import { comparePairs } from '../compare.js';

const DIR = '/tmp/3cx-bench/zip';

export const section: BenchSection = {
  name: 'zip',
  description: 'hash every member of a ~1 GB ZIP against unzip -t',
  async run(ctx) {
    const zip = join(DIR, 'bench.zip');
    if (!existsSync(zip)) {
      ctx.log(`building ${zip} (once)`);
      mkdirSync(join(DIR, 'tree'), { recursive: true });
      const r = spawnSync('bash', ['-c', `set -e; cd ${DIR}; python3 - <<'PY'
import os, random
random.seed(3)
words = [b"alpha", b"beta", b"gamma", b"delta", b"evidence", b"triage", b"3cx"]
for i in range(200):
    with open(f"tree/m{i:03}.bin", "wb") as f:
        if i % 2: f.write(os.urandom(5 * 1024 * 1024))
        else: f.write(b" ".join(random.choice(words) for _ in range(900_000)))
PY
zip -q -r bench.zip tree; rm -rf tree`], { stdio: ['ignore', 'ignore', 'inherit'] });
      if (r.status !== 0) throw new Error('zip bench build failed');
    }
    const cli = [process.execPath, join(ctx.outRoot, 'cli', '3cx-triage.mjs')];
    return comparePairs(ctx, [
      { label: 'hash every member (sha256) vs unzip -t', ours: { name: 'hash', argv: [...cli, 'hash', zip, '--algorithms', 'sha256', '--quiet'] }, ref: { name: 'unzip -t', argv: ['unzip', '-tq', zip] }, goal: 0.7 },
    ]);
  },
};

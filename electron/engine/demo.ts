/**
 * The demonstration evidence shipped in assets/demo (benign stand-ins built by
 * test/fixtures/make-demo.sh). Git and installers keep no modification times, so the demo hosts
 * are copied into a private temp folder and their recorded times (times.tsv) restored there; the
 * shipped copy is never touched.
 */
import { cp, mkdtemp, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { ASSETS_DIR } from './paths.js';

export const DEMO_HOSTS = ['WS-FINANCE-07', 'alice-mbp'] as const;

export interface DemoEvidence {
  paths: string[];
  dispose(): Promise<void>;
}

export async function prepareDemoEvidence(assetsDir: string = ASSETS_DIR): Promise<DemoEvidence> {
  const src = join(assetsDir, 'demo');
  const dir = await mkdtemp(join(tmpdir(), '3cx-demo-'));
  for (const h of DEMO_HOSTS) await cp(join(src, h), join(dir, h), { recursive: true });
  const tsv = await readFile(join(src, 'times.tsv'), 'utf8');
  for (const line of tsv.split('\n')) {
    const [rel, secs] = line.split('\t');
    if (!rel || !secs) continue;
    const target = resolve(dir, rel);
    if (!target.startsWith(dir + sep)) continue; // a stray line never leaves the temp folder
    const t = Number(secs);
    if (Number.isFinite(t)) await utimes(target, t, t).catch(() => undefined);
  }
  return { paths: DEMO_HOSTS.map((h) => join(dir, h)), dispose: () => rm(dir, { recursive: true, force: true }) };
}

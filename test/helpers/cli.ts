/** Run the built CLI as an examiner would, and load shared test helpers. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ScanResult } from '../../electron/common/scan-result.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The command line as it ships: the bundle `npm run build` makes from out/electron (build/bundle-cli.mjs). */
export const CLI = join(ROOT, 'out/cli/3cx-triage.mjs');

let checked = false;
/** A bundle older than the compiled modules would test yesterday's code: say so instead. */
function assertBundleCurrent(): void {
  if (checked) return;
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (or node build/bundle-cli.mjs after tsc -b)`);
  const built = statSync(CLI).mtimeMs;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js') && statSync(p).mtimeMs > built) throw new Error(`${p} is newer than ${CLI}: run node build/bundle-cli.mjs (npm run build does)`);
    }
  };
  walk(join(ROOT, 'out/electron'));
  checked = true;
}

export function runCli(args: string[], opts: { cwd?: string } = {}): { status: number; stdout: string; stderr: string } {
  assertBundleCurrent();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: opts.cwd ?? ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `3cx-${prefix}-`));
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'assets/schema/scan-1.schema.json'), 'utf8')) as object);

/** Validate against the JSON Schema the project ships; throw with every violation listed. */
export function assertSchema(doc: unknown): asserts doc is ScanResult {
  if (!validate(doc)) throw new Error(`result violates assets/schema/scan-1.schema.json:\n${JSON.stringify(validate.errors, null, 2)}`);
}

export function scanJson(args: string[]): { result: ScanResult; status: number; stderr: string } {
  const dir = tmp('json');
  const out = join(dir, 'r.json');
  const r = runCli(['scan', ...args, '--json', out, '--quiet']);
  if (r.status !== 0) throw new Error(`scan exited ${r.status}: ${r.stderr}`);
  const doc = JSON.parse(readFileSync(out, 'utf8')) as unknown;
  assertSchema(doc);
  return { result: doc, status: r.status, stderr: r.stderr };
}

export const hasMingw = (): boolean => existsSync('/usr/bin/x86_64-w64-mingw32-gcc');

/** Build the live-folder scenarios once per test file (real tools; see test/fixtures/make-hosts.sh). */
export function makeHosts(...scenarios: string[]): string {
  const dir = tmp('hosts');
  const r = spawnSync('bash', [join(ROOT, 'test/fixtures/make-hosts.sh'), dir, ...scenarios], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`make-hosts.sh failed: ${r.stderr}`);
  return dir;
}

/**
 * Electron smoke test: starts the real app (TRIAGE_SMOKE=1), which loads the window, probes what
 * the page can reach, prints one SMOKE line and quits. Skipped where the Electron binary was not
 * downloaded (CI installs with ELECTRON_SKIP_BINARY_DOWNLOAD=1).
 */
import { ROOT } from '../../helpers/cli.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

function electronBinary(): string | null {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null; // the electron package throws when its binary was never downloaded
  }
}


const bin = electronBinary();
const repo = ROOT;
const skip = !bin
  ? 'no Electron binary here (node_modules/electron has no dist; installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1?)'
  : !existsSync(join(repo, 'out', 'renderer', 'index.html')) || !existsSync(join(repo, 'out', 'electron', 'main', 'main.js'))
    ? 'the app is not built (npm run build and npx vite build first)'
    : false;
if (skip) console.log(`# skipping Electron smoke test: ${skip}`);

test('the app window loads sandboxed, isolated, with window.triage and no Node', { skip, timeout: 60_000 }, () => {
  const args = [repo, ...(process.platform === 'linux' ? ['--no-sandbox', '--disable-gpu'] : [])];
  const r = spawnSync(bin!, args, { env: { ...process.env, TRIAGE_SMOKE: '1', ELECTRON_ENABLE_LOGGING: '1' }, encoding: 'utf8', timeout: 50_000 });
  const line = `${r.stdout}\n${r.stderr}`.split('\n').find((l) => l.startsWith('SMOKE '));
  assert.ok(line, `no SMOKE line; output:\n${r.stdout}\n${r.stderr}`);
  const s = JSON.parse(line.slice(6)) as { probe: { triage: string; methods: string[]; require: string; process: string }; sandboxed: (boolean | null)[]; url: string };
  assert.equal(s.url, 'app://triage/index.html');
  // Electron reports `sandboxed` on macOS and Windows only; where it does, it must be true.
  assert.ok(s.sandboxed.every((x) => x === null || x === true), `renderer sandboxed: ${JSON.stringify(s.sandboxed)}`);
  assert.equal(s.probe.triage, 'object');
  assert.equal(s.probe.require, 'undefined');
  assert.equal(s.probe.process, 'undefined');
  assert.ok(s.probe.methods.includes('openDemoCase') && !s.probe.methods.includes('invoke') && !s.probe.methods.includes('send'));
});

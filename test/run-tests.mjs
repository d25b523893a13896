#!/usr/bin/env node
// Runs the compiled tests (out/test/<suite>/**/*.test.js) with Node's own test runner.
// Usage: node test/run-tests.mjs [unit|corpus|fuzz|e2e ...]   (default: all suites)
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const suites = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'corpus', 'fuzz', 'e2e'];
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
}
for (const s of suites) {
  const dir = join(root, 'out', 'test', s);
  if (existsSync(dir)) walk(dir);
}
if (files.length === 0) {
  console.error(`no compiled tests found for ${suites.join(', ')}: run npm run build first`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...files], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);

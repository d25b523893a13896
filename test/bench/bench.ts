#!/usr/bin/env node
/**
 * Benchmark runner: `node out/test/bench/bench.js [section ...]`. Every module in sections/ that
 * exports `section: BenchSection` is a section; with no arguments all run, in name order. Each
 * section's numbers are written to out/bench/<name>.json.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { BenchContext, BenchSection } from './section.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const outRoot = fileURLToPath(new URL('../../', import.meta.url));
const ctx: BenchContext = { outDir: join(outRoot, 'bench'), outRoot, log: (line) => console.log(line) };

async function loadSections(): Promise<BenchSection[]> {
  const dir = join(here, 'sections');
  const names = (await readdir(dir)).filter((n) => n.endsWith('.js')).sort();
  const out: BenchSection[] = [];
  for (const n of names) {
    const mod = (await import(new URL(`sections/${n}`, import.meta.url).href)) as { section?: BenchSection };
    if (mod.section) out.push(mod.section);
  }
  return out;
}

const wanted = process.argv.slice(2);
const sections = (await loadSections()).filter((s) => wanted.length === 0 || wanted.includes(s.name));
if (sections.length === 0) {
  console.error(`no bench sections match ${wanted.join(', ') || '(any)'}`);
  process.exit(1);
}
await mkdir(ctx.outDir, { recursive: true });
let failed = false;
for (const s of sections) {
  ctx.log(`\n== ${s.name}: ${s.description}`);
  try {
    const numbers = await s.run(ctx);
    const file = join(ctx.outDir, `${s.name}.json`);
    await writeFile(file, JSON.stringify(numbers, null, 2) + '\n');
    ctx.log(`(numbers written to ${file})`);
  } catch (err) {
    failed = true;
    console.error(`section ${s.name} failed:`, err);
  }
}
process.exit(failed ? 1 : 0);

#!/usr/bin/env node
/** `3cx-triage`: the scriptable face of the engine (shared/design/contract.md). */
import module from 'node:module';
import { readFile, writeFile } from 'node:fs/promises';
import { RESULT_SCHEMA, type ScanResult } from '../common/scan-result.js';
import type { IocSet } from '../analysis/ioc/index.js';
import type { Engine } from '../engine/engine.js';
import { HELP, parseArgs, UsageError, type ParsedArgs } from './args.js';
import { progressPrinter } from './progress-printer.js';

// Each command loads only the modules it needs (dynamic imports below): loading the whole engine
// costs more CPU than a whole `ls -r` of a 50,000-file volume. Where Node keeps compiled code
// between runs (>= 22.1; in the OS temp folder), those imports come from its cache; Node 20 has none.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

async function main(argv: string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`3cx-triage: ${err.message}\n\n${HELP}`);
      return 2;
    }
    throw err;
  }
  switch (args.command) {
    case 'version':
      // package.json's version, as engine.ts `toolVersion` reads it, without loading the engine.
      process.stdout.write(`3cx-triage ${(JSON.parse(await readFile((await import('../engine/paths.js')).PACKAGE_JSON, 'utf8')) as { version: string }).version}\n`);
      return 0;
    case 'help':
      process.stdout.write(HELP);
      return 0;
    case 'scan':
    case 'demo':
      return scan(args);
    case 'ls':
    case 'cat':
    case 'hash':
    case 'dump':
      return utility(args, argv);
    case 'export':
    case 'report':
      return fromResult(args);
  }
}

/** `export` and `report` work from a saved result document, so exports never need the evidence again. */
async function fromResult(args: ParsedArgs): Promise<number> {
  const [a, b, c] = args.positionals as [string, string, string | undefined];
  const file = args.command === 'export' ? b : a;
  let result: ScanResult;
  try {
    result = JSON.parse(await readFile(file, 'utf8')) as ScanResult;
    if (result.schema !== RESULT_SCHEMA) throw new Error(`not a ${RESULT_SCHEMA} result document`);
  } catch (err) {
    process.stderr.write(`3cx-triage: ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  if (args.command === 'report') {
    const { writeReport } = await import('./report-output.js');
    await writeReport(result, b, process.stderr, { paper: args.paper });
    return 0;
  }
  const { EXPORTS } = await import('../report/exports/index.js');
  const fmt = EXPORTS[a];
  if (!fmt) {
    process.stderr.write(`3cx-triage: unknown export format '${a}' (one of ${Object.keys(EXPORTS).join(', ')})\n`);
    return 2;
  }
  const text = fmt.render(result);
  if (c) await writeFile(c, text);
  else process.stdout.write(text);
  return 0;
}

async function utility(args: ParsedArgs, argv: string[]): Promise<number> {
  const p = args.positionals;
  const out = lineWriter();
  const line = out.line;
  try {
    const { cat, hashTree, ls } = await import('../engine/utilities.js');
    // Protected archives (ZipCrypto, WinZip AES) open for ls and cat too; hash workers get it per task.
    if (args.password !== null) (await import('../evidence/archive-options.js')).setArchiveOptions({ password: args.password });
    switch (args.command) {
      case 'ls':
        await ls(p[0]!, p[1] ?? '/', { recursive: args.recursive, deleted: args.deleted, json: args.jsonLines }, line);
        return 0;
      case 'cat':
        await cat(p[0]!, p[1]!, process.stdout);
        return 0;
      case 'hash': {
        const ac = new AbortController();
        process.once('SIGINT', () => ac.abort());
        const print = progressPrinter(process.stderr, args.quiet);
        const r = await hashTree(p[0]!, p[1] ?? '/', { algorithms: args.algorithms, ...(args.workers ? { workers: args.workers } : {}), ...(args.password !== null ? { password: args.password } : {}), signal: ac.signal, onProgress: (done, total) => print({ phase: 'hash', message: 'hashing', done, total }) }, line, argv);
        print({ phase: 'done', message: `${r.files} file(s), ${r.errors} error(s)` });
        return 0;
      }
      default:
        await (await import('../engine/dump.js')).dump(p[0]!, p[1]!, p[2] ?? null, line);
        return 0;
    }
  } catch (err) {
    if (err instanceof Error && (err as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    out.flush();
    process.stderr.write(`3cx-triage: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    out.flush();
  }
}

async function scan(args: ParsedArgs): Promise<number> {
  const { Engine } = await import('../engine/engine.js');
  const engine = new Engine({ ...(args.workers === null ? {} : { workers: args.workers }), verifyImages: args.verify, ...(args.password === null ? {} : { archivePassword: args.password }) });
  const demo = args.command === 'demo' ? await (await import('../engine/demo.js')).prepareDemoEvidence() : null;
  try {
    return await scanPaths(engine, args, demo?.paths ?? args.positionals);
  } finally {
    await demo?.dispose();
  }
}

async function scanPaths(engine: Engine, args: ParsedArgs, paths: string[]): Promise<number> {
  let iocs: IocSet;
  try {
    iocs = await engine.loadIocs(args.ioc); // fail fast on a bad pack, before any evidence is touched
  } catch (err) {
    if (err instanceof Error && err.name === 'IocFormatError') {
      process.stderr.write(`3cx-triage: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  // The set just loaded, not the files again (a second parse and content hash of the built-in bundle).
  const result = await engine.scan(paths, {
    iocs,
    caseName: args.caseName ?? (args.command === 'demo' ? 'Demo case' : null),
    examiner: args.examiner,
    signal: ac.signal,
    onProgress: progressPrinter(process.stderr, args.quiet),
  });
  if (!args.quiet) process.stderr.write((await import('./read-summary.js')).readSummary(result.evidence));
  const json = JSON.stringify(result, null, 2) + '\n';
  if (args.json === '-') process.stdout.write(json);
  else {
    if (args.json) await writeFile(args.json, json);
    process.stdout.write((await import('./summary.js')).summarise(result));
  }
  if (args.report) await (await import('./report-output.js')).writeReport(result, args.report, process.stderr, { paper: args.paper });
  return 0;
}

/**
 * Lines to stdout in 64 KiB writes: one write per line costs a system call each, more than
 * formatting the line. Flushed before any error is printed. `line` returns a promise when a pipe
 * is full, so a caller that awaits it never holds more than one chunk.
 */
function lineWriter(): { line: (s: string) => void | Promise<void>; flush: () => void } {
  let lines: string[] = [];
  let bytes = 0;
  const flush = (): boolean => {
    if (lines.length === 0) return true;
    lines.push('');
    const ok = process.stdout.write(lines.join('\n'));
    lines = [];
    bytes = 0;
    return ok;
  };
  return {
    // A pipe whose reader is slower than us (`| less`) fills up: wait for it instead of buffering the listing.
    line: (s) => {
      lines.push(s);
      bytes += s.length + 1;
      if (bytes >= 65536 && !flush()) return new Promise<void>((resolve) => process.stdout.once('drain', resolve));
    },
    flush: () => void flush(),
  };
}

// `3cx-triage ls ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`3cx-triage: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

#!/usr/bin/env node
/**
 * Bundles the compiled command line (out/electron/cli/main.js, from `tsc -b`) into out/cli/:
 * `3cx-triage.mjs` (the package's `bin`), one entry per worker script, and the chunks the CLI's
 * dynamic imports split off (`--help` loads the entry alone; `ls` never loads the engine).
 * Why: loading ~330 separate ES modules cost a targeted E01 scan more CPU than the scan's own work.
 *
 * Usage: node build/bundle-cli.mjs [OUT_DIR]   (default: the repository's out/; `npm run build` runs it)
 *
 * Rolldown comes with vite (a devDependency). Node built-ins and electron stay external; the npm
 * packages the CLI imports (plist, @peculiar/asn1-*, node-stream-zip) are bundled, from their ES
 * module builds where they publish one. zod and sql.js are loaded at run time through
 * `createRequire` and still come from node_modules.
 *
 * `new URL('<relative>', import.meta.url)` in the compiled modules names a file relative to where
 * that module sat in out/electron/ (assets/, package.json, worker scripts). From a chunk in out/cli/
 * the same text would point elsewhere, so each literal is rewritten to name the same file from
 * out/cli/ — and a worker script (a `.js` under out/electron/) becomes an entry of the bundle.
 */
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const OUT = resolve(process.argv[2] ?? fileURLToPath(new URL('../out/', import.meta.url)));
const SRC = join(OUT, 'electron');
const DEST = join(OUT, 'cli');
const MAIN = join(SRC, 'cli', 'main.js');
const NAME = '3cx-triage';

const NEW_URL = /new URL\((['"])([^'"\n]+)\1,\s*import\.meta\.url\)/g;
const isUrl = (rel) => /^[a-z][a-z0-9+.-]*:/i.test(rel); // file:, data:, ... left alone

function* compiled(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) yield* compiled(join(dir, e.name));
    else if (e.name.endsWith('.js')) yield join(dir, e.name);
  }
}

if (!existsSync(MAIN)) throw new Error(`bundle-cli: ${MAIN} is missing — run tsc -b first`);

/** Worker scripts: every compiled module named by a `new URL('….js', import.meta.url)`. */
const workers = new Map();
for (const file of compiled(SRC)) {
  const code = readFileSync(file, 'utf8');
  if (!code.includes('import.meta.url')) continue;
  for (const [, , rel] of code.matchAll(NEW_URL)) {
    const target = resolve(dirname(file), rel);
    if (isUrl(rel) || !rel.endsWith('.js') || !target.startsWith(SRC + sep)) continue;
    if (!existsSync(target)) throw new Error(`bundle-cli: ${relative(OUT, file)} names ${rel}, which was not compiled`);
    workers.set(target, basename(target, '.js'));
  }
}
const entries = { [NAME]: MAIN, ...Object.fromEntries([...workers].map(([file, name]) => [name, file])) };
if (Object.keys(entries).length !== workers.size + 1) throw new Error('bundle-cli: two worker scripts share a name');

/** Rewrites `new URL('<rel>', import.meta.url)` so it names the same file from out/cli/. */
const relocateUrls = {
  name: 'relocate-import-meta-urls',
  transform: {
    filter: { code: 'import.meta.url' },
    handler(code, id) {
      if (!id.startsWith(SRC + sep)) return null;
      const out = code.replace(NEW_URL, (whole, quote, rel) => {
        if (isUrl(rel)) return whole;
        const target = resolve(dirname(id), rel);
        let next = workers.has(target) ? `./${workers.get(target)}.mjs` : relative(DEST, target).split(sep).join('/');
        if (!next.startsWith('.')) next = `./${next}`;
        if (rel.endsWith('/') && !next.endsWith('/')) next += '/';
        return `new URL(${quote}${next}${quote}, import.meta.url)`;
      });
      return out === code ? null : { code: out, map: null };
    },
  },
};

/**
 * npm packages loaded on first call, from a file of their own. `plist` (@xmldom/xmldom and
 * xmlbuilder under it, ~380 KB) is needed only when an XML property list is parsed, behind a
 * synchronous API, yet its static import made every scan compile and evaluate it (~30 ms of CPU
 * here). Each package is bundled alone into `<pkg>.vendor.cjs`; its named
 * imports become calls that `require` that file the first time (CommonJS loads synchronously).
 */
const DEFERRED = ['plist'];
/** Package → the names imported from it (what its vendor file exports). */
const deferred = new Map();
const vendorFile = (pkg) => `${pkg.replace(/[^a-z0-9-]/gi, '_')}.vendor.cjs`;
const deferPackages = {
  name: 'defer-packages',
  transform: {
    filter: { code: { include: DEFERRED.map((p) => `from '${p}'`) } },
    handler(code, id) {
      let out = code;
      for (const pkg of DEFERRED) {
        const m = out.match(new RegExp(`^import \\{([^}]+)\\} from '${pkg.replace(/[.]/g, '\\.')}';$`, 'm'));
        if (!m) continue;
        const names = deferred.get(pkg) ?? new Set();
        deferred.set(pkg, names);
        const slot = `__vendor_${pkg.replace(/[^a-z0-9]/gi, '_')}`;
        const lines = [`import { createRequire as ${slot}_require } from 'node:module';`, `let ${slot};`];
        for (const spec of m[1].split(',').map((x) => x.trim()).filter(Boolean)) {
          const [name, local = name] = spec.split(/\s+as\s+/);
          names.add(name);
          lines.push(`const ${local} = (...args) => (${slot} ??= ${slot}_require(import.meta.url)('./${vendorFile(pkg)}')).${name}(...args);`);
        }
        out = out.replace(m[0], lines.join('\n'));
      }
      if (DEFERRED.some((pkg) => out.includes(`from '${pkg}`))) this.error(`${id}: an import of a deferred package is left (only \`import { ... } from\` lines are deferred)`);
      return out === code ? null : { code: out, map: null };
    },
  },
  buildEnd(err) {
    const missed = DEFERRED.filter((p) => !deferred.has(p));
    // A changed import line must not quietly turn the deferral off.
    if (!err && missed.length) this.error(`no "import { ... } from '<pkg>'" line of ${missed.join(', ')} was found to defer`);
  },
};

const external = new Set(['electron', ...builtinModules]);
/** Rolldown would leave an import it cannot resolve to run time; here that is a broken bundle. */
const failUnresolved = (level, log, handler) => {
  if (log.code === 'UNRESOLVED_IMPORT') handler('error', log);
  else handler(level, log);
};

const { output } = await build({
  input: entries,
  platform: 'node',
  // The ES module builds that asn1js and @peculiar/asn1-* publish beside their CommonJS ones:
  // tree-shaken and without CommonJS interop, they cut a targeted scan of a Windows image (its
  // signed 3CX programs) by ~13% of its instructions (cachegrind).
  resolve: { mainFields: ['module', 'main'] },
  external: (id) => id.startsWith('node:') || external.has(id),
  plugins: [relocateUrls, deferPackages],
  logLevel: 'warn',
  onLog: failUnresolved,
  output: {
    dir: DEST,
    format: 'esm',
    entryFileNames: '[name].mjs',
    // Every chunk beside the entries: the rewritten URLs are relative to out/cli/ itself.
    chunkFileNames: '[name]-[hash].mjs',
    cleanDir: true,
    // Stack traces and error names read as in the sources.
    keepNames: true,
    sourcemap: false,
  },
});

// The vendor files, after the main build (which empties out/cli/): each exports only what is imported.
for (const [pkg, names] of deferred) {
  // Inside out/electron/ so that the package resolves from the repository's node_modules.
  const entry = join(SRC, `${vendorFile(pkg)}.entry.js`);
  await build({
    input: { vendor: entry },
    platform: 'node',
    resolve: { mainFields: ['module', 'main'] },
    external: (id) => id.startsWith('node:') || external.has(id),
    plugins: [{ name: 'vendor-entry', resolveId: (id) => (id === entry ? id : null), load: (id) => (id === entry ? `export { ${[...names].join(', ')} } from '${pkg}';` : null) }],
    logLevel: 'warn',
    onLog: failUnresolved,
    output: { dir: DEST, format: 'cjs', entryFileNames: vendorFile(pkg), codeSplitting: false, keepNames: true, sourcemap: false },
  });
}

// A worker thread that reached the CLI's entry chunk would run the command line inside itself.
const chunks = new Map(output.filter((c) => c.type === 'chunk').map((c) => [c.fileName, c]));
for (const name of workers.values()) {
  const seen = new Set();
  const visit = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const i of chunks.get(f)?.imports ?? []) visit(i);
  };
  visit(`${name}.mjs`);
  if (seen.has(`${NAME}.mjs`)) throw new Error(`bundle-cli: worker ${name} imports the CLI entry chunk`);
}
// A URL still into out/electron/ would work here and break wherever out/cli/ ships alone.
for (const c of chunks.values()) {
  if (/new URL\(['"][^'"]*\/electron\//.test(c.code)) throw new Error(`bundle-cli: ${c.fileName} still points into out/electron/`);
}
chmodSync(join(DEST, `${NAME}.mjs`), 0o755);
process.stdout.write(`bundle-cli: ${relative(process.cwd(), join(DEST, `${NAME}.mjs`))}: ${workers.size} worker(s), ${deferred.size} vendor file(s), ${chunks.size + deferred.size} files\n`);

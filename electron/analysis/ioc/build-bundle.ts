/**
 * Regenerates or checks the committed built-in bundle (assets/ioc/3cx-builtin.json).
 *
 *   node out/electron/analysis/ioc/build-bundle.js --from ../shared/research/3cx-iocs.json [--version 2026.11.29]
 *   node out/electron/analysis/ioc/build-bundle.js --check [--from FILE]
 *
 * `--check` loads the committed bundle as the app does and checks its shape too (shape, values,
 * conflicts, content hash, and that it is in the schema's output form, which lets the app skip
 * the shape check); with `--from` it also insists the file equals a fresh regeneration. Exit 1
 * with the reason on any problem, 2 on a usage error.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildBundle } from './build.js';
import { builtinPath, defaultAssetsDir, loadBuiltinIocs, readPackText, sha256Hex } from './load.js';
import { inOutputForm } from './pack.js';
import { IocFormatError } from './types.js';

/** Version stamped on a regenerated bundle unless --version says otherwise. */
export const BUNDLE_VERSION = '2026.11.29';

export function serializeBundle(bundle: object): string {
  return `${JSON.stringify(bundle, null, 1)}\n`;
}

/** The bundle text a regeneration from `sourceFile` produces (what --from writes). */
export async function regenerate(sourceFile: string, assetsDir: URL | string, version: string): Promise<string> {
  const dnfFile = builtinPath(assetsDir).replace(/3cx-builtin\.json$/, 'do-not-flag.json');
  const bundle = buildBundle({
    sourceText: await readFile(sourceFile, 'utf8'),
    sourceFile,
    doNotFlagText: await readFile(dnfFile, 'utf8'),
    doNotFlagFile: dnfFile,
    version,
    sha256: sha256Hex,
  });
  return serializeBundle(bundle);
}

async function main(argv: string[]): Promise<number> {
  let from: string | null = null;
  let check = false;
  let version: string | null = null;
  let assets: string | URL = defaultAssetsDir();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') check = true;
    else if (a === '--from' && argv[i + 1] !== undefined) from = argv[++i] ?? null;
    else if (a === '--version' && argv[i + 1] !== undefined) version = argv[++i] ?? null;
    else if (a === '--assets' && argv[i + 1] !== undefined) assets = argv[++i] ?? assets;
    else {
      process.stderr.write('usage: build-bundle (--from 3cx-iocs.json [--version V] | --check [--from 3cx-iocs.json]) [--assets DIR]\n');
      return 2;
    }
  }
  if (!check && from === null) return main(['--help']);
  const target = builtinPath(assets);
  if (check) {
    const set = await loadBuiltinIocs(assets, { checkShape: true });
    // The app reads the bundle without the shape check (pack.ts `sealed`): that is only the same
    // as checking it when the file already holds what the check would give.
    if (!inOutputForm(await readPackText(target))) {
      process.stderr.write(`${target}: not in the pack schema's output form (defaults missing or keys out of order); regenerate it with build-bundle --from\n`);
      return 1;
    }
    if (from !== null) {
      const fresh = await regenerate(from, assets, version ?? set.version);
      if (fresh !== (await readPackText(target))) {
        process.stderr.write(`${target}: differs from a regeneration from ${from}; run build-bundle --from ${from}\n`);
        return 1;
      }
    }
    const hashes = [...set.hashes.values()].reduce((n, l) => n + l.length, 0);
    process.stdout.write(`${target}: ok — ${set.name} ${set.version}, sha256 ${set.sha256}, ${hashes} hashes, ${set.cdhashes?.length ?? 0} cdhashes, ${set.network.length} network, ${set.versions.length} version rules\n`);
    return 0;
  }
  const text = await regenerate(from as string, assets, version ?? BUNDLE_VERSION);
  await writeFile(target, text);
  const set = await loadBuiltinIocs(assets);
  process.stdout.write(`wrote ${target} (${Buffer.byteLength(text)} bytes), sha256 ${set.sha256}\n`);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof IocFormatError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}

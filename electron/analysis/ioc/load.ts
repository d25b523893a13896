/**
 * The file-system side of the IOC packs: reading the built-in bundle from assets/ and `--ioc`
 * files from the examiner's disk. Everything after reading the bytes is pure (pack.ts,
 * csv-pack.ts, set.ts). Packs are configuration, not evidence, but are still read under a cap.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseCsvPack } from './csv-pack.js';
import { parseJsonPack } from './pack.js';
import { setFromPack } from './set.js';
import { IocFormatError, type HashIndicator, type IocSet, type NetworkIndicator, type VersionRule } from './types.js';

/** Largest pack read (the built-in one is about 100 KiB; the biggest public 3CX lists are far smaller). */
export const IOC_PACK_MAX_BYTES = 64 * 1024 * 1024;
export const BUILTIN_FILE = 'ioc/3cx-builtin.json';

/** assets/ from out/electron/analysis/ioc/ (compiled) — the app never reads shared/research. */
export function defaultAssetsDir(): URL {
  return new URL('../../../../assets/', import.meta.url);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function toPath(p: URL | string): string {
  return typeof p === 'string' ? p : fileURLToPath(p);
}

export async function readPackText(path: string): Promise<string> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new IocFormatError(path, null, 'not a regular file');
    size = st.size;
  } catch (e) {
    if (e instanceof IocFormatError) throw e;
    throw new IocFormatError(path, null, `cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (size > IOC_PACK_MAX_BYTES) throw new IocFormatError(path, null, `${size} bytes is larger than the ${IOC_PACK_MAX_BYTES}-byte pack limit`);
  const bytes = await readFile(path);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new IocFormatError(path, null, 'not UTF-8 text');
  }
}

export function builtinPath(assetsDir: URL | string = defaultAssetsDir()): string {
  const dir = toPath(assetsDir);
  return `${dir.replace(/[\\/]+$/, '')}/${BUILTIN_FILE}`;
}

/**
 * The built-in 3CX set, its content hash verified. Its shape was proved when it was built
 * (pack.ts `sealed`); `checkShape` checks it again (build-bundle `--check` does).
 */
export async function loadBuiltinIocs(assetsDir?: URL | string, opts: { checkShape?: boolean } = {}): Promise<IocSet> {
  const file = builtinPath(assetsDir);
  const text = await readPackText(file);
  return setFromPack(parseJsonPack(text, file, { sha256: sha256Hex, requireSha256: true, labelWithName: true, sealed: opts.checkShape !== true }));
}

/**
 * One `--ioc` file: a JSON pack if its first non-blank character is `{`, otherwise a
 * `type,value,description` CSV. Indicators carry the path as their pack.
 */
export async function loadIocFile(path: string): Promise<{ hashes: HashIndicator[]; network: NetworkIndicator[]; versions: VersionRule[] }> {
  const text = await readPackText(path);
  return parseIocText(text, path);
}

/** The pure half of loadIocFile, for callers that already hold the text. */
export function parseIocText(text: string, path: string): { hashes: HashIndicator[]; network: NetworkIndicator[]; versions: VersionRule[] } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trimStart().startsWith('{')) {
    const { index } = parseJsonPack(body, path, { sha256: sha256Hex, label: path });
    return { hashes: [...index.hashes.values()].flat(), network: index.network, versions: index.versions };
  }
  return { ...parseCsvPack(body, path), versions: [] };
}

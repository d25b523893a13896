/**
 * Reads a JSON pack (the built-in bundle or a user `--ioc` JSON file) from its text: parse, check
 * the shape with zod, check every value's syntax, verify the content hash, and index it while
 * refusing contradictions. Every failure is an IocFormatError naming the file, the JSON path and,
 * when it can be found, the line. Pure: the sha256 function is handed in by the loader.
 */
import { canonicalJson } from './canonical.js';
import { formatJsonPath, lineAt, lineOfJsonPath, type JsonPath } from './json-locate.js';
import { ConflictError, IndicatorIndex } from './merge.js';
import { checkDomain, checkHash, checkUrl, type Checked } from './normalize.js';
import { packSchemas, type PackFile } from './schema.js';
import { IocFormatError } from './types.js';

export interface JsonPackOptions {
  /** The `pack` label stored on each indicator: the bundle name, or the file path for `--ioc`. */
  label?: string;
  /** Use the pack's own `name` as the label (the built-in bundle). */
  labelWithName?: boolean;
  /** sha256 of a string (UTF-8), hex. When given, a `sha256` field present in the pack is verified. */
  sha256?: (text: string) => string;
  /** The built-in bundle must carry its sha256; an extra pack may leave it out. */
  requireSha256?: boolean;
  /**
   * The pack was written by build-bundle, whose `--check` (run by every build) proves its shape
   * and that it is already in the schema's output form (defaults written out). When its content
   * hash matches, it is unchanged since, so the shape check — and loading zod — is skipped; a
   * pack whose hash does not match goes the whole way and fails exactly as it always did.
   */
  sealed?: boolean;
}

export interface ParsedPack {
  pack: PackFile;
  index: IndicatorIndex;
  label: string;
}

export function parseJsonPack(text: string, file: string, opts: JsonPackOptions = {}): ParsedPack {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    throw new IocFormatError(file, pos ? lineAt(body, Number(pos[1])) : null, `not valid JSON: ${msg}`);
  }
  const fail = (path: JsonPath, detail: string): never => {
    throw new IocFormatError(file, lineOfJsonPath(body, path), detail, formatJsonPath(path));
  };
  const pack = (opts.sealed === true && opts.sha256 !== undefined ? unchangedSinceBuild(raw, opts.sha256) : null) ?? shapeChecked(raw, fail);
  if (pack.sha256 === undefined && opts.requireSha256 === true) fail(['sha256'], 'missing (regenerate the bundle)');
  if (pack.sha256 !== undefined && opts.sha256 !== undefined) {
    const actual = opts.sha256(canonicalJson(raw as object));
    if (actual !== pack.sha256) {
      fail(['sha256'], `content hash is ${actual} but the pack says ${pack.sha256} (edited by hand? regenerate it)`);
    }
  }
  const label = opts.label ?? (opts.labelWithName === true ? pack.name : file);
  return { pack, index: indexPack(pack, label, fail), label };
}

function shapeChecked(raw: unknown, fail: (path: JsonPath, detail: string) => never): PackFile {
  const shaped = packSchemas().packSchema.safeParse(raw);
  if (shaped.success) return shaped.data;
  const issue = shaped.error.issues[0];
  const path = (issue?.path ?? []).filter((p): p is string | number => typeof p !== 'symbol');
  return fail(path, issue?.message ?? 'does not match the pack schema');
}

/** `raw` itself when it carries a sha256 equal to its content hash, else null. */
function unchangedSinceBuild(raw: unknown, sha256: (text: string) => string): PackFile | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const stated = (raw as { sha256?: unknown }).sha256;
  return typeof stated === 'string' && sha256(canonicalJson(raw)) === stated ? (raw as PackFile) : null;
}

/**
 * Whether a pack's text is already in the schema's output form: the checked pack equals what was
 * read, field by field and in order (no default filled in, no key moved). build-bundle `--check`
 * insists on it for the built-in bundle, which is then read without the shape check.
 */
export function inOutputForm(text: string): boolean {
  const raw = JSON.parse(text) as unknown;
  const shaped = packSchemas().packSchema.safeParse(raw);
  if (!shaped.success || raw === null || typeof raw !== 'object') return false;
  const a = shaped.data as Record<string, unknown>;
  const b = raw as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

function indexPack(pack: PackFile, label: string, fail: (path: JsonPath, detail: string) => never): IndicatorIndex {
  const index = new IndicatorIndex();
  const value = (path: JsonPath, c: Checked): string => (c.ok ? c.value : fail(path, c.message));
  const guarded = (path: JsonPath, add: () => void): void => {
    try {
      add();
    } catch (e) {
      if (e instanceof ConflictError) fail(path, e.message);
      throw e;
    }
  };
  const at = { pack: label };
  pack.doNotFlag.forEach((r, i) => {
    const host = value(['doNotFlag', i, 'host'], checkDomain(r.host, true));
    guarded(['doNotFlag', i], () => index.addDoNotFlag({ ...r, host }, at));
  });
  pack.cleanReferences.forEach((r, i) => {
    const v = value(['cleanReferences', i, 'value'], checkHash(r.algorithm, r.value, true));
    guarded(['cleanReferences', i], () => index.addCleanReference({ ...r, value: v }, at));
  });
  pack.cdhashes.forEach((r, i) => {
    const v = value(['cdhashes', i, 'value'], checkHash('cdhash', r.value, true));
    guarded(['cdhashes', i], () => index.addCdHash({ ...r, value: v, pack: label }, at));
  });
  pack.hashes.forEach((r, i) => {
    const v = value(['hashes', i, 'value'], checkHash(r.algorithm, r.value, true));
    guarded(['hashes', i], () => index.addHash({ ...r, value: v, pack: label }, at));
  });
  pack.network.forEach((r, i) => {
    const check = r.kind === 'domain' ? checkDomain(r.value, true) : checkUrl(r.value, true);
    const v = value(['network', i, 'value'], check);
    guarded(['network', i], () => index.addNetwork({ ...r, value: v, pack: label }, at));
  });
  pack.versions.forEach((r, i) => {
    guarded(['versions', i], () => index.addVersion({ ...r }, at));
  });
  return index;
}

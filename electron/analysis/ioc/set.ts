/**
 * Building an IocSet from a parsed bundle, merging `--ioc` packs into it, and the two lookups
 * that need no text search: file digests and product versions. Pure: no node:*.
 */
import { ConflictError, IndicatorIndex } from './merge.js';
import type { ParsedPack } from './pack.js';
import {
  IocFormatError,
  type ExtraPack,
  type HashAlgorithm,
  type HashIndicator,
  type IocSet,
  type Platform,
  type VersionRule,
} from './types.js';

export function setFromPack(parsed: ParsedPack): IocSet {
  const { pack, index } = parsed;
  return {
    name: pack.name,
    version: pack.version,
    sha256: pack.sha256 ?? '',
    extra: [],
    hashes: index.hashes,
    network: index.network,
    versions: index.versions,
    cdhashes: index.cdhashes,
    cleanReferences: index.cleanReferences,
    doNotFlag: index.doNotFlag,
  };
}

/** A new set: the base plus each extra pack, in order. Contradictions are IocFormatErrors naming the extra file. */
export function withExtras(base: IocSet, extras: ExtraPack[]): IocSet {
  const index = new IndicatorIndex();
  const at = { pack: base.name };
  for (const r of base.doNotFlag ?? []) index.addDoNotFlag(r, at);
  for (const r of base.cleanReferences ?? []) index.addCleanReference(r, at);
  for (const r of base.cdhashes ?? []) index.addCdHash(r, at);
  for (const list of base.hashes.values()) for (const h of list) index.addHash(h, at);
  for (const n of base.network) index.addNetwork(n, at);
  for (const v of base.versions) index.addVersion(v, at);
  for (const extra of extras) {
    const guarded = (line: number | undefined, add: () => void): void => {
      try {
        add();
      } catch (e) {
        if (e instanceof ConflictError) throw new IocFormatError(extra.path, line ?? null, e.message);
        throw e;
      }
    };
    for (const h of extra.hashes) guarded(h.line, () => index.addHash(h, { pack: extra.path, line: h.line }));
    for (const n of extra.network) guarded(n.line, () => index.addNetwork(n, { pack: extra.path, line: n.line }));
    for (const v of extra.versions ?? []) guarded(undefined, () => index.addVersion(v, { pack: extra.path }));
  }
  return {
    name: base.name,
    version: base.version,
    sha256: base.sha256,
    extra: [...base.extra, ...extras.map((e) => e.path)],
    hashes: index.hashes,
    network: index.network,
    versions: index.versions,
    cdhashes: index.cdhashes,
    cleanReferences: index.cleanReferences,
    doNotFlag: index.doNotFlag,
  };
}

const ALGORITHMS: readonly HashAlgorithm[] = ['sha256', 'sha1', 'md5'];

/** Indicators whose digest equals one of the given digests (case-insensitive), strongest algorithm first. */
export function matchHashes(set: IocSet, digests: { md5?: string; sha1?: string; sha256?: string }): HashIndicator[] {
  const out: HashIndicator[] = [];
  for (const algorithm of ALGORITHMS) {
    const d = digests[algorithm];
    if (typeof d !== 'string') continue;
    const list = set.hashes.get(d.trim().toLowerCase());
    if (list !== undefined) for (const h of list) if (h.algorithm === algorithm) out.push(h);
  }
  return out;
}

/**
 * `18.12.416.0`, ` v18.12.416 ` → `18.12.416`: the first three numeric components, leading zeros
 * dropped. 3CX's Windows FileVersion carries a fourth component; the published lists use three.
 */
export function normalizeVersion(version: string | null): string | null {
  if (version === null) return null;
  const m = /^\s*v?(\d{1,9})\.(\d{1,9})\.(\d{1,9})(?:\.\d{1,9})?(?![\d.])/i.exec(version);
  if (m === null) return null;
  return [m[1], m[2], m[3]].map((x) => String(Number(x))).join('.');
}

/** Status of a product version on one platform; the same string can differ between platforms. */
export function versionStatus(
  set: IocSet,
  platform: Platform,
  version: string | null,
): { status: VersionRule['status'] | 'unknown'; normalized: string | null; rule: VersionRule | null } {
  const normalized = normalizeVersion(version);
  if (normalized === null) return { status: 'unknown', normalized: null, rule: null };
  const rule = set.versions.find((r) => r.platform === platform && r.version === normalized) ?? null;
  return { status: rule?.status ?? 'unknown', normalized, rule };
}

/**
 * Turns the research bundle (shared/research/3cx-iocs.json) into the app's pack format: one entry
 * per hash value (a row's SHA-256/SHA-1/MD5 become three entries sharing its metadata), CDHashes
 * kept apart, one entry per domain and per URL keeping the role, the version table derived from
 * the product rows, and the do-not-flag list from assets/ioc/do-not-flag.json. Every value is
 * checked as the loader checks it; contradictions stop the build. Pure: sha256 is handed in.
 */
import type { z as Zod } from 'zod';
import { canonicalJson } from './canonical.js';
import { formatJsonPath, lineOfJsonPath, type JsonPath } from './json-locate.js';
import { ConflictError, IndicatorIndex } from './merge.js';
import { checkDomain, checkHash, checkUrl, refang, show, type Checked } from './normalize.js';
import { PACK_SCHEMA_ID, packSchemas, zod, type PackInput } from './schema.js';
import { IocFormatError, type HashAlgorithm, type VersionStatus } from './types.js';

// The same zod instance as the pack schema (schema.ts), so the schemas compose.
const z = zod();
const { doNotFlagEntry } = packSchemas();

export const BUNDLE_NAME = '3CX 2023 built-in';

const str = z.string();
const hashRow = z.strictObject({
  sha256: str.nullable(),
  sha1: str.nullable(),
  md5: str.nullable(),
  cdhash: str.nullable().optional(),
  fileName: str.nullable(),
  platform: str,
  version: str.nullable(),
  stage: str,
  source: z.array(str).min(1),
  confidence: z.enum(['high', 'medium', 'low']),
  notes: str.nullable(),
});
const researchSchema = z.object({
  meta: z.object({ sources: z.record(str, str) }),
  products: z.array(
    z.strictObject({ platform: str, product: str, versions: z.array(str), status: str, notes: str, source: z.array(str).min(1) }),
  ),
  hashes: z.array(hashRow),
  cleanReferenceHashes: z.array(
    z.strictObject({ sha256: str, fileName: str.nullable(), platform: str, status: str, source: z.array(str).min(1), notes: str.nullable() }),
  ),
  network: z.array(
    z.strictObject({
      domain: str,
      urls: z.array(str),
      stage: str,
      role: z.enum(['malicious', 'benign-decoy', 'legitimate-service-abused', 'legitimate-site-compromised']),
      source: z.array(str).min(1),
      confidence: z.enum(['high', 'medium', 'low']),
      notes: str.nullable(),
      domainDefanged: str,
    }),
  ),
});
const doNotFlagFile = z.strictObject({ description: str.optional(), rules: z.array(doNotFlagEntry) });

export interface BuildInput {
  sourceText: string;
  sourceFile: string;
  doNotFlagText: string;
  doNotFlagFile: string;
  version: string;
  sha256: (text: string) => string;
}

/** Product status text → version status; rows naming no version (PWA, PBX) are skipped. */
function versionStatusOf(status: string): VersionStatus | null {
  if (/^compromised/i.test(status)) return 'trojanized';
  if (/^fixed/i.test(status)) return 'fixed';
  if (/clean/i.test(status)) return 'clean';
  return null;
}

export function buildBundle(input: BuildInput): PackInput & { sha256: string } {
  const { sourceText, sourceFile } = input;
  const fail = (text: string, file: string, path: JsonPath, detail: string): never => {
    throw new IocFormatError(file, lineOfJsonPath(text, path), detail, formatJsonPath(path));
  };
  const src = parseWith(researchSchema, sourceText, sourceFile, fail);
  const dnf = parseWith(doNotFlagFile, input.doNotFlagText, input.doNotFlagFile, fail);
  const at = { pack: BUNDLE_NAME };
  const index = new IndicatorIndex();
  const failSrc = (path: JsonPath, detail: string): never => fail(sourceText, sourceFile, path, detail);
  const value = (path: JsonPath, c: Checked): string => (c.ok ? c.value : failSrc(path, c.message));
  const guarded = (path: JsonPath, add: () => void): void => {
    try {
      add();
    } catch (e) {
      if (e instanceof ConflictError) failSrc(path, e.message);
      throw e;
    }
  };

  dnf.rules.forEach((r, i) => {
    const c = checkDomain(r.host, true);
    if (!c.ok) fail(input.doNotFlagText, input.doNotFlagFile, ['rules', i, 'host'], c.message);
    index.addDoNotFlag({ ...r }, at);
  });
  src.cleanReferenceHashes.forEach((r, i) => {
    const v = value(['cleanReferenceHashes', i, 'sha256'], checkHash('sha256', r.sha256));
    const ref = { algorithm: 'sha256' as const, value: v, fileName: r.fileName, platform: r.platform, status: r.status, sources: r.source, notes: r.notes };
    guarded(['cleanReferenceHashes', i], () => index.addCleanReference(ref, at));
  });
  src.hashes.forEach((r, i) => {
    const meta = { fileName: r.fileName, platform: r.platform, version: r.version, stage: r.stage, confidence: r.confidence, sources: r.source, notes: r.notes, pack: BUNDLE_NAME };
    let found = 0;
    for (const algorithm of ['sha256', 'sha1', 'md5'] as HashAlgorithm[]) {
      const raw = r[algorithm];
      if (raw === null) continue;
      found++;
      const v = value(['hashes', i, algorithm], checkHash(algorithm, raw));
      guarded(['hashes', i, algorithm], () => index.addHash({ algorithm, value: v, ...meta }, at));
    }
    if (typeof r.cdhash === 'string') {
      found++;
      const v = value(['hashes', i, 'cdhash'], checkHash('cdhash', r.cdhash));
      guarded(['hashes', i, 'cdhash'], () => index.addCdHash({ value: v, ...meta }, at));
    }
    if (found === 0) failSrc(['hashes', i], 'row has no sha256, sha1, md5 or cdhash');
  });
  src.network.forEach((r, i) => {
    const domain = value(['network', i, 'domain'], checkDomain(r.domain, true));
    if (refang(r.domainDefanged).toLowerCase() !== domain) {
      failSrc(['network', i, 'domainDefanged'], `${show(r.domainDefanged)} does not refang to the domain ${show(domain)}`);
    }
    const meta = { role: r.role, stage: r.stage, confidence: r.confidence, sources: r.source, notes: r.notes, pack: BUNDLE_NAME };
    guarded(['network', i], () => index.addNetwork({ kind: 'domain', value: domain, ...meta }, at));
    r.urls.forEach((u, j) => {
      const url = value(['network', i, 'urls', j], checkUrl(u, true));
      guarded(['network', i, 'urls', j], () => index.addNetwork({ kind: 'url', value: url, ...meta }, at));
    });
  });
  src.products.forEach((p, i) => {
    if (p.versions.length === 0) return;
    const status = versionStatusOf(p.status);
    if (status === null || (p.platform !== 'windows' && p.platform !== 'macos')) {
      failSrc(['products', i], `cannot map product status ${show(p.status)} on ${show(p.platform)} to a version rule`);
    }
    const notes = [`${p.product}: ${p.status}.`, p.notes].filter((s) => s !== '').join(' ');
    p.versions.forEach((v, j) => {
      if (!/^\d+\.\d+\.\d+$/.test(v)) failSrc(['products', i, 'versions', j], `version ${show(v)} is not three numeric components`);
      const rule = { platform: p.platform as 'windows' | 'macos', version: v, status: status as VersionStatus, sources: p.source, notes };
      guarded(['products', i, 'versions', j], () => index.addVersion(rule, at));
    });
  });

  const strip = <T extends { pack?: string; line?: number }>(o: T): Omit<T, 'pack' | 'line'> => {
    const { pack: _p, line: _l, ...rest } = o;
    return rest;
  };
  const bundle: PackInput = {
    schema: PACK_SCHEMA_ID,
    name: BUNDLE_NAME,
    version: input.version,
    generatedFrom: { file: sourceFile.replace(/^.*[\\/]/, ''), sha256: input.sha256(sourceText) },
    sourceCatalog: src.meta.sources,
    versions: index.versions,
    hashes: [...index.hashes.values()].flat().map(strip),
    cdhashes: index.cdhashes.map(strip),
    network: index.network.map((n) => ({ kind: n.kind, value: n.value, role: n.role, stage: n.stage, confidence: n.confidence, sources: n.sources, notes: n.notes ?? null })),
    cleanReferences: index.cleanReferences,
    doNotFlag: index.doNotFlag,
  };
  // sha256 right after the identity fields, so a reader sees name, version and hash together
  const sha256 = input.sha256(canonicalJson(bundle));
  const { schema, name, version, ...rest } = bundle;
  return { schema, name, version, sha256, ...rest };
}

function parseWith<T>(schema: Zod.ZodType<T>, text: string, file: string, fail: (t: string, f: string, p: JsonPath, d: string) => never): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new IocFormatError(file, null, `not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = (issue?.path ?? []).filter((p): p is string | number => typeof p !== 'symbol');
  return fail(text, file, path, issue?.message ?? 'unexpected shape');
}

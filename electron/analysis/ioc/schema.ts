/**
 * The JSON pack schema shared by assets/ioc/3cx-builtin.json and user `--ioc` JSON packs
 * (described in SPEC.md). zod checks shape and types; value syntax (hex length, hostnames,
 * URLs) is checked afterwards by normalize.ts so its messages name the value. Pure.
 *
 * zod (about a hundred modules) is loaded on first use, not at start-up: a scan with only the
 * built-in bundle never needs it (pack.ts). Its CommonJS build is used so that the synchronous
 * pack parser can load it where it is needed.
 */
import { createRequire } from 'node:module';
import type { z as Zod } from 'zod';

let loaded: typeof Zod | null = null;

/** The zod namespace, loaded once. */
export function zod(): typeof Zod {
  return (loaded ??= (createRequire(import.meta.url)('zod') as { z: typeof Zod }).z);
}

export const PACK_SCHEMA_ID = '3cx-triage/ioc-pack@1';
const MAX_ENTRIES = 1_000_000;

function build(z: typeof Zod) {
  const text = z.string().min(1).max(4096);
  const sources = z.array(text).min(1).max(256);
  const confidence = z.enum(['high', 'medium', 'low']);
  const algorithm = z.enum(['md5', 'sha1', 'sha256']);

  const hashEntry = z.strictObject({
    algorithm,
    value: z.string(),
    fileName: text.nullable().default(null),
    platform: text.default('any'),
    version: text.nullable().default(null),
    stage: text.default('user-supplied'),
    confidence: confidence.default('medium'),
    sources,
    notes: z.string().max(8192).nullable().default(null),
  });

  const networkEntry = z.strictObject({
    kind: z.enum(['domain', 'url']),
    value: z.string(),
    role: z.enum(['malicious', 'benign-decoy', 'legitimate-service-abused', 'legitimate-site-compromised']),
    stage: text.default('user-supplied'),
    confidence: confidence.default('medium'),
    sources,
    notes: z.string().max(8192).nullable().default(null),
  });

  const versionEntry = z.strictObject({
    platform: z.enum(['windows', 'macos']),
    version: z.string().regex(/^\d{1,9}\.\d{1,9}\.\d{1,9}$/, 'version must be three numeric components, e.g. 18.12.416'),
    status: z.enum(['trojanized', 'clean', 'fixed']),
    sources,
    notes: z.string().max(8192).default(''),
  });

  const cdhashEntry = z.strictObject({
    value: z.string(),
    fileName: text.nullable().default(null),
    platform: text.default('macos'),
    version: text.nullable().default(null),
    stage: text,
    confidence: confidence.default('medium'),
    sources,
    notes: z.string().max(8192).nullable().default(null),
  });

  const cleanReferenceEntry = z.strictObject({
    algorithm,
    value: z.string(),
    fileName: text.nullable().default(null),
    platform: text.default('any'),
    status: text,
    sources,
    notes: z.string().max(8192).nullable().default(null),
  });

  const doNotFlagEntry = z.strictObject({
    host: z.string(),
    appliesTo: z.enum(['domain', 'domain-and-url']),
    reason: text,
    sources,
  });

    const packSchema = z.strictObject({
    schema: z.literal(PACK_SCHEMA_ID),
    name: text,
    version: text,
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits').optional(),
    generatedFrom: z.strictObject({ file: text, sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
    sourceCatalog: z.record(z.string(), text).optional(),
    hashes: z.array(hashEntry).max(MAX_ENTRIES).default([]),
    network: z.array(networkEntry).max(MAX_ENTRIES).default([]),
    versions: z.array(versionEntry).max(MAX_ENTRIES).default([]),
    cdhashes: z.array(cdhashEntry).max(MAX_ENTRIES).default([]),
    cleanReferences: z.array(cleanReferenceEntry).max(MAX_ENTRIES).default([]),
    doNotFlag: z.array(doNotFlagEntry).max(MAX_ENTRIES).default([]),
  });
  return { hashEntry, networkEntry, versionEntry, cdhashEntry, cleanReferenceEntry, doNotFlagEntry, packSchema };
}

export type PackSchemas = ReturnType<typeof build>;
let built: PackSchemas | null = null;

/** The pack schemas, built on first use. */
export function packSchemas(): PackSchemas {
  return (built ??= build(zod()));
}

export type PackFile = Zod.output<PackSchemas['packSchema']>;
/** What a writer must provide (defaults filled in on read). */
export type PackInput = Zod.input<PackSchemas['packSchema']>;

/**
 * The in-memory shape of the indicator set the scan matches against: the built-in 3CX bundle
 * (assets/ioc/3cx-builtin.json) plus any `--ioc` packs. Pure types and the pack error; no node:*.
 */

export type Confidence = 'high' | 'medium' | 'low';
export type HashAlgorithm = 'md5' | 'sha1' | 'sha256';
export type NetworkRole = 'malicious' | 'benign-decoy' | 'legitimate-service-abused' | 'legitimate-site-compromised';
export type Platform = 'windows' | 'macos';
export type VersionStatus = 'trojanized' | 'clean' | 'fixed';

export const HEX_LENGTH: Readonly<Record<HashAlgorithm, number>> = { md5: 32, sha1: 40, sha256: 64 };

export interface HashIndicator {
  algorithm: HashAlgorithm;
  /** Lowercase hex digest of the whole file. */
  value: string;
  fileName: string | null;
  platform: string;
  version: string | null;
  stage: string;
  confidence: Confidence;
  sources: string[];
  notes: string | null;
  /** Bundle name or `--ioc` file path. */
  pack: string;
  /** 1-based line in a CSV pack, so a hit can cite `pack.csv:7`. */
  line?: number;
}

export interface NetworkIndicator {
  kind: 'domain' | 'url';
  /** Lowercase refanged hostname, or a refanged URL whose scheme and host are lowercase. */
  value: string;
  role: NetworkRole;
  stage: string;
  confidence: Confidence;
  sources: string[];
  pack: string;
  notes?: string | null;
  line?: number;
}

/** A Mach-O code-directory hash: NOT a file digest, so it never goes through matchHashes. */
export interface CdHashIndicator {
  value: string;
  fileName: string | null;
  platform: string;
  version: string | null;
  stage: string;
  confidence: Confidence;
  sources: string[];
  notes: string | null;
  pack: string;
}

/** A published hash of a legitimate file that is easily mistaken for an indicator. */
export interface CleanReference {
  algorithm: HashAlgorithm;
  value: string;
  fileName: string | null;
  platform: string;
  status: string;
  sources: string[];
  notes: string | null;
}

/** A host that must never be listed as a malicious domain (legitimate, or a known mistranscription). */
export interface DoNotFlagRule {
  /** Covers the host and its subdomains. */
  host: string;
  /** 'domain': only a malicious *domain* entry is refused (a URL path on it may be an indicator). */
  appliesTo: 'domain' | 'domain-and-url';
  reason: string;
  sources: string[];
}

export interface VersionRule {
  platform: Platform;
  version: string;
  status: VersionStatus;
  sources: string[];
  notes: string;
}

export interface IocSet {
  name: string;
  version: string;
  sha256: string;
  /** Paths of the `--ioc` packs merged in, in order. */
  extra: string[];
  /** Keyed by lowercase hex value; one entry per pack that lists it. */
  hashes: Map<string, HashIndicator[]>;
  network: NetworkIndicator[];
  versions: VersionRule[];
  /** Added to the brief's shape (optional so hand-built sets in tests stay valid): */
  cdhashes?: CdHashIndicator[];
  cleanReferences?: CleanReference[];
  doNotFlag?: DoNotFlagRule[];
}

/** What one `--ioc` file contributes. */
export interface ExtraPack {
  path: string;
  hashes: HashIndicator[];
  network: NetworkIndicator[];
  versions?: VersionRule[];
}

/** A malformed indicator pack: names the file, the 1-based line when known, and the bad value. */
export class IocFormatError extends Error {
  readonly file: string;
  readonly line: number | null;
  /** JSON path (`$.hashes[3].value`) for JSON packs, when known. */
  readonly jsonPath: string | null;
  readonly detail: string;

  constructor(file: string, line: number | null, detail: string, jsonPath: string | null = null) {
    const where = line === null ? file : `${file}:${line}`;
    super(jsonPath === null ? `${where}: ${detail}` : `${where}: ${jsonPath}: ${detail}`);
    this.name = 'IocFormatError';
    this.file = file;
    this.line = line;
    this.jsonPath = jsonPath;
    this.detail = detail;
  }
}

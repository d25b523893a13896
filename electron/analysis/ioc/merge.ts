/**
 * Accumulates indicators from one or more packs and refuses contradictions: one hex value under
 * two algorithms (or as both an indicator and a known-good file), one domain/URL with two roles,
 * one version with two statuses, or a malicious host on the do-not-flag list. Identical entries
 * from the same pack merge their sources. Pure: no node:*.
 */
import { hostWithin, urlHost } from './normalize.js';
import type {
  CdHashIndicator,
  CleanReference,
  DoNotFlagRule,
  HashIndicator,
  NetworkIndicator,
  VersionRule,
} from './types.js';

/** Where a rejected entry came from; the caller turns it into an IocFormatError. */
export interface Origin {
  pack: string;
  line?: number | undefined;
  jsonPath?: string | undefined;
}

export class ConflictError extends Error {
  constructor(readonly origin: Origin, detail: string) {
    super(detail);
    this.name = 'ConflictError';
  }
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

export class IndicatorIndex {
  readonly hashes = new Map<string, HashIndicator[]>();
  readonly network: NetworkIndicator[] = [];
  readonly versions: VersionRule[] = [];
  readonly cdhashes: CdHashIndicator[] = [];
  readonly cleanReferences: CleanReference[] = [];
  readonly doNotFlag: DoNotFlagRule[] = [];
  private readonly networkByKey = new Map<string, NetworkIndicator[]>();
  private readonly cleanByValue = new Map<string, CleanReference>();
  private readonly cdByValue = new Map<string, CdHashIndicator>();

  addDoNotFlag(input: DoNotFlagRule, at: Origin): void {
    const rule = { ...input, sources: [...input.sources] };
    for (const n of this.network) this.checkAllowed(n, at, [rule]);
    if (!this.doNotFlag.some((r) => r.host === rule.host)) this.doNotFlag.push(rule);
  }

  addCleanReference(input: CleanReference, at: Origin): void {
    const ref = { ...input, sources: [...input.sources] };
    if (this.hashes.has(ref.value) || this.cdByValue.has(ref.value)) {
      throw new ConflictError(at, `${ref.algorithm} ${ref.value} is listed both as an indicator and as a known-good file`);
    }
    const seen = this.cleanByValue.get(ref.value);
    if (seen !== undefined) {
      if (seen.algorithm !== ref.algorithm) {
        throw new ConflictError(at, `${ref.value} is listed as ${seen.algorithm} and as ${ref.algorithm}`);
      }
      seen.sources = union(seen.sources, ref.sources);
      return;
    }
    this.cleanByValue.set(ref.value, ref);
    this.cleanReferences.push(ref);
  }

  addCdHash(input: CdHashIndicator, at: Origin): void {
    const cd = { ...input, sources: [...input.sources] };
    if (this.hashes.has(cd.value) || this.cleanByValue.has(cd.value)) {
      throw new ConflictError(at, `cdhash ${cd.value} is also listed as a file hash (a CDHash is not a file digest)`);
    }
    const seen = this.cdByValue.get(cd.value);
    if (seen !== undefined && seen.pack === cd.pack) {
      seen.sources = union(seen.sources, cd.sources);
      return;
    }
    this.cdByValue.set(cd.value, cd);
    this.cdhashes.push(cd);
  }

  addHash(input: HashIndicator, at: Origin): void {
    const h = { ...input, sources: [...input.sources] };
    if (this.cleanByValue.has(h.value)) {
      throw new ConflictError(at, `${h.algorithm} ${h.value} is listed both as an indicator and as a known-good file`);
    }
    if (this.cdByValue.has(h.value)) {
      throw new ConflictError(at, `${h.algorithm} ${h.value} is also listed as a cdhash (a CDHash is not a file digest)`);
    }
    const list = this.hashes.get(h.value);
    if (list === undefined) {
      this.hashes.set(h.value, [h]);
      return;
    }
    const other = list.find((x) => x.algorithm !== h.algorithm);
    if (other !== undefined) {
      throw new ConflictError(at, `${h.value} is listed as ${other.algorithm} (${other.pack}) and as ${h.algorithm}`);
    }
    const same = list.find((x) => x.pack === h.pack);
    if (same !== undefined) {
      same.sources = union(same.sources, h.sources);
      return;
    }
    list.push(h);
  }

  addNetwork(input: NetworkIndicator, at: Origin): void {
    const n = { ...input, sources: [...input.sources] };
    this.checkAllowed(n, at, this.doNotFlag);
    const key = `${n.kind} ${n.value}`;
    const list = this.networkByKey.get(key);
    if (list === undefined) {
      this.networkByKey.set(key, [n]);
      this.network.push(n);
      return;
    }
    const other = list.find((x) => x.role !== n.role);
    if (other !== undefined) {
      throw new ConflictError(at, `${n.kind} ${n.value} is listed as ${other.role} (${other.pack}) and as ${n.role}`);
    }
    const same = list.find((x) => x.pack === n.pack);
    if (same !== undefined) {
      same.sources = union(same.sources, n.sources);
      return;
    }
    list.push(n);
    this.network.push(n);
  }

  addVersion(input: VersionRule, at: Origin): void {
    const v = { ...input, sources: [...input.sources] };
    const seen = this.versions.find((x) => x.platform === v.platform && x.version === v.version);
    if (seen === undefined) {
      this.versions.push(v);
      return;
    }
    if (seen.status !== v.status) {
      throw new ConflictError(at, `${v.platform} ${v.version} is listed as ${seen.status} and as ${v.status}`);
    }
    seen.sources = union(seen.sources, v.sources);
  }

  /** A malicious domain or URL may not sit on a host the sources say is legitimate or mistyped. */
  private checkAllowed(n: NetworkIndicator, at: Origin, rules: DoNotFlagRule[]): void {
    if (n.role !== 'malicious') return;
    const host = n.kind === 'domain' ? n.value : urlHost(n.value);
    for (const r of rules) {
      if (n.kind === 'url' && r.appliesTo === 'domain') continue;
      if (hostWithin(host, r.host)) {
        throw new ConflictError(at, `malicious ${n.kind} ${JSON.stringify(n.value)} is on the do-not-flag list (${r.host}: ${r.reason})`);
      }
    }
  }
}

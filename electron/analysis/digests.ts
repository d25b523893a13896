/** File digests as analysis sees them (filled by the engine's hash pool), keyed by evidence and path. */
import type { EvidenceRef } from '../common/evidence-ref.js';

export interface Digest {
  size: number;
  md5?: string;
  sha1?: string;
  sha256?: string;
  /** SHA-1 of the first 31,457,280 bytes, what Amcache records for larger files. */
  prefix30MiBSha1?: string;
  error?: string;
}

export type DigestMap = ReadonlyMap<string, Digest>;

/**
 * Keyed by the whole layer chain, not just evidence and path: a host's shadow copies and a KAPE
 * `VSS<n>` folder hold files at the same paths as the live volume, and each copy has its own bytes.
 */
export const digestKey = (ref: Pick<EvidenceRef, 'evidenceId' | 'path' | 'chain'>): string =>
  `${ref.evidenceId}:${ref.chain.map((l) => `${l.kind}=${l.locator}`).join('|')}:${ref.path}`;

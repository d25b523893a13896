/** File digests as analysis sees them (filled by the engine's hash pool), keyed by evidence and path. */
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

export const digestKey = (evidenceId: string, path: string): string => `${evidenceId}:${path}`;

/** File digests as analysis sees them (filled by the engine's hash pool), keyed by evidence and path. */
export interface Digest {
  size: number;
  md5?: string;
  sha1?: string;
  sha256?: string;
  error?: string;
}

export type DigestMap = ReadonlyMap<string, Digest>;

export const digestKey = (evidenceId: string, path: string): string => `${evidenceId}:${path}`;

/**
 * Windows FILETIME (100 ns ticks since 1601-01-01 UTC) → ISO 8601 UTC with milliseconds. One
 * conversion for the registry, ShimCache and Prefetch. Null for 0 and for anything outside years
 * 0001–9999 (see iso-time.ts).
 */
import { isoFromMs } from './iso-time.js';

const EPOCH_DIFF_MS = 11_644_473_600_000;

export function filetimeToIso(ft: bigint): string | null {
  if (ft <= 0n) return null;
  return isoFromMs(Number(ft / 10_000n) - EPOCH_DIFF_MS);
}

/** Windows FILETIME helpers shared by the SCCA sections. */
const FILETIME_UNIX_EPOCH = 116444736000000000n;

/** FILETIME (100 ns since 1601-01-01 UTC) to ISO 8601 with milliseconds; null for 0 or out of Date's range. */
export function filetimeToIso(ft: bigint): string | null {
  if (ft === 0n) return null;
  const ms = Number((ft - FILETIME_UNIX_EPOCH) / 10000n);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  return new Date(ms).toISOString();
}

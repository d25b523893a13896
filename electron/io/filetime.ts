/**
 * Windows FILETIME (100 ns ticks since 1601-01-01 UTC) → ISO 8601 UTC with milliseconds. One
 * conversion for the registry and ShimCache. Null for 0 and for anything outside years
 * 0001–9999, which a four-digit ISO year cannot state (a hostile value must not yield `+060056-…`).
 */
const EPOCH_DIFF_MS = 11_644_473_600_000;
const MIN_MS = -62_135_596_800_000; // 0001-01-01T00:00:00Z
const MAX_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

export function filetimeToIso(ft: bigint): string | null {
  if (ft <= 0n) return null;
  const ms = Number(ft / 10_000n) - EPOCH_DIFF_MS;
  return ms >= MIN_MS && ms <= MAX_MS ? new Date(ms).toISOString() : null;
}

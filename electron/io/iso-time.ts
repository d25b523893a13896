/**
 * Milliseconds since 1970 → ISO 8601 UTC, or null when a four-digit ISO year cannot state the
 * time (before 0001 or after 9999). Every time decoded from evidence goes through here: a
 * hostile timestamp must not become `+060056-…`, which the result schema and every timeline
 * tool downstream reject.
 */
const MIN_MS = -62_135_596_800_000; // 0001-01-01T00:00:00.000Z
const MAX_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

export function isoFromMs(ms: number): string | null {
  return Number.isFinite(ms) && ms >= MIN_MS && ms <= MAX_MS ? new Date(ms).toISOString() : null;
}

/** Seconds since 1970 (tar, UNIX times); 0 means "not recorded" in the formats that use it. */
export function isoFromUnixSeconds(secs: number): string | null {
  return secs === 0 ? null : isoFromMs(secs * 1000);
}

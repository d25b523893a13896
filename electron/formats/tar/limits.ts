export const TAR_LIMITS = {
  maxEntries: 2_000_000,
  /** A pax extended header or GNU long name/link larger than this is refused (real ones are tiny). */
  maxMetaBytes: 1024 * 1024,
  /** Decompressed .tar.gz kept in a private temp file; a bigger (or bomb) stream stops with an error. */
  gunzipMaxBytes: 64 * 1024 * 1024 * 1024,
} as const;

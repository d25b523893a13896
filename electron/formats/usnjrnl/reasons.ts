/**
 * The flag words of a USN record, decoded to the names Microsoft's winioctl.h gives them (without
 * the `USN_REASON_` / `USN_SOURCE_` prefix). Unknown bits are kept as hex so nothing is hidden.
 */

/** Reason bits: why the journal wrote the record (they accumulate until CLOSE). */
export const USN_REASON = {
  DATA_OVERWRITE: 0x0000_0001,
  DATA_EXTEND: 0x0000_0002,
  DATA_TRUNCATION: 0x0000_0004,
  NAMED_DATA_OVERWRITE: 0x0000_0010,
  NAMED_DATA_EXTEND: 0x0000_0020,
  NAMED_DATA_TRUNCATION: 0x0000_0040,
  FILE_CREATE: 0x0000_0100,
  FILE_DELETE: 0x0000_0200,
  EA_CHANGE: 0x0000_0400,
  SECURITY_CHANGE: 0x0000_0800,
  RENAME_OLD_NAME: 0x0000_1000,
  RENAME_NEW_NAME: 0x0000_2000,
  INDEXABLE_CHANGE: 0x0000_4000,
  BASIC_INFO_CHANGE: 0x0000_8000,
  HARD_LINK_CHANGE: 0x0001_0000,
  COMPRESSION_CHANGE: 0x0002_0000,
  ENCRYPTION_CHANGE: 0x0004_0000,
  OBJECT_ID_CHANGE: 0x0008_0000,
  REPARSE_POINT_CHANGE: 0x0010_0000,
  STREAM_CHANGE: 0x0020_0000,
  TRANSACTED_CHANGE: 0x0040_0000,
  INTEGRITY_CHANGE: 0x0080_0000,
  DESIRED_STORAGE_CLASS_CHANGE: 0x0100_0000,
  CLOSE: 0x8000_0000,
} as const;

export type UsnReasonName = keyof typeof USN_REASON;

/** Source bits: the change came from the system or a replicator, not from the file's user. */
export const USN_SOURCE = {
  DATA_MANAGEMENT: 0x1,
  AUXILIARY_DATA: 0x2,
  REPLICATION_MANAGEMENT: 0x4,
  CLIENT_REPLICATION_MANAGEMENT: 0x8,
} as const;

function decode(flags: number, table: Readonly<Record<string, number>>): string[] {
  const out: string[] = [];
  let known = 0;
  for (const [name, bit] of Object.entries(table)) {
    known |= bit;
    if ((flags & bit) >>> 0 !== 0) out.push(name);
  }
  const rest = (flags & ~known) >>> 0;
  if (rest !== 0) out.push(`0x${rest.toString(16).padStart(8, '0')}`);
  return out;
}

// A journal uses a few dozen distinct flag words: decode each once (bounded, hostile input can vary).
const reasonCache = new Map<number, readonly string[]>();

export function decodeReasons(flags: number): readonly string[] {
  const key = flags >>> 0;
  let hit = reasonCache.get(key);
  if (!hit) {
    hit = Object.freeze(decode(key, USN_REASON));
    if (reasonCache.size < 4096) reasonCache.set(key, hit);
  }
  return hit;
}

const NO_SOURCE: readonly string[] = Object.freeze([]);

export function decodeSources(flags: number): readonly string[] {
  return flags === 0 ? NO_SOURCE : decode(flags >>> 0, USN_SOURCE);
}

export function hasReason(flags: number, name: UsnReasonName): boolean {
  return ((flags >>> 0) & USN_REASON[name]) >>> 0 !== 0;
}

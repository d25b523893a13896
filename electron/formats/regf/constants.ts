/** Caps for every count, size and depth read from a hive (values from disk are never trusted). */
export const REGF_LIMITS = {
  /** Largest single cell accepted (hbins of old hives hold multi-MiB value cells). */
  maxCellBytes: 64 * 1024 * 1024,
  /** Largest value data assembled (big data included). */
  maxValueBytes: 64 * 1024 * 1024,
  /** Subkeys per key and values per key actually read. */
  maxSubkeys: 1_000_000,
  maxValues: 1_000_000,
  /** ri → lf/lh/li nesting: Windows uses one level; we allow a little slack. */
  maxListDepth: 8,
  /** Depth of a key path during a walk (cycles are also caught by a visited set). */
  maxKeyDepth: 512,
  /** Keys yielded by one walk (shared nk cells could otherwise fan out without end). */
  maxWalkKeys: 5_000_000,
  /** Total bytes of dirty pages kept in memory from transaction logs. */
  maxLogOverlayBytes: 512 * 1024 * 1024,
  maxLogEntries: 1_000_000,
  /** Block cache: 64 KiB windows, at most this many kept (16 MiB). */
  blockBytes: 64 * 1024,
  cacheBlocks: 256,
} as const;

export const BASE_BLOCK_SIZE = 4096;
/** Offsets in cells are relative to the first hbin, which starts after the base block. */
export const HBINS_START = 4096;
export const HBIN_ALIGN = 4096;
export const SECTOR = 512;
/** Value data above this many bytes is split into `db` segments (hive version 1.4+). */
export const BIG_DATA_SEGMENT = 16344;
/** Cell offsets meaning "none". */
export const NO_CELL = 0xffffffff;

export const VALUE_TYPES: Record<number, string> = {
  0: 'REG_NONE',
  1: 'REG_SZ',
  2: 'REG_EXPAND_SZ',
  3: 'REG_BINARY',
  4: 'REG_DWORD',
  5: 'REG_DWORD_BIG_ENDIAN',
  6: 'REG_LINK',
  7: 'REG_MULTI_SZ',
  8: 'REG_RESOURCE_LIST',
  9: 'REG_FULL_RESOURCE_DESCRIPTOR',
  10: 'REG_RESOURCE_REQUIREMENTS_LIST',
  11: 'REG_QWORD',
};

export function typeName(type: number): string {
  return VALUE_TYPES[type] ?? `0x${type.toString(16).padStart(8, '0')}`;
}

/** FILETIME → ISO UTC (io/filetime), under the name the registry code uses. */
export { filetimeToIso as filetimeIso } from '../../io/filetime.js';

/** One decoder for every UTF-16LE name and string (creating one per call dominated walk time). */
export const UTF16 = new TextDecoder('utf-16le');

/**
 * Assemble the in-memory database image sql.js needs: the main file read through a Reader in
 * bounded windows (after checking it against a cap), the WAL replayed over it, and two header
 * fields patched in the copy so the engine sees a self-contained rollback-mode file (SPEC.md §3).
 * The evidence is never modified: every byte lands in a buffer we own.
 */
import { ParseError } from '../../common/issues.js';
import type { Reader } from '../../io/reader.js';
import { HEADER_SIZE, parseSqliteHeader, type SqliteHeader } from './header.js';
import { applyWal, emptyWalSummary, type WalSummary } from './wal.js';

export const SQLITE_LIMITS = {
  /** Largest database (after WAL replay) copied into memory. */
  maxDbBytes: 256 * 1024 * 1024,
  /** Largest -wal file replayed. */
  maxWalBytes: 256 * 1024 * 1024,
  /** Read window while copying a file into memory. */
  readWindowBytes: 8 * 1024 * 1024,
} as const;

export interface LoadedImage {
  image: Uint8Array;
  header: SqliteHeader;
  wal: WalSummary;
  /** What was changed in our copy so the engine reads it (never in the evidence). */
  patches: string[];
}

/** Copy a Reader into a fresh buffer in bounded windows; refuses files over `cap`. */
export async function copyReader(r: Reader, cap: number, what: string): Promise<Uint8Array> {
  if (r.size > cap) throw new ParseError('limit-exceeded', { what: `${what} size`, need: r.size, have: cap });
  const out = new Uint8Array(r.size);
  let off = 0;
  while (off < r.size) {
    const chunk = await r.read(off, Math.min(SQLITE_LIMITS.readWindowBytes, r.size - off));
    if (chunk.length === 0) throw new ParseError('truncated', { what, offset: off, need: r.size - off, have: 0 });
    out.set(chunk, off);
    off += chunk.length;
  }
  return out;
}

/**
 * Build the image from raw bytes of the main file and (optionally) its WAL. A WAL that cannot be
 * decoded is left unapplied and says why in `wal.note`; a main file that is not a database throws.
 */
export function buildImage(main: Uint8Array, walBytes: Uint8Array | null, maxBytes: number = SQLITE_LIMITS.maxDbBytes): LoadedImage {
  let image = main;
  let wal = emptyWalSummary(0, walBytes === null ? 'no WAL file' : null);
  if (walBytes !== null) {
    try {
      const r = applyWal(main, walBytes, maxBytes);
      image = r.image;
      wal = r.summary;
    } catch (err) {
      wal = emptyWalSummary(walBytes.length, `WAL not applied: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (image.length < HEADER_SIZE) throw new ParseError('truncated', { what: 'sqlite database header', offset: 0, need: HEADER_SIZE, have: image.length });
  const header = parseSqliteHeader(image);
  const patches: string[] = [];
  if (image === main) image = main.slice();
  // 0x12/0x13 = 1: a WAL-mode header would make the engine look for (and create) -wal/-shm files
  // in its in-memory file system; the WAL is already folded in (or deliberately left out).
  if (image[0x12] !== 1 || image[0x13] !== 1) {
    patches.push(`header 0x12/0x13 ${image[0x12]}/${image[0x13]} → 1/1 (rollback mode)`);
    image[0x12] = 1;
    image[0x13] = 1;
  }
  // 0x1C: after replay the committed size can differ from the stale in-header size.
  if (wal.applied && wal.dbPages !== null && wal.dbPages !== header.pageCount) {
    patches.push(`header 0x1C page count ${header.pageCount} → ${wal.dbPages} (committed size from the WAL)`);
    new DataView(image.buffer, image.byteOffset, image.byteLength).setUint32(0x1c, wal.dbPages, false);
  }
  if (image.length % header.pageSize !== 0) patches.push(`file is ${image.length} bytes, not a whole number of ${header.pageSize}-byte pages (truncated copy?)`);
  return { image, header: parseSqliteHeader(image), wal, patches };
}

/** Read main file and WAL through their Readers (each under its cap) and build the image. */
export async function loadImage(main: Reader, walReader: Reader | null, caps: { maxDbBytes?: number; maxWalBytes?: number } = {}): Promise<LoadedImage> {
  const maxDb = caps.maxDbBytes ?? SQLITE_LIMITS.maxDbBytes;
  const mainBytes = await copyReader(main, maxDb, 'sqlite database');
  let walBytes: Uint8Array | null = null;
  let walRefused: string | null = null;
  if (walReader) {
    const maxWal = caps.maxWalBytes ?? SQLITE_LIMITS.maxWalBytes;
    if (walReader.size > maxWal) walRefused = `WAL not applied: ${walReader.size} bytes is over the ${maxWal}-byte cap`;
    else walBytes = await copyReader(walReader, maxWal, 'sqlite WAL');
  }
  const img = buildImage(mainBytes, walBytes, maxDb);
  return walRefused ? { ...img, wal: emptyWalSummary(walReader!.size, walRefused) } : img;
}

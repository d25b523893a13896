/**
 * The random-access byte source under every container, volume, file system and archive.
 * No position state and no write method: read-only by construction.
 */
export interface Reader {
  /** Size in bytes. */
  readonly size: number;
  /** Bytes at [offset, offset+length); short only at the end of the data, never past it. */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Clamp a request to the data; shared by every Reader so they all agree on edge cases. */
export function clampRange(size: number, offset: number, length: number): { start: number; length: number } {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new RangeError(`invalid read range offset=${offset} length=${length}`);
  }
  if (offset >= size) return { start: offset, length: 0 };
  return { start: offset, length: Math.min(length, size - offset) };
}

/** Read exactly `length` bytes or fewer only at end of data, in bounded windows. */
export async function readAll(reader: Reader, maxBytes: number): Promise<Uint8Array> {
  if (reader.size > maxBytes) {
    throw new RangeError(`refusing to read ${reader.size} bytes whole (cap ${maxBytes})`);
  }
  return reader.read(0, reader.size);
}

/** Stream a reader in chunks (for hashing and scanning); the callback sees each window once. */
export async function forEachChunk(
  reader: Reader,
  chunkBytes: number,
  onChunk: (chunk: Uint8Array, offset: number) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  for (let off = 0; off < reader.size; off += chunkBytes) {
    signal?.throwIfAborted();
    const chunk = await reader.read(off, Math.min(chunkBytes, reader.size - off));
    if (chunk.length === 0) break;
    await onChunk(chunk, off);
  }
}

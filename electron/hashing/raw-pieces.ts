/**
 * The pieces of a file on a raw disk image read straight from the image file into a buffer the
 * worker reuses: no fresh megabyte per window (which on a 3 GB run is most of a worker's garbage
 * and of the memory the C allocator never gives back), no reader layers per read. Blocking reads
 * are fine on a hash worker's own thread (as hashing/folder-sync.ts does for folders).
 */
import { readSync } from 'node:fs';
import type { Piece } from './stream-pieces.js';

const WINDOW = 1024 * 1024;
/** Shared zeros for sparse and uninitialized pieces (only ever read). */
const ZEROS = new Uint8Array(WINDOW);

/** Windows kept for reuse; a file holds one while it is read, so this covers a worker's lanes. */
const spare: Uint8Array[] = [];
const MAX_SPARE = 16;

/**
 * The bytes of `pieces` from the image open as `fd`, in windows valid until the next is asked for
 * (hashReader feeds each before asking). Throws when the image is shorter than a piece says: it
 * was checked against the image's size at open, so the image changed under us.
 */
export async function* rawPieces(fd: number, pieces: readonly Piece[]): AsyncGenerator<Uint8Array> {
  const buf = spare.pop() ?? new Uint8Array(WINDOW);
  try {
    for (const p of pieces) {
      if (p.disk === null) {
        yield* zeros(p.length);
        continue;
      }
      for (let pos = p.disk, left = p.length; left > 0; ) {
        const n = readSync(fd, buf, 0, Math.min(left, WINDOW), pos);
        if (n <= 0) throw new Error(`image ends at ${pos}, before the ${left} bytes of this file that lie there`);
        yield n === WINDOW ? buf : buf.subarray(0, n);
        pos += n;
        left -= n;
      }
    }
  } finally {
    if (spare.length < MAX_SPARE) spare.push(buf);
  }
}

/** Fills `dst` from the image open as `fd` at `at`, or throws where the image ends first. */
export function readFully(fd: number, dst: Uint8Array, at: number): void {
  for (let got = 0; got < dst.length; ) {
    const n = readSync(fd, dst, got, dst.length - got, at + got);
    if (n <= 0) throw new Error(`image ends at ${at + got}, before the ${dst.length - got} bytes that lie there`);
    got += n;
  }
}

export function* zeros(length: number): Generator<Uint8Array> {
  for (let left = length; left > 0; left -= WINDOW) yield left >= WINDOW ? ZEROS : ZEROS.subarray(0, left);
}

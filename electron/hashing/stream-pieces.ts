/**
 * An uncompressed NTFS stream as pieces of the disk beneath it, so a hash worker can read a big
 * file straight from the container in the container's own units (EWF chunks) instead of through
 * the stream → volume → partition → container reader stack, which copies every byte into a fresh
 * window on the way up.
 *
 * The mapping is AttrStreamReader's (formats/ntfs/stream.ts), piece for piece: VCNs no run maps
 * and sparse runs read as zeros, and so does everything from the initialized size on. A piece
 * past the end of the volume makes the whole mapping null: the ordinary reader then reports that
 * read failure exactly as it always does.
 */
import type { StreamLayout } from '../formats/ntfs/index.js';

/** `disk` null: the piece reads as zeros. */
export interface Piece {
  readonly disk: number | null;
  readonly length: number;
}

/** Most pieces one stream may give this way (a more fragmented file takes the ordinary reader). */
export const MAX_PIECES = 65_536;

/**
 * The pieces of bytes [0, layout.dataSize) in order, with disk offsets `volumeOffset` + volume
 * offset; null when the layout is not one this path reads (compressed, runs out of order or
 * overlapping, a piece outside the volume's `volumeSize` bytes, or too many pieces).
 */
export function streamPieces(layout: StreamLayout, volumeOffset: number, volumeSize: number): Piece[] | null {
  const { runs, dataSize, initializedSize, clusterSize: cs } = layout;
  if (layout.compressionUnit !== 0 || !Number.isSafeInteger(dataSize) || dataSize < 0 || !(cs > 0)) return null;
  // Runs out of order or overlapping (a damaged record) are left to AttrStreamReader's own walk.
  for (let k = 0; k < runs.length; k++) {
    const r = runs[k]!;
    if (!Number.isSafeInteger(r.vcn) || !Number.isSafeInteger(r.length) || r.vcn < 0 || r.length <= 0) return null;
    if (k > 0 && r.vcn < runs[k - 1]!.vcn + runs[k - 1]!.length) return null;
  }
  const init = Math.max(0, Math.min(initializedSize, dataSize));
  const out: Piece[] = [];
  const push = (disk: number | null, length: number): boolean => {
    if (length <= 0) return true;
    const last = out[out.length - 1];
    if (last && (last.disk === null ? disk === null : disk === last.disk + last.length)) {
      out[out.length - 1] = { disk: last.disk, length: last.length + length };
      return true;
    }
    out.push({ disk, length });
    return out.length <= MAX_PIECES;
  };
  // Mapped bytes: as AttrStreamReader.segments walks the runs from VCN 0 (runs sorted by VCN).
  let pos = 0;
  let i = 0;
  while (pos < init) {
    const vcn = Math.floor(pos / cs);
    while (i < runs.length && runs[i]!.vcn + runs[i]!.length <= vcn) i++;
    const run = runs[i];
    let end: number;
    let disk: number | null = null;
    if (!run || run.vcn > vcn) {
      end = run ? run.vcn * cs : init;
    } else {
      end = (run.vcn + run.length) * cs;
      if (run.lcn !== null) {
        const volumeAt = (run.lcn + (vcn - run.vcn)) * cs + (pos - vcn * cs);
        const len = Math.min(end, init) - pos;
        if (!Number.isSafeInteger(volumeAt) || volumeAt < 0 || volumeAt + len > volumeSize) return null;
        disk = volumeOffset + volumeAt;
      }
      i++;
    }
    end = Math.min(Math.max(end, pos + 1), init);
    if (!push(disk, end - pos)) return null;
    pos = end;
  }
  // From the initialized size on, zeros (AttrStreamReader zeroes them after reading).
  if (!push(null, dataSize - init)) return null;
  return out;
}

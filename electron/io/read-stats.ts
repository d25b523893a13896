/**
 * What this thread read from each evidence file (reads and bytes), so a scan can say how much of
 * an image it touched — a targeted scan of a 4 GiB disk reads its $MFT and a few files, not the
 * disk — and the examiner can put that in writing. Counted where the bytes leave the OS
 * (FileReader), so every container, volume and file system layer above is included once.
 */
export interface ReadStats {
  files: number;
  reads: number;
  bytes: number;
}

const byPath = new Map<string, { reads: number; bytes: number }>();

export function noteRead(path: string, bytes: number): void {
  const s = byPath.get(path);
  if (s) {
    s.reads++;
    s.bytes += bytes;
  } else byPath.set(path, { reads: 1, bytes });
}

/** Totals over the files `match` accepts. */
export function readStats(match: (path: string) => boolean): ReadStats {
  const out: ReadStats = { files: 0, reads: 0, bytes: 0 };
  for (const [path, s] of byPath) {
    if (!match(path)) continue;
    out.files++;
    out.reads += s.reads;
    out.bytes += s.bytes;
  }
  return out;
}

/**
 * The large-read path of BlockReader: blocks the read covers whole are decoded by the run decoder
 * straight into the result (no cache entry, no second copy); blocks it covers in part, blocks
 * already cached or loading, and blocks the run decoder leaves out go through the cache and the
 * single-block loader, so their bytes and their issues are exactly what a small read gives.
 */
import { ParseError } from '../common/issues.js';
import type { BlockCache, RunInto } from './block-cache.js';

export interface DirectTarget {
  cache: BlockCache;
  size: number;
  blockSize: number;
  /** Most blocks handed to the run decoder at once. */
  maxRun: number;
}

/** Reads [start, start + length) (already clamped to t.size, spanning more than one block). */
export async function readDirect(t: DirectTarget, start: number, length: number, runInto: RunInto): Promise<Uint8Array> {
  const bs = t.blockSize;
  const end = start + length;
  const out = new Uint8Array(length);
  const first = Math.floor(start / bs);
  const last = Math.floor((end - 1) / bs);
  const blockEnd = (i: number): number => Math.min((i + 1) * bs, t.size);
  const whole = (i: number): boolean => i * bs >= start && blockEnd(i) <= end && !t.cache.has(i);
  const viaCache = async (i: number): Promise<void> => {
    const b = await t.cache.get(i);
    const from = Math.max(start, i * bs);
    const to = Math.min(end, i * bs + b.length);
    if (to > from) out.set(b.subarray(from - i * bs, to - i * bs), from - start);
  };
  const jobs: Promise<void>[] = [];
  let i = first;
  while (i <= last) {
    if (!whole(i)) {
      jobs.push(viaCache(i));
      i++;
      continue;
    }
    let n = 1;
    while (i + n <= last && n < t.maxRun && whole(i + n)) n++;
    const from = i;
    const dst = out.subarray(from * bs - start, blockEnd(from + n - 1) - start);
    jobs.push(runInto(from, n, dst).then(
      (ok) => leftOut(from, n, (k) => ok[k] === 1, viaCache),
      (err: unknown) => {
        if (!(err instanceof ParseError)) throw err;
        return leftOut(from, n, () => false, viaCache);
      },
    ));
    i += n;
  }
  await Promise.all(jobs);
  return out;
}

/** Blocks of a run the decoder did not give: read one by one through the cache (rare: damage). */
async function leftOut(first: number, n: number, ok: (k: number) => boolean, viaCache: (i: number) => Promise<void>): Promise<void> {
  const again: Promise<void>[] = [];
  for (let k = 0; k < n; k++) if (!ok(k)) again.push(viaCache(first + k));
  await Promise.all(again);
}

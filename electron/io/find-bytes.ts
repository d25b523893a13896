import type { Reader } from './reader.js';

export interface Needle {
  readonly id: string;
  readonly bytes: Uint8Array;
}

export interface NeedleHit {
  readonly id: string;
  readonly offset: number;
}

/**
 * Stream a Reader once and report where each needle occurs (first `maxHitsPerNeedle` hits each).
 * Windows overlap by the longest needle so a match across a chunk boundary is not missed; memory
 * stays at one chunk whatever the file size.
 */
export async function findNeedles(
  reader: Reader,
  needles: readonly Needle[],
  opts: { chunkBytes?: number; maxHitsPerNeedle?: number; start?: number; end?: number; signal?: AbortSignal } = {},
): Promise<NeedleHit[]> {
  const chunk = opts.chunkBytes ?? 1 << 20;
  const maxHits = opts.maxHitsPerNeedle ?? 16;
  const start = Math.max(0, opts.start ?? 0);
  const end = Math.min(reader.size, opts.end ?? reader.size);
  const longest = needles.reduce((m, n) => Math.max(m, n.bytes.length), 0);
  const hits: NeedleHit[] = [];
  const counts = new Map<string, number>();
  if (longest === 0 || end <= start) return hits;
  const overlap = longest - 1;
  for (let off = start; off < end; off += chunk) {
    opts.signal?.throwIfAborted();
    const readLen = Math.min(chunk + overlap, end - off);
    const buf = Buffer.from(await reader.read(off, readLen));
    for (const n of needles) {
      let from = 0;
      for (;;) {
        const i = buf.indexOf(n.bytes, from);
        // Matches starting in the overlap belong to the next window.
        if (i < 0 || i >= chunk) break;
        const c = counts.get(n.id) ?? 0;
        if (c >= maxHits) break;
        counts.set(n.id, c + 1);
        hits.push({ id: n.id, offset: off + i });
        from = i + 1;
      }
    }
    if (readLen < chunk) break;
  }
  return hits.sort((a, b) => a.offset - b.offset || a.id.localeCompare(b.id));
}

export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
export const utf16le = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf16le'));
export const xorBytes = (b: Uint8Array, key: number): Uint8Array => b.map((x) => x ^ key);

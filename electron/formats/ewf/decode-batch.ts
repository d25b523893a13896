/**
 * Turns one verification batch (the stored bytes of consecutive chunks) into media bytes. Pure and
 * synchronous, so it runs the same in an inflate worker thread and, for small images or when a
 * worker dies, on the calling thread.
 */
import { inflateSync } from 'node:zlib';
import { adler32 } from './checksums.js';
import { inflateOptions } from './chunks.js';
import { DESC_WORDS, FLAG_COMPRESSED, FLAG_MISSING } from './verify-plan.js';

/** Compressed chunks at most this long are remembered: only very repetitive chunks are that small. */
const MEMO_MAX_INPUT = 1024;
const MEMO_MAX_ENTRIES = 64;
/** A 1 KiB zlib stream can inflate to ~1 MiB: the memo is bounded in bytes too. */
const MEMO_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Identical zlib streams inflate to identical bytes, and a disk's empty space is one chunk (zeros)
 * stored thousands of times: the output is kept per exact compressed bytes (no hash, no collision).
 */
export class InflateMemo {
  private readonly map = new Map<string, Uint8Array>();
  private bytes = 0;
  hits = 0;

  get(key: string): Uint8Array | undefined {
    const v = this.map.get(key);
    if (v) this.hits++;
    return v;
  }

  set(key: string, value: Uint8Array): void {
    if (this.map.has(key) || value.length > MEMO_MAX_BYTES) return;
    for (const [k, v] of this.map) {
      if (this.map.size < MEMO_MAX_ENTRIES && this.bytes + value.length <= MEMO_MAX_BYTES) break;
      this.map.delete(k); // oldest first (insertion order)
      this.bytes -= v.length;
    }
    this.map.set(key, value);
    this.bytes += value.length;
  }
}

export interface DecodeResult {
  /** Chunks (by position in the batch) that could not be decoded; their bytes in `out` are zeros. */
  bad: [number, string][];
  /** Stored chunks whose Adler-32 does not match; their bytes are used as stored (as libewf does). */
  checksum: [number, string][];
}

/**
 * Decodes every chunk of `desc` from `span` into `out` (chunk k at k × chunkSize; `out` holds the
 * sum of the wanted lengths). Each chunk's checks are the ones readChunk applies when reading.
 * `inflater`, when given, inflates instead of inflateSync and `memo` (one reused zlib stream).
 */
/** Inflates one chunk's stream into `dst` (exactly dst.length bytes wanted); returns why not, or null. */
export interface ChunkInflating {
  inflateInto(raw: Uint8Array, dst: Uint8Array): string | null;
}

export function decodeBatch(span: Uint8Array, desc: Int32Array, chunkSize: number, out: Uint8Array, memo: InflateMemo | null, inflater?: ChunkInflating): DecodeResult {
  const bad: [number, string][] = [];
  const checksum: [number, string][] = [];
  const count = Math.floor(desc.length / DESC_WORDS);
  for (let k = 0; k < count; k++) {
    const rel = desc[k * DESC_WORDS]!;
    const len = desc[k * DESC_WORDS + 1]!;
    const flags = desc[k * DESC_WORDS + 2]!;
    const want = desc[k * DESC_WORDS + 3]!;
    const at = k * chunkSize;
    if (at + want > out.length || want < 0) {
      bad.push([k, `chunk needs ${want} bytes at ${at} of a ${out.length}-byte batch`]);
      continue;
    }
    const dst = out.subarray(at, at + want);
    if (flags & FLAG_MISSING) {
      dst.fill(0);
      continue; // the planner already knows why
    }
    // The planner keeps chunks inside the span; a short read (file shrank) leaves them partial.
    const raw = span.subarray(Math.min(rel, span.length), Math.min(rel + len, span.length));
    if (flags & FLAG_COMPRESSED) {
      const problem = inflater ? inflater.inflateInto(raw, dst) : inflateInto(raw, chunkSize, dst, memo);
      if (problem) {
        dst.fill(0);
        bad.push([k, problem]);
      }
      continue;
    }
    if (raw.length < want) {
      dst.fill(0);
      bad.push([k, `${raw.length} of ${want} stored bytes present`]);
      continue;
    }
    dst.set(raw.subarray(0, want));
    if (raw.length >= want + 4) {
      const stored = (raw[want]! | (raw[want + 1]! << 8) | (raw[want + 2]! << 16) | (raw[want + 3]! << 24)) >>> 0;
      if (stored !== adler32(raw, 0, want)) checksum.push([k, 'Adler-32 mismatch (data returned as stored)']);
    }
  }
  return { bad, checksum };
}

/** Inflates one zlib stream into `dst` (exactly dst.length bytes); returns why not, or null. */
function inflateInto(raw: Uint8Array, chunkSize: number, dst: Uint8Array, memo: InflateMemo | null): string | null {
  // Buffer's latin1 maps each byte to one code unit: equal keys mean equal bytes.
  const key = memo && raw.length <= MEMO_MAX_INPUT ? Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('latin1') : null;
  let inflated = key === null ? undefined : memo!.get(key);
  if (!inflated) {
    try {
      inflated = inflateSync(raw, inflateOptions(chunkSize));
    } catch (err) {
      return `zlib stream does not inflate (${(err as Error).message})`;
    }
    if (key !== null) memo!.set(key, inflated);
  }
  if (inflated.length < dst.length) return `inflates to ${inflated.length} bytes, expected ${dst.length}`;
  dst.set(inflated.length === dst.length ? inflated : inflated.subarray(0, dst.length));
  return null;
}

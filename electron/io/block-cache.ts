import { ParseError } from '../common/issues.js';
import { readDirect } from './direct-read.js';
import { clampRange, type Reader } from './reader.js';

/** A located, recovered problem met while decoding a container (bad chunk, missing parent...). */
export interface ReadIssue {
  message: string;
  /** Offset in the logical disk (or in `file` when the problem is in a file's own structures). */
  offset: number | null;
  file: string | null;
}

/** Most issues kept per container; the rest are counted in the last one, so a torn image cannot exhaust memory. */
export const MAX_READ_ISSUES = 1000;

export function pushIssue(issues: ReadIssue[], issue: ReadIssue): void {
  if (issues.length < MAX_READ_ISSUES) issues.push(issue);
  else if (issues.length === MAX_READ_ISSUES) issues.push({ message: 'further issues not recorded (cap reached)', offset: null, file: null });
}

export type BlockLoader = (blockIndex: number) => Promise<Uint8Array>;

/**
 * Decodes `count` consecutive blocks from `first` in one go (one file read, one batch) for a large
 * read. Entry k is block first + k, or null for a block it leaves to the single-block loader
 * (a damaged or unlisted one, so its problem is reported exactly as a single read reports it).
 */
export type RunLoader = (first: number, count: number) => Promise<(Uint8Array | null)[]>;

/**
 * Decodes `count` consecutive blocks from `first` straight into `dst` (block k at k × blockSize)
 * for a large read, past the cache. Returns one flag per block: 0 leaves that block (damaged,
 * unlisted) to the single-block loader, which then reads and reports it as a lone read would.
 */
export type RunInto = (first: number, count: number, dst: Uint8Array) => Promise<Uint8Array>;

/**
 * LRU cache of decoded fixed-size blocks, bounded in bytes. Two readers asking for the same block
 * share one decode (in-flight de-duplication), which matters when a file system and a hash job
 * walk the same compressed chunk at once.
 */
export class BlockCache {
  private readonly done = new Map<number, Uint8Array>(); // Map keeps insertion order: first = least recent
  private readonly pending = new Map<number, Promise<Uint8Array>>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly loader: BlockLoader,
    readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** Whether the block is cached or being loaded (no LRU touch, no counting). */
  has(index: number): boolean {
    return this.done.has(index) || this.pending.has(index);
  }

  /**
   * Registers a load started elsewhere (a run decoded in one batch) as block `index`'s pending
   * load: later gets share it and its result is cached as if `get` had loaded it.
   */
  adopt(index: number, load: Promise<Uint8Array>): Promise<Uint8Array> {
    const have = this.done.get(index) ?? this.pending.get(index);
    if (have) return Promise.resolve(have);
    this.misses++;
    const p = this.track(index, load);
    p.catch(() => {}); // nobody may ask for this block: its failure must not go unhandled
    return p;
  }

  get(index: number): Promise<Uint8Array> {
    const have = this.done.get(index);
    if (have) {
      this.hits++;
      this.done.delete(index);
      this.done.set(index, have);
      return Promise.resolve(have);
    }
    const inflight = this.pending.get(index);
    if (inflight) {
      this.hits++;
      return inflight;
    }
    this.misses++;
    return this.track(index, this.loader(index));
  }

  private track(index: number, load: Promise<Uint8Array>): Promise<Uint8Array> {
    const p = load.then(
      (block) => {
        this.pending.delete(index);
        this.store(index, block);
        return block;
      },
      (err: unknown) => {
        this.pending.delete(index);
        throw err;
      },
    );
    this.pending.set(index, p);
    return p;
  }

  private store(index: number, block: Uint8Array): void {
    if (block.length > this.maxBytes) return;
    this.done.set(index, block);
    this.bytes += block.length;
    for (const [k, v] of this.done) {
      if (this.bytes <= this.maxBytes) break;
      this.done.delete(k);
      this.bytes -= v.length;
    }
  }

  get cachedBytes(): number {
    return this.bytes;
  }

  clear(): void {
    this.done.clear();
    this.bytes = 0;
  }
}

/**
 * A Reader of `size` bytes made of `blockSize` blocks decoded on demand through a BlockCache.
 * A block whose loader throws a ParseError reads as zeros, and the error becomes a located issue
 * (once per block): one bad chunk must not make the rest of a disk unreadable.
 */
export class BlockReader implements Reader {
  readonly cache: BlockCache;
  private readonly badBlocks = new Set<number>();
  private readonly single: (i: number) => Promise<Uint8Array>;
  private readonly runLoader: RunLoader | null;
  private readonly runInto: RunInto | null;
  private readonly directBytes: number;
  private readonly maxRun: number;

  constructor(
    readonly size: number,
    readonly blockSize: number,
    loader: BlockLoader,
    readonly issues: ReadIssue[] = [],
    private readonly onClose: () => Promise<void> = async () => {},
    /** `runInto`: reads of at least `directBytes` (1 MiB) decode their whole blocks straight into the result. */
    opts: { cacheBytes?: number; file?: string | null; runLoader?: RunLoader; maxRunBytes?: number; runInto?: RunInto; directBytes?: number } = {},
  ) {
    if (!Number.isSafeInteger(size) || size < 0 || !Number.isSafeInteger(blockSize) || blockSize <= 0) {
      throw new ParseError('out-of-bounds', { what: 'block reader geometry' }, `bad block reader geometry size=${size} block=${blockSize}`);
    }
    const file = opts.file ?? null;
    this.runLoader = opts.runLoader ?? null;
    this.runInto = opts.runInto ?? null;
    this.directBytes = opts.directBytes ?? 1024 * 1024;
    this.maxRun = Math.max(2, Math.floor((opts.maxRunBytes ?? 4 * 1024 * 1024) / blockSize));
    this.single = async (i) => {
      const want = Math.min(this.blockSize, this.size - i * this.blockSize);
      try {
        const b = await loader(i);
        if (b.length === want) return b;
        const fixed = new Uint8Array(want); // a short or long block is padded or cut, never passed on
        fixed.set(b.subarray(0, want));
        if (b.length < want) this.note(i, file, `block ${i} decoded to ${b.length} bytes, expected ${want}; rest read as zeros`);
        return fixed;
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        this.note(i, file, `${err.message}; block ${i} read as zeros`);
        return new Uint8Array(want);
      }
    };
    this.cache = new BlockCache(this.single, opts.cacheBytes);
  }

  private note(i: number, file: string | null, message: string): void {
    if (this.badBlocks.has(i)) return;
    this.badBlocks.add(i);
    pushIssue(this.issues, { message, offset: i * this.blockSize, file });
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    if (r.length === 0) return new Uint8Array(0);
    const first = Math.floor(r.start / this.blockSize);
    const last = Math.floor((r.start + r.length - 1) / this.blockSize);
    if (first === last) {
      const b = await this.cache.get(first);
      const at = r.start - first * this.blockSize;
      return b.subarray(at, at + r.length);
    }
    // A large read (a 4 MiB window of $MFT, a file being hashed) is mostly read once: its whole
    // blocks are decoded into the result and not cached, so a sequential pass neither copies each
    // block twice nor evicts the blocks that scattered reads keep coming back to.
    if (this.runInto && r.length >= this.directBytes) {
      return readDirect({ cache: this.cache, size: this.size, blockSize: this.blockSize, maxRun: this.maxRun }, r.start, r.length, this.runInto);
    }
    if (this.runLoader) this.loadRuns(first, last, this.runLoader);
    // Ask for every block at once: async decoders (zlib on the libuv pool) then run in parallel.
    const blocks: Promise<Uint8Array>[] = [];
    for (let i = first; i <= last; i++) blocks.push(this.cache.get(i));
    const out = new Uint8Array(r.length);
    let pos = 0;
    for (let i = first; i <= last; i++) {
      const b = await blocks[i - first]!;
      const from = i === first ? r.start - first * this.blockSize : 0;
      const take = Math.min(b.length - from, r.length - pos);
      out.set(b.subarray(from, from + take), pos);
      pos += take;
    }
    return out;
  }

  /**
   * Hands each run of uncached blocks in [first, last] (at most maxRun long) to the run loader, so
   * a large read costs one file read and one decode batch per run instead of one per block.
   */
  private loadRuns(first: number, last: number, runLoader: RunLoader): void {
    let i = first;
    while (i <= last) {
      if (this.cache.has(i)) {
        i++;
        continue;
      }
      let n = 1;
      while (i + n <= last && n < this.maxRun && !this.cache.has(i + n)) n++;
      if (n >= 2) {
        const start = i;
        const run = runLoader(start, n);
        // A block the run could not give (null, wrong length, or the whole run failing on bad
        // data) goes through the single-block loader, which reports it as a lone read would.
        for (let k = 0; k < n; k++) {
          const want = Math.min(this.blockSize, this.size - (start + k) * this.blockSize);
          void this.cache.adopt(start + k, run.then(
            (got) => { const b = got[k]; return b && b.length === want ? b : this.single(start + k); },
            (err: unknown) => { if (err instanceof ParseError) return this.single(start + k); throw err; },
          ));
        }
      }
      i += n;
    }
  }

  async close(): Promise<void> {
    this.cache.clear();
    await this.onClose();
  }
}

/**
 * Small reads of a file served from aligned windows kept in a BlockCache: the chunks of an EWF
 * segment are read one by one but lie end to end, so one 1 MiB read replaces ~30 small ones.
 * With `inOrderOnly`, windows are used only once reads run in order (or fall in a window already
 * held): a scattered read (one directory's index chunk here, another there) reads just its bytes,
 * not a megabyte.
 * Reads larger than a window go straight to the file.
 */
export class WindowedReader implements Reader {
  private readonly windows: BlockCache;
  readonly size: number;
  private lastEnd = -1;
  private streak = 0;

  /** `inOrderOnly`: windows only for reads in order (see above); otherwise every small read uses one. */
  constructor(private readonly inner: Reader, private readonly windowBytes = 1024 * 1024, cacheBytes = 8 * 1024 * 1024, private readonly inOrderOnly = false) {
    this.size = inner.size;
    this.windows = new BlockCache((i) => inner.read(i * windowBytes, windowBytes), cacheBytes);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    if (r.length === 0) return new Uint8Array(0);
    if (r.length > this.windowBytes) return this.inner.read(r.start, r.length);
    const w = Math.floor(r.start / this.windowBytes);
    const within = r.start - w * this.windowBytes;
    const cross = within + r.length > this.windowBytes;
    // In order: this read starts at (or just after) where the previous one ended.
    const inOrder = r.start >= this.lastEnd && r.start - this.lastEnd <= SEQUENTIAL_GAP;
    this.streak = inOrder ? this.streak + 1 : 0;
    this.lastEnd = r.start + r.length;
    const held = this.windows.has(w) && (!cross || this.windows.has(w + 1));
    if (this.inOrderOnly && !held && this.streak < SEQUENTIAL_READS) return this.inner.read(r.start, r.length);
    if (!cross) return (await this.windows.get(w)).subarray(within, within + r.length);
    const [a, b] = await Promise.all([this.windows.get(w), this.windows.get(w + 1)]);
    const out = new Uint8Array(r.length);
    const first = a.subarray(within);
    out.set(first);
    out.set(b.subarray(0, r.length - first.length), first.length);
    return out.subarray(0, Math.min(r.length, first.length + b.length));
  }

  /** The inner reader is owned by whoever created it. */
  async close(): Promise<void> {
    this.windows.clear();
  }
}

/** Reads in a row that switch WindowedReader to windows, and the gap still counted as in order. */
const SEQUENTIAL_READS = 3;
const SEQUENTIAL_GAP = 64 * 1024;

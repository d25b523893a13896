/**
 * Inflates EWF chunks one after another with one zlib stream object, and remembers the output of
 * short, repeated streams. `inflateSync` builds and tears down a zlib context (a 32 KiB window, a
 * JS stream object, an output buffer list) per call: ~30 µs, more than inflating a typical chunk's
 * worth of text costs, paid 32,768 times per GiB. Verification inflates every chunk of a disk.
 */
import { constants, deflateSync, Inflate, inflateSync } from 'node:zlib';
import { adler32 } from './checksums.js';

/** The parts of Node's zlib binding a reused stream needs (internal, so feature-checked). */
interface ZlibHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  reset(): void;
  onerror: (message: string, errno: number, code: string) => void;
}

/** A zlib stream reused for many inflations, or null where this Node build lacks the binding. */
class ReusedStream {
  private constructor(private readonly z: Inflate, private readonly handle: ZlibHandle, private readonly state: Uint32Array) {}
  private error: string | null = null;

  static open(): ReusedStream | null {
    const z = new Inflate();
    const { _handle: handle, _writeState: state } = z as unknown as { _handle?: ZlibHandle; _writeState?: unknown };
    if (!handle || typeof handle.writeSync !== 'function' || typeof handle.reset !== 'function' || !(state instanceof Uint32Array)) {
      z.close();
      return null;
    }
    const s = new ReusedStream(z, handle, state);
    // zlib reports a bad stream through this callback (synchronously, inside writeSync).
    handle.onerror = (message) => void (s.error ??= message);
    return s;
  }

  /** Bytes written to `out` (the whole stream inflated), or why not. `out` is filled at most to its end. */
  inflate(raw: Uint8Array, out: Uint8Array): number | string {
    this.error = null;
    this.handle.reset();
    this.state[0] = out.length;
    this.handle.writeSync(constants.Z_FINISH, raw, 0, raw.length, out, 0, out.length);
    if (this.error !== null) return this.error;
    return out.length - this.state[0]!;
  }

  close(): void {
    this.z.close();
  }
}

/** Streams at most this share of a chunk (1/32, at least 1 KiB) are remembered: only repetitive data is that small. */
const MEMO_RATIO = 32;
const MEMO_MIN_INPUT = 1024;
/** Entries are never dropped (ids stay meaningful); at most this many, and MEMO_MAX_BYTES. */
const MEMO_MAX_ENTRIES = 64;
const MEMO_MAX_BYTES = 16 * 1024 * 1024;

interface MemoEntry {
  raw: Buffer;
  out: Uint8Array;
  /** 1, 2, ... in the order remembered; entries are never dropped, so an id always means these bytes. */
  id: number;
}

export class ChunkInflater {
  private stream: ReusedStream | null | undefined;
  /** One byte more than a chunk: filling it means the stream inflates to more than a chunk. */
  private readonly scratch: Uint8Array;
  /** A stored chunk framed as a zlib stream (copyStored). */
  private frame = new Uint8Array(0);
  private readonly memoMaxInput: number;
  /** Remembered streams by length; a hit compares every byte (no hash, so no collision). */
  private readonly memo = new Map<number, MemoEntry[]>();
  private memoEntries = 0;
  private memoBytes = 0;
  memoHits = 0;
  /**
   * After inflateInto succeeded: the memo id (≥ 1) of the whole-chunk output it delivered, or 0
   * (not remembered, or a cut-short last chunk). Equal ids mean equal bytes for this inflater's life.
   */
  lastMemo = 0;

  constructor(private readonly chunkSize: number, reuseStream = true) {
    this.scratch = new Uint8Array(chunkSize + 1);
    this.memoMaxInput = Math.max(MEMO_MIN_INPUT, Math.floor(chunkSize / MEMO_RATIO));
    if (!reuseStream) this.stream = null;
  }

  /**
   * Inflates one chunk's zlib stream into `dst` (exactly dst.length ≤ chunkSize bytes wanted; the
   * stream may hold up to a chunk, as the media's last chunk is cut short). Returns why not, or null.
   * zlib checks the stream's own Adler-32 at its end: a damaged chunk does not inflate.
   *
   * `held`: the memo id (see `lastMemo`) of what `dst` already holds, when its caller knows (a ring
   * slot reused for the same empty chunk): a hit on that entry leaves `dst` as it is.
   */
  inflateInto(raw: Uint8Array, dst: Uint8Array, held = 0): string | null {
    this.lastMemo = 0;
    const small = raw.length <= this.memoMaxInput;
    if (small) {
      const hit = this.memo.get(raw.length)?.find((e) => e.raw.equals(raw));
      if (hit) {
        this.memoHits++;
        if (hit.out.length < dst.length) return `inflates to ${hit.out.length} bytes, expected ${dst.length}`;
        this.lastMemo = dst.length === this.chunkSize ? hit.id : 0;
        if (held !== 0 && held === this.lastMemo) return null;
        return this.deliver(hit.out, hit.out.length, dst);
      }
    }
    const got = this.inflateRaw(raw);
    if (typeof got === 'string') return `zlib stream does not inflate (${got})`;
    if (small && got >= dst.length) this.lastMemo = dst.length === this.chunkSize ? this.remember(raw, this.scratch.slice(0, got)) : 0;
    return this.deliver(this.scratch, got, dst);
  }

  /**
   * Copies a stored chunk's bytes into `dst` (same length) and tells whether `expected` is their
   * Adler-32. zlib computes it (vectorised, ~10× the JavaScript loop): the bytes are framed as a
   * zlib stream of stored blocks ending with `expected`, which inflate copies and checks.
   */
  copyStored(data: Uint8Array, expected: number, dst: Uint8Array): boolean {
    if (this.stream === undefined) this.stream = selfTested(ReusedStream.open());
    if (this.stream && data.length === dst.length && data.length > 0) {
      if (this.frame.length < framedLength(data.length)) this.frame = new Uint8Array(framedLength(data.length));
      const f = this.frame.subarray(0, frameStored(data, expected, this.frame));
      const got = this.stream.inflate(f, dst);
      if (got === dst.length) return true;
      // A wrong checksum is zlib's "incorrect data check"; the bytes are in dst all the same. Anything
      // else would be our framing: the stream is replaced and the JavaScript loop decides.
      this.stream.close();
      this.stream = ReusedStream.open();
      if (got === 'incorrect data check') return false;
    }
    dst.set(data);
    return adler32(data) === expected;
  }

  private deliver(from: Uint8Array, length: number, dst: Uint8Array): string | null {
    if (length < dst.length) return `inflates to ${length} bytes, expected ${dst.length}`;
    dst.set(length === dst.length && from.length === length ? from : from.subarray(0, dst.length));
    return null;
  }

  /** Inflated length in `scratch`, or zlib's complaint. */
  private inflateRaw(raw: Uint8Array): number | string {
    if (this.stream === undefined) this.stream = selfTested(ReusedStream.open());
    if (this.stream) {
      const got = this.stream.inflate(raw, this.scratch);
      if (typeof got === 'string') {
        // After an error the stream is replaced rather than trusted again.
        this.stream.close();
        this.stream = ReusedStream.open();
        return got;
      }
      return got > this.chunkSize ? `more than ${this.chunkSize} bytes` : got;
    }
    try {
      const out = inflateSync(raw, { maxOutputLength: this.chunkSize });
      this.scratch.set(out);
      return out.length;
    } catch (err) {
      return (err as Error).message;
    }
  }

  /** Keeps `out` as what `raw` inflates to; returns its id, or 0 when the memo is full. */
  private remember(raw: Uint8Array, out: Uint8Array): number {
    if (this.memoEntries >= MEMO_MAX_ENTRIES || this.memoBytes + out.length > MEMO_MAX_BYTES) return 0; // first come, kept
    const list = this.memo.get(raw.length) ?? [];
    const id = ++this.memoEntries;
    list.push({ raw: Buffer.from(raw), out, id });
    this.memo.set(raw.length, list);
    this.memoBytes += out.length + raw.length;
    return id;
  }

  close(): void {
    this.stream?.close();
    this.stream = null;
  }
}

const framedLength = (n: number): number => 2 + Math.ceil(n / 65535) * 5 + n + 4;

/** Writes `data` into `frame` as a zlib stream of stored blocks whose trailer is `adler`; returns its length. */
function frameStored(data: Uint8Array, adler: number, frame: Uint8Array): number {
  frame[0] = 0x78; // deflate, 32 KiB window, no dictionary (0x7801 % 31 === 0)
  frame[1] = 0x01;
  let at = 2;
  const blocks = Math.ceil(data.length / 65535);
  for (let i = 0; i < blocks; i++) {
    const n = Math.min(65535, data.length - i * 65535);
    frame[at] = i === blocks - 1 ? 1 : 0; // BFINAL, BTYPE 00 (stored)
    frame[at + 1] = n & 0xff;
    frame[at + 2] = n >>> 8;
    frame[at + 3] = ~n & 0xff;
    frame[at + 4] = (~n >>> 8) & 0xff;
    frame.set(data.subarray(i * 65535, i * 65535 + n), at + 5);
    at += 5 + n;
  }
  new DataView(frame.buffer, frame.byteOffset + at, 4).setUint32(0, adler, false);
  return at + 4;
}

/**
 * The reused stream is only trusted after it inflates a known stream right and rejects a damaged
 * one as inflateSync does (the binding is Node's internal, and could change under us).
 */
function selfTested(s: ReusedStream | null): ReusedStream | null {
  if (!s) return null;
  const good = deflateSync(new Uint8Array(4096).fill(0x65));
  const out = new Uint8Array(4097);
  const ok = s.inflate(good, out) === 4096 && out.subarray(0, 4096).every((b) => b === 0x65);
  const bad = good.slice();
  bad[bad.length - 1]! ^= 1; // the Adler-32 trailer
  const rejects = typeof s.inflate(bad, out) === 'string';
  // copyStored's check: a stored frame inflating to exactly its output must still have its
  // trailer checked (zlib goes on to the check with no output space left).
  const data = out.subarray(0, 4096);
  const frame = new Uint8Array(framedLength(4096));
  const right = s.inflate(frame.subarray(0, frameStored(data, adler32(data), frame)), new Uint8Array(4096)) === 4096;
  const wrong = s.inflate(frame.subarray(0, frameStored(data, adler32(data) ^ 1, frame)), new Uint8Array(4096)) === 'incorrect data check';
  if (ok && rejects && right && wrong) {
    s.close();
    return ReusedStream.open(); // fresh: the rejected stream is not reused
  }
  s.close();
  return null;
}

/**
 * E01 verification with the hashing thread doing nothing but MD5 (and SHA-1): verify workers
 * (workers/ewf-verify.worker.js) read and inflate the media into a ring of shared slots ahead of
 * it, in order (protocol in verify-ring-protocol.ts). MD5 cannot be split across threads and costs
 * about as much as everything else together, so the whole run takes about what MD5 alone takes.
 * Memory is the ring (16 MiB) plus each worker's read buffer and memo, whatever the media size.
 */
import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { ChunkSource, EwfMediaDigest } from '../../formats/ewf/index.js';
import { accountReport, ChunkInflater, decodeSpan, emptyReport, layoutOf, planSlot, type SlotReport } from '../../formats/ewf/verify.js';
import { availAt, CTRL_NEXT, CTRL_STOP, ctrlWords, doneAt, lenAt, reportAt, type RingInit, type RingMessage } from './verify-ring-protocol.js';

const WORKER_URL = new URL('../../workers/ewf-verify.worker.js', import.meta.url);

/** Atomics.waitAsync (Node 16+; not in the ES2023 lib this project compiles against). */
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, ms: number): { async: boolean; value: Promise<string> | string } }).waitAsync;

/** Media bytes per slot: small enough that a slot is still in the shared cache when it is hashed. */
const SLOT_MEDIA_BYTES = 1024 * 1024;
const RING_BYTES = 16 * 1024 * 1024;
/** Progress is reported about this often (in media bytes), not per slot. */
const PROGRESS_STEP = 8 * 1024 * 1024;

export interface RingOptions {
  /** The segment files' paths, in order (each worker opens them again, read-only). */
  paths: string[];
  threads: number;
  sha1: boolean;
  signal?: AbortSignal;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /**
   * Test hooks: another worker script; inflateSync per chunk instead of a reused zlib stream;
   * false leaves every slot to the workers (this thread decodes only when they fail).
   */
  workerUrl?: URL;
  reuseStream?: boolean;
  help?: boolean;
}

interface Hashing {
  md5: Hash;
  sha1: Hash | null;
  digest: EwfMediaDigest;
  progressAt: number;
}

/** Digests the whole media; workers that die or cannot start leave the rest to this thread. */
export async function digestEwfRing(src: ChunkSource, opts: RingOptions): Promise<EwfMediaDigest> {
  const { chunkSize } = src;
  const perSlot = Math.max(1, Math.floor(SLOT_MEDIA_BYTES / chunkSize));
  const slotBytes = perSlot * chunkSize;
  const slots = Math.max(3, Math.floor(RING_BYTES / slotBytes));
  const batches = Math.ceil(Math.ceil(src.mediaSize / chunkSize) / perSlot);
  const control = new SharedArrayBuffer(ctrlWords(slots) * 4);
  const ring = new SharedArrayBuffer(slots * slotBytes);
  const ctrl = new Int32Array(control);
  for (let s = 0; s < slots; s++) ctrl[availAt(s)] = s;

  const h: Hashing = {
    md5: createHash('md5'),
    sha1: opts.sha1 ? createHash('sha1') : null,
    digest: { md5: '', sha1: null, bytes: 0, unreadableChunks: 0, unreadable: [], checksumMismatches: 0 },
    progressAt: PROGRESS_STEP,
  };
  const reports = new Map<number, SlotReport>();
  let wake: (() => void) | null = null;
  let trouble: string | null = null;
  const tags = new SharedArrayBuffer(slots * perSlot * 4);
  const init: Omit<RingInit, 'index'> = { control, ring, tags, slots, slotBytes, perSlot, batches, layout: layoutOf(src), paths: opts.paths, reuseStream: opts.reuseStream ?? true };
  const workers: Worker[] = [];
  const here = new HereDecoder(src, perSlot);
  const stop = (): void => {
    Atomics.store(ctrl, CTRL_STOP, 1);
    for (let s = 0; s < slots; s++) Atomics.notify(ctrl, availAt(s));
  };
  try {
    for (let i = 0; i < Math.max(1, opts.threads); i++) {
      const w = new Worker(opts.workerUrl ?? WORKER_URL, { workerData: { ...init, index: i } satisfies RingInit });
      const fail = (why: string): void => {
        trouble ??= why;
        wake?.();
      };
      w.on('message', (m: RingMessage) => {
        if (m.type === 'report') reports.set(m.batch, m.report);
        else fail(`verify worker could not start: ${m.error}`);
        wake?.();
      });
      w.on('error', (err) => fail(`verify worker crashed: ${err.message}`));
      w.on('exit', (code) => void (code !== 0 && fail(`verify worker exited (code ${code})`)));
      workers.push(w);
    }
    const views = Array.from({ length: slots }, (_, s) => new Uint8Array(ring, s * slotBytes, slotBytes));
    for (let b = 0; b < batches; b++) {
      opts.signal?.throwIfAborted();
      const s = b % slots;
      // The slot is ready when its DONE word says so and its report message (if any) has come.
      const ready = (): boolean => Atomics.load(ctrl, doneAt(s)) === b + 1 && (Atomics.load(ctrl, reportAt(s)) === 0 || reports.has(b));
      let mine = false;
      while (trouble === null && !ready()) {
        // No worker has claimed this batch yet (they are starting, or fell behind): this thread
        // decodes it rather than wait. When the workers keep ahead, they have always claimed it.
        if (opts.help !== false && Atomics.compareExchange(ctrl, CTRL_NEXT, b, b + 1) === b) {
          mine = true;
          break;
        }
        const seen = Atomics.load(ctrl, doneAt(s));
        const w = seen !== b + 1 ? waitAsync(ctrl, doneAt(s), seen, 200) : null;
        if (w && !w.async) continue;
        // Woken by the slot's DONE word, a message (report or trouble), or the timer. The timer
        // also keeps the event loop alive (a pending Atomics.waitAsync does not).
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 200);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
          if (w) void (w.value as Promise<string>).then(wake);
        });
        wake = null;
        opts.signal?.throwIfAborted();
      }
      if (trouble !== null && !mine) {
        stop();
        // Whatever the workers left unfinished is read and decoded here, from this slot batch on.
        for (let c = b; c < batches; c++) {
          opts.signal?.throwIfAborted();
          const d = await here.decode(c);
          if (hashSlot(src, d.bytes, d.report, h, opts)) break;
        }
        break;
      }
      const d = mine ? await here.decode(b) : null;
      const report = d ? d.report : Atomics.load(ctrl, reportAt(s)) === 1 ? reports.get(b)! : null;
      reports.delete(b);
      if (hashSlot(src, d ? d.bytes : views[s]!.subarray(0, Atomics.load(ctrl, lenAt(s))), report, h, opts)) break;
      Atomics.store(ctrl, availAt(s), b + slots);
      Atomics.notify(ctrl, availAt(s));
    }
  } finally {
    stop();
    here.close();
    await Promise.allSettled(workers.map((w) => w.terminate()));
  }
  h.digest.md5 = h.md5.digest('hex');
  h.digest.sha1 = h.sha1 ? h.sha1.digest('hex') : null;
  return h.digest;
}

/** Hashes one slot's bytes and records its problems; true when it reached the unlisted tail (the end). */
function hashSlot(src: ChunkSource, bytes: Uint8Array, report: SlotReport | null, h: Hashing, opts: RingOptions): boolean {
  h.md5.update(bytes);
  h.sha1?.update(bytes);
  h.digest.bytes += bytes.length;
  if (report) accountReport(src, report, h.digest);
  const end = report?.tail != null;
  if (opts.onProgress && (end || h.digest.bytes >= h.progressAt || h.digest.bytes >= src.mediaSize)) {
    h.progressAt = h.digest.bytes + PROGRESS_STEP;
    opts.onProgress(end ? src.mediaSize : h.digest.bytes, src.mediaSize);
  }
  return end;
}

/** Decodes slot batches on this thread: before any worker has started, and when workers fail. */
class HereDecoder {
  private inflater: ChunkInflater | null = null;
  private out: Uint8Array | null = null;
  private readonly names: string[];

  constructor(private readonly src: ChunkSource, private readonly perSlot: number) {
    this.names = src.segments.map((s) => s.name);
  }

  /** Slot batch b's bytes (valid until the next call) and its problems, or null without any. */
  async decode(b: number): Promise<{ bytes: Uint8Array; report: SlotReport | null }> {
    const { src, perSlot } = this;
    this.inflater ??= new ChunkInflater(src.chunkSize);
    this.out ??= new Uint8Array(perSlot * src.chunkSize);
    const report = emptyReport();
    let len = 0;
    for (const sub of planSlot(src, b, perSlot)) {
      let bytes: Uint8Array | string = new Uint8Array(0);
      if (sub.tail === undefined && sub.segment >= 0 && sub.spanLength > 0) {
        try {
          bytes = await src.segments[sub.segment]!.file.read(sub.spanStart, sub.spanLength);
        } catch (err) {
          bytes = `read error (${(err as Error).message})`;
        }
      }
      const end = decodeSpan(sub, bytes, { out: this.out, slotFirst: b * perSlot, chunkSize: src.chunkSize, names: this.names, inflater: this.inflater, tags: null, tagBase: 0 }, report);
      if (end < 0) break;
      len = end;
    }
    const problems = report.bad.length > 0 || report.checksum.length > 0 || report.tail !== null;
    return { bytes: this.out.subarray(0, len), report: problems ? report : null };
  }

  close(): void {
    this.inflater?.close();
  }
}

/**
 * A BatchDecoder over worker threads (workers/ewf-inflate.worker.js): batches go to the thread with
 * the fewest outstanding, buffers are transferred both ways. A thread that dies rejects its batches
 * (the verifier then decodes them on its own thread) and takes no more.
 */
import { Worker } from 'node:worker_threads';
import type { BatchDecoder, DecodeResult } from '../../formats/ewf/index.js';

const WORKER_URL = new URL('../../workers/ewf-inflate.worker.js', import.meta.url);

/** One batch for a worker; `span` and `out` are transferred (and come back in the reply). */
export interface InflateRequest {
  id: number;
  span: ArrayBuffer;
  spanLength: number;
  desc: Int32Array;
  chunkSize: number;
  out: ArrayBuffer;
  outLength: number;
}

export interface InflateReply {
  id: number;
  span: ArrayBuffer;
  out: ArrayBuffer;
  result: DecodeResult | null;
  /** Set when decodeBatch itself threw (a bug, not bad data: bad chunks are in result.bad). */
  error: string | null;
}

interface Pending {
  resolve: (v: { span: Uint8Array; out: Uint8Array; result: DecodeResult }) => void;
  reject: (err: Error) => void;
  spanLength: number;
  outLength: number;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  dead: boolean;
}

export class InflatePool implements BatchDecoder {
  private readonly slots: Slot[] = [];
  private nextId = 0;

  constructor(threads: number, workerUrl: URL = WORKER_URL) {
    for (let i = 0; i < Math.max(1, threads); i++) this.slots.push(this.start(workerUrl));
  }

  private start(url: URL): Slot {
    const slot: Slot = { worker: new Worker(url), pending: new Map(), dead: false };
    const fail = (why: string): void => {
      slot.dead = true;
      for (const p of slot.pending.values()) p.reject(new Error(why));
      slot.pending.clear();
    };
    slot.worker.on('message', (m: InflateReply) => {
      const p = slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id);
      if (m.result) p.resolve({ span: new Uint8Array(m.span, 0, p.spanLength), out: new Uint8Array(m.out, 0, p.outLength), result: m.result });
      else p.reject(new Error(`inflate worker: ${m.error ?? 'no result'}`));
    });
    slot.worker.on('error', (err) => fail(`inflate worker crashed: ${err.message}`));
    slot.worker.on('messageerror', (err) => fail(`inflate worker sent an unreadable message: ${err.message}`));
    slot.worker.on('exit', (code) => fail(`inflate worker exited (code ${code})`));
    return slot;
  }

  decode(span: Uint8Array, desc: Int32Array, chunkSize: number, out: Uint8Array): Promise<{ span: Uint8Array; out: Uint8Array; result: DecodeResult }> {
    let slot: Slot | null = null;
    for (const s of this.slots) if (!s.dead && (!slot || s.pending.size < slot.pending.size)) slot = s;
    if (!slot) return Promise.reject(new Error('no inflate worker is running'));
    // Only whole, exclusively owned buffers can be transferred; anything else is copied first.
    const own = (v: Uint8Array): Uint8Array => (v.byteOffset === 0 && v.buffer instanceof ArrayBuffer ? v : v.slice());
    const s = own(span);
    const o = own(out);
    const id = this.nextId++;
    const req: InflateRequest = { id, span: s.buffer as ArrayBuffer, spanLength: s.length, desc, chunkSize, out: o.buffer as ArrayBuffer, outLength: o.length };
    const target = slot;
    return new Promise((resolve, reject) => {
      target.pending.set(id, { resolve, reject, spanLength: s.length, outLength: o.length });
      target.worker.postMessage(req, [req.span, req.out]);
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.slots.map((s) => s.worker.terminate()));
  }
}

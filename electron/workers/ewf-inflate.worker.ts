/**
 * Entry point of an EWF inflate worker thread (see evidence/containers/inflate-pool.ts). Each
 * message is one verification batch: the stored bytes of consecutive chunks and an output buffer,
 * both transferred here and back, so no bytes are copied between threads.
 */
import { parentPort } from 'node:worker_threads';
import { decodeBatch, InflateMemo, type DecodeResult } from '../formats/ewf/index.js';
import type { InflateReply, InflateRequest } from '../evidence/containers/inflate-pool.js';

if (!parentPort) throw new Error('ewf-inflate.worker.js must be started as a worker thread');
const port = parentPort;
// One memo per thread for its lifetime (one verification): the repeated zero chunk inflates once here.
const memo = new InflateMemo();

port.on('message', (m: InflateRequest) => {
  let result: DecodeResult | null = null;
  let error: string | null = null;
  try {
    result = decodeBatch(new Uint8Array(m.span, 0, m.spanLength), m.desc, m.chunkSize, new Uint8Array(m.out, 0, m.outLength), memo);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const reply: InflateReply = { id: m.id, span: m.span, out: m.out, result, error };
  port.postMessage(reply, [m.span, m.out]);
});

/**
 * Entry point of an E01 verify worker (see evidence/containers/verify-ring.ts): claims slot
 * batches in turn, reads their stored bytes from its own read-only descriptors of the segment
 * files, inflates them into the shared ring, and tells the hashing thread when each slot is full.
 * The hashing thread does nothing but hash; this thread does everything else.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkInflater, decodeSpan, emptyReport, planSlot, plannerOf, TAG_SPACE, type SlotTarget } from '../formats/ewf/verify.js';
import { openReadOnlySync } from '../io/file-reader.js';
import { availAt, CTRL_NEXT, CTRL_STOP, doneAt, lenAt, reportAt, type RingInit, type RingMessage } from '../evidence/containers/verify-ring-protocol.js';

if (!parentPort) throw new Error('ewf-verify.worker.js must be started as a worker thread');
const port = parentPort;
const init = workerData as RingInit;
const ctrl = new Int32Array(init.control);
const fds: number[] = [];
try {
  for (const [i, path] of init.paths.entries()) {
    fds.push(openReadOnlySync(path));
    const st = fstatSync(fds[i]!);
    // The file must still be the one the tables were read from (same size at least).
    if (!st.isFile() || st.size !== init.layout.segments[i]!.size) throw new Error(`${path} changed since it was opened (${st.size} bytes, was ${init.layout.segments[i]!.size})`);
  }
  run();
} catch (err) {
  const m: RingMessage = { type: 'fatal', error: err instanceof Error ? err.message : String(err) };
  port.postMessage(m);
} finally {
  for (const fd of fds) closeSync(fd);
}

function run(): void {
  const src = plannerOf(init.layout);
  const names = init.layout.segments.map((s) => s.name);
  const { chunkSize } = init.layout;
  const inflater = new ChunkInflater(chunkSize, init.reuseStream);
  const targets = Array.from({ length: init.slots }, (_, s): SlotTarget => ({
    out: new Uint8Array(init.ring, s * init.slotBytes, init.slotBytes),
    tags: new Int32Array(init.tags, s * init.perSlot * 4, init.perSlot),
    tagBase: (init.index + 1) * TAG_SPACE,
    slotFirst: 0,
    chunkSize,
    names,
    inflater,
  }));
  let span = new Uint8Array(0);
  try {
    for (;;) {
      const b = Atomics.add(ctrl, CTRL_NEXT, 1);
      if (b >= init.batches || !waitForSlot(b)) return;
      const s = b % init.slots;
      const target = targets[s]!;
      target.slotFirst = b * init.perSlot;
      const report = emptyReport();
      let len = 0;
      for (const sub of planSlot(src, b, init.perSlot)) {
        let bytes: Uint8Array | string = new Uint8Array(0);
        if (sub.tail === undefined && sub.segment >= 0 && sub.spanLength > 0) {
          if (span.length < sub.spanLength) span = new Uint8Array(sub.spanLength);
          bytes = readSpan(fds[sub.segment]!, span, sub.spanStart, sub.spanLength);
        }
        const end = decodeSpan(sub, bytes, target, report);
        if (end < 0) break;
        len = end;
      }
      const problems = report.bad.length > 0 || report.checksum.length > 0 || report.tail !== null;
      if (problems) port.postMessage({ type: 'report', batch: b, report } satisfies RingMessage);
      Atomics.store(ctrl, reportAt(s), problems ? 1 : 0);
      Atomics.store(ctrl, lenAt(s), len);
      Atomics.store(ctrl, doneAt(s), b + 1);
      Atomics.notify(ctrl, doneAt(s));
    }
  } finally {
    inflater.close();
  }
}

/** Blocks until the hashing thread has released batch b's slot; false when told to stop. */
function waitForSlot(b: number): boolean {
  const at = availAt(b % init.slots);
  for (;;) {
    if (Atomics.load(ctrl, CTRL_STOP) !== 0) return false;
    const v = Atomics.load(ctrl, at);
    if (v === b) return true;
    Atomics.wait(ctrl, at, v, 1000);
  }
}

/** The span's bytes (short when the file ends early), or why they could not be read. */
function readSpan(fd: number, buf: Uint8Array, start: number, length: number): Uint8Array | string {
  let got = 0;
  try {
    while (got < length) {
      const n = readSync(fd, buf, got, length - got, start + got);
      if (n === 0) break;
      got += n;
    }
  } catch (err) {
    return `read error (${(err as Error).message})`;
  }
  return buf.subarray(0, got);
}

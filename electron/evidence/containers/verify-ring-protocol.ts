/**
 * What the hashing thread and the verify workers (workers/ewf-verify.worker.js) share: a ring of
 * slots in one SharedArrayBuffer and a control block of Int32 words in another.
 *
 * Slot batch b (chunks b × perSlot ..) lives in slot b mod slots. A worker claims the next batch
 * (NEXT), waits until the hashing thread has released that slot for it (AVAIL = b), fills it, posts
 * a report message when the batch has problems (REPORT = 1), then publishes LEN and DONE = b + 1.
 * The hashing thread waits for DONE, hashes LEN bytes, and sets AVAIL = b + slots.
 */
import type { ChunkLayout, SlotReport } from '../../formats/ewf/verify.js';

export const CTRL_NEXT = 0;
export const CTRL_STOP = 1;
const CTRL_HEAD = 4;
const SLOT_WORDS = 4;

export const ctrlWords = (slots: number): number => CTRL_HEAD + slots * SLOT_WORDS;
export const availAt = (s: number): number => CTRL_HEAD + s * SLOT_WORDS;
export const doneAt = (s: number): number => CTRL_HEAD + s * SLOT_WORDS + 1;
export const lenAt = (s: number): number => CTRL_HEAD + s * SLOT_WORDS + 2;
export const reportAt = (s: number): number => CTRL_HEAD + s * SLOT_WORDS + 3;

export interface RingInit {
  control: SharedArrayBuffer;
  ring: SharedArrayBuffer;
  /** Int32 per chunk position of every slot: what it holds (verify-slot.ts SlotTarget.tags). */
  tags: SharedArrayBuffer;
  /** This worker's number (0, 1, ...): its tags are index × TAG_SPACE + memo id. */
  index: number;
  slots: number;
  /** Bytes between slot starts (perSlot × chunkSize). */
  slotBytes: number;
  perSlot: number;
  /** Slot batches covering the media. */
  batches: number;
  layout: ChunkLayout;
  /** The segment files, in order, opened again read-only by each worker. */
  paths: string[];
  /** Test hook: false makes the worker use inflateSync per chunk (the reused zlib stream's fallback). */
  reuseStream: boolean;
}

export type RingMessage =
  | { type: 'report'; batch: number; report: SlotReport }
  /** The worker could not start (a segment file would not open or differs): nothing was filled. */
  | { type: 'fatal'; error: string };

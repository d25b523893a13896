/** Test chunks laid back to back in one span of a segment file, with the planner's descriptors. */
import { deflateSync } from 'node:zlib';
import { adler32 } from '../../../../electron/formats/ewf/index.js';
import { DESC_WORDS, FLAG_COMPRESSED, FLAG_MISSING } from '../../../../electron/formats/ewf/verify-plan.js';

/** `z`: zlib-compressed; `stored`: as is with its Adler-32; `stored-bad`: a wrong Adler-32; `missing`: not in the file. */
export interface SpanChunk { data: Uint8Array; kind: 'z' | 'stored' | 'stored-bad' | 'missing' }

/** The stored bytes of `chunks` back to back, and one descriptor (DESC_WORDS words) each. */
export function chunkSpan(chunks: readonly SpanChunk[]): { span: Uint8Array; desc: Int32Array } {
  const parts: Uint8Array[] = [];
  const desc = new Int32Array(chunks.length * DESC_WORDS);
  let at = 0;
  chunks.forEach((c, k) => {
    let stored: Uint8Array = new Uint8Array(0);
    if (c.kind === 'z') stored = deflateSync(c.data);
    else if (c.kind !== 'missing') {
      stored = new Uint8Array(c.data.length + 4);
      stored.set(c.data);
      new DataView(stored.buffer).setUint32(c.data.length, adler32(c.data) ^ (c.kind === 'stored-bad' ? 1 : 0), true);
    }
    desc.set([at, stored.length, c.kind === 'z' ? FLAG_COMPRESSED : c.kind === 'missing' ? FLAG_MISSING : 0, c.data.length], k * DESC_WORDS);
    parts.push(stored);
    at += stored.length;
  });
  return { span: Buffer.concat(parts), desc };
}

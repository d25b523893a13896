import { clampRange, type Reader } from './reader.js';

/** A Reader over bytes already in memory (small artefacts, tests, decoded members). */
export class BufferReader implements Reader {
  readonly size: number;
  constructor(private readonly bytes: Uint8Array) {
    this.size = bytes.length;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    return this.bytes.subarray(r.start, r.start + r.length);
  }
  async close(): Promise<void> {}
}

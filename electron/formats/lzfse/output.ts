import { ParseError } from '../../common/issues.js';

/**
 * The decoder's output: one growing buffer with a hard cap. LZ matches may reach back into earlier
 * blocks of the same stream, so every block writes into the same history.
 */
export class OutBuf {
  bytes: Uint8Array;
  length = 0;

  constructor(readonly cap: number, sizeHint = 0) {
    this.bytes = new Uint8Array(Math.min(cap, Math.max(64, sizeHint)));
  }

  private ensure(extra: number, what: string): void {
    const need = this.length + extra;
    if (need > this.cap) throw new ParseError('limit-exceeded', { what, need, have: this.cap });
    if (need <= this.bytes.length) return;
    const grown = new Uint8Array(Math.min(this.cap, Math.max(need, this.bytes.length * 2)));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** Copy `len` input bytes at `src[from]`; the caller has checked that they exist. */
  literal(src: Uint8Array, from: number, len: number, what: string): void {
    if (len === 0) return;
    this.ensure(len, what);
    this.bytes.set(src.subarray(from, from + len), this.length);
    this.length += len;
  }

  /** Copy `len` bytes from `dist` bytes back; overlapping copies repeat the pattern, as LZ77 wants. */
  match(dist: number, len: number, what: string, offset: number): void {
    if (len === 0) return;
    if (dist <= 0 || dist > this.length) throw new ParseError('decode', { what: `${what} match distance ${dist} (output ${this.length})`, offset });
    this.ensure(len, what);
    const b = this.bytes;
    let from = this.length - dist;
    let to = this.length;
    if (dist >= len) b.copyWithin(to, from, from + len);
    else for (let i = 0; i < len; i++) b[to++] = b[from++]!;
    this.length += len;
  }

  result(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

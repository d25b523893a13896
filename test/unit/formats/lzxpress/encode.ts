/**
 * A tiny LZXPRESS Huffman encoder for tests, written from [MS-XCA] 2.1.4.3: every one of the 512
 * symbols gets a 9-bit code (a complete canonical code: 512 x 2^6 = 2^15), so the code of symbol s
 * is s itself. It follows the spec's WriteBits/WriteByte/FlushBits placement of the extra length
 * bytes, which is what the decoder has to get right.
 */
export type Token = number | { len: number; dist: number };

const TABLE_ALL_9 = new Uint8Array(256).fill(0x99);

class BitWriter {
  private out: number[] = [];
  private free = 16;
  private word = 0;
  private p1: number;
  private p2: number;
  constructor(prefix: ArrayLike<number>) {
    for (let i = 0; i < prefix.length; i++) this.out.push(prefix[i]!);
    this.p1 = this.out.length;
    this.p2 = this.p1 + 2;
    this.out.push(0, 0, 0, 0);
  }
  bits(n: number, v: number): void {
    if (n === 0) return;
    if (this.free >= n) {
      this.free -= n;
      this.word = ((this.word << n) | v) & 0xffff;
      return;
    }
    this.word = ((this.word << this.free) | (v >>> (n - this.free))) & 0xffff;
    this.out[this.p1] = this.word & 0xff;
    this.out[this.p1 + 1] = this.word >> 8;
    this.p1 = this.p2;
    this.p2 = this.out.length;
    this.out.push(0, 0);
    this.free += 16 - n;
    // The bits already written sit above bit 15 after the next shifts and are masked away.
    this.word = v & 0xffff;
  }
  byte(b: number): void {
    this.out.push(b & 0xff);
  }
  u16(v: number): void {
    this.out.push(v & 0xff, (v >> 8) & 0xff);
  }
  u32(v: number): void {
    this.out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  flush(): number[] {
    this.word = (this.word << this.free) & 0xffff;
    this.out[this.p1] = this.word & 0xff;
    this.out[this.p1 + 1] = this.word >> 8;
    this.out[this.p2] = 0;
    this.out[this.p2 + 1] = 0;
    return this.out;
  }
}

function highBit(d: number): number {
  return 31 - Math.clz32(d);
}

/** One block (its own table); `eof` appends symbol 256 as the spec's encoder does. */
export function encodeBlock(tokens: Token[], eof: boolean): number[] {
  const w = new BitWriter(TABLE_ALL_9);
  for (const t of tokens) {
    if (typeof t === 'number') {
      w.bits(9, t);
      continue;
    }
    const hb = highBit(t.dist);
    let len = t.len - 3;
    w.bits(9, 256 + Math.min(len, 15) + 16 * hb);
    if (len >= 15) {
      len -= 15;
      if (len < 255) w.byte(len);
      else {
        w.byte(255);
        len += 15;
        if (len < 65536) w.u16(len);
        else {
          w.u16(0);
          w.u32(len);
        }
      }
    }
    w.bits(hb, t.dist - (1 << hb));
  }
  if (eof) w.bits(9, 256);
  return w.flush();
}

/** Literal-only compression of `data` in 64 KiB blocks. */
export function encodeLiterals(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let at = 0; at < data.length || at === 0; at += 65536) {
    const chunk = Array.from(data.subarray(at, at + 65536));
    const last = at + 65536 >= data.length;
    out.push(...encodeBlock(chunk, last));
    if (last) break;
  }
  return Uint8Array.from(out);
}

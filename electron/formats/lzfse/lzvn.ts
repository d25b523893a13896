/**
 * LZVN: Apple's byte-oriented LZ77 variant (the `bvxn` blocks of LZFSE and decmpfs types 7/8).
 * Each opcode carries a literal count L (literals follow the opcode bytes), a match length M and,
 * for most kinds, a new match distance D; "previous distance" opcodes reuse the last D.
 * See SPEC.md for the opcode table.
 */
import { ParseError } from '../../common/issues.js';
import { OutBuf } from './output.js';

type Kind = 'sml_d' | 'med_d' | 'lrg_d' | 'pre_d' | 'sml_m' | 'lrg_m' | 'sml_l' | 'lrg_l' | 'nop' | 'eos' | 'udef';

function kindOf(op: number): Kind {
  if (op >= 0xf0) return op === 0xf0 ? 'lrg_m' : 'sml_m';
  if (op >= 0xe0) return op === 0xe0 ? 'lrg_l' : 'sml_l';
  if (op >= 0xd0) return 'udef';
  if (op >= 0xa0 && op < 0xc0) return 'med_d';
  if (op >= 0x70 && op < 0x80) return 'udef';
  const low = op & 7;
  if (low === 7) return 'lrg_d';
  if (low === 6) {
    if (op === 0x06) return 'eos';
    if (op === 0x0e || op === 0x16) return 'nop';
    return op < 0x40 ? 'udef' : 'pre_d';
  }
  return 'sml_d';
}

const KINDS: Kind[] = Array.from({ length: 256 }, (_, i) => kindOf(i));

/**
 * Decode LZVN from src[start, end) into `out` until the end-of-stream opcode or until `rawBytes`
 * more bytes have been produced. `dPrev` is the distance carried from an earlier block (0 = none).
 * Returns the position after the last opcode consumed.
 */
export function lzvnDecodeInto(src: Uint8Array, start: number, end: number, out: OutBuf, rawBytes: number): number {
  const target = out.length + rawBytes;
  let p = start;
  let d = 0;
  const need = (n: number, what: string): void => {
    if (p + n > end) throw new ParseError('truncated', { what: `lzvn ${what}`, offset: p, need: n, have: end - p });
  };
  while (out.length < target) {
    need(1, 'opcode');
    const op = src[p]!;
    let len = 1;
    let l = 0;
    let m = 0;
    switch (KINDS[op]!) {
      case 'sml_d':
        need(2, 'small-distance opcode');
        l = op >> 6; m = ((op >> 3) & 7) + 3; d = ((op & 7) << 8) | src[p + 1]!; len = 2;
        break;
      case 'med_d': {
        need(3, 'medium-distance opcode');
        const w = src[p + 1]! | (src[p + 2]! << 8);
        l = (op >> 3) & 3; m = (((op & 7) << 2) | (w & 3)) + 3; d = w >> 2; len = 3;
        break;
      }
      case 'lrg_d':
        need(3, 'large-distance opcode');
        l = op >> 6; m = ((op >> 3) & 7) + 3; d = src[p + 1]! | (src[p + 2]! << 8); len = 3;
        break;
      case 'pre_d':
        l = op >> 6; m = ((op >> 3) & 7) + 3;
        break;
      case 'sml_m': m = op & 0x0f; break;
      case 'lrg_m': need(2, 'large-match opcode'); m = src[p + 1]! + 16; len = 2; break;
      case 'sml_l': l = op & 0x0f; break;
      case 'lrg_l': need(2, 'large-literal opcode'); l = src[p + 1]! + 16; len = 2; break;
      case 'nop': p += 1; continue;
      case 'eos':
        need(8, 'end-of-stream opcode');
        return p + 8;
      case 'udef':
        throw new ParseError('decode', { what: `lzvn undefined opcode 0x${op.toString(16)}`, offset: p });
    }
    p += len;
    if (l > 0) {
      need(l, 'literal bytes');
      if (out.length + l > target) throw new ParseError('decode', { what: 'lzvn literals past the block size', offset: p });
      out.literal(src, p, l, 'lzvn output');
      p += l;
    }
    if (m > 0) {
      if (out.length + m > target) throw new ParseError('decode', { what: 'lzvn match past the block size', offset: p });
      out.match(d, m, 'lzvn', p);
    }
  }
  // The raw size is reached; a well-formed stream ends with its end-of-stream opcode here.
  while (p < end && src[p] === 0x0e) p++;
  if (p + 8 <= end && src[p] === 0x06) return p + 8;
  return p;
}

/** Decode a bare LZVN stream (decmpfs types 7/8) producing exactly `rawBytes` bytes. */
export function lzvnDecode(src: Uint8Array, rawBytes: number, cap = rawBytes): Uint8Array {
  if (rawBytes > cap) throw new ParseError('limit-exceeded', { what: 'lzvn output size', need: rawBytes, have: cap });
  const out = new OutBuf(rawBytes, rawBytes);
  lzvnDecodeInto(src, 0, src.length, out, rawBytes);
  if (out.length !== rawBytes) throw new ParseError('decode', { what: `lzvn stream ended after ${out.length} of ${rawBytes} bytes`, offset: src.length });
  return out.result();
}

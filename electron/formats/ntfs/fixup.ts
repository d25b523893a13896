/**
 * Update sequence ("fixup") arrays: the last two bytes of every 512-byte stride of an MFT or INDX
 * record are replaced on disk by the update sequence number; the real bytes sit in the array.
 * A stride whose tail does not hold the number was torn by an interrupted write.
 */
import { ParseError } from '../../common/issues.js';

/**
 * Returns a copy of `rec` with the fixups applied. Throws `checksum` on a torn stride and
 * `out-of-bounds` when the array does not fit the record.
 */
export function applyFixups(rec: Uint8Array, base: number, what: string): Uint8Array {
  if (rec.length < 8) throw new ParseError('truncated', { what: `${what} update sequence header`, offset: base, need: 8, have: rec.length });
  const usaOff = rec[4]! | (rec[5]! << 8);
  const usaCount = rec[6]! | (rec[7]! << 8);
  if (usaCount < 2) throw new ParseError('out-of-bounds', { what: `${what} update sequence count`, offset: base + 6, need: 2, have: usaCount });
  const strides = usaCount - 1;
  const stride = rec.length / strides;
  if (!Number.isInteger(stride) || stride < 256 || (stride & (stride - 1)) !== 0) {
    throw new ParseError('out-of-bounds', { what: `${what} update sequence count`, offset: base + 6, need: usaCount, have: rec.length / 512 + 1 });
  }
  if (usaOff % 2 !== 0 || usaOff + usaCount * 2 > stride - 2) throw new ParseError('out-of-bounds', { what: `${what} update sequence array`, offset: base + usaOff, need: usaCount * 2, have: stride - 2 - usaOff });
  const out = new Uint8Array(rec); // a copy even when `rec` is a Buffer (whose slice() is a view)
  const usn0 = rec[usaOff]!, usn1 = rec[usaOff + 1]!;
  for (let i = 0; i < strides; i++) {
    const end = (i + 1) * stride - 2;
    if (rec[end] !== usn0 || rec[end + 1] !== usn1) throw new ParseError('checksum', { what: `${what} update sequence (stride ${i})`, offset: base + end });
    out[end] = rec[usaOff + 2 + i * 2]!;
    out[end + 1] = rec[usaOff + 3 + i * 2]!;
  }
  return out;
}

/**
 * Test helper: assemble a bplist00 from raw object encodings so tests can state exactly which
 * bytes a malformed file holds. Objects are laid out in order after the header.
 */
export interface BuildOptions {
  top?: number;
  refSize?: number;
  offsetSize?: number;
  /** Override trailer fields after layout. */
  numObjects?: number;
  offsetTableOffset?: number;
  /** Replace individual offset-table entries. */
  offsets?: Record<number, number>;
}

export function bplist(objects: Uint8Array[], o: BuildOptions = {}): Uint8Array {
  const refSize = o.refSize ?? 1;
  const offSize = o.offsetSize ?? 2;
  const parts: number[] = [...Buffer.from('bplist00', 'latin1')];
  const offsets: number[] = [];
  for (const obj of objects) {
    offsets.push(parts.length);
    parts.push(...obj);
  }
  const tableAt = parts.length;
  offsets.forEach((off, i) => parts.push(...be(o.offsets?.[i] ?? off, offSize)));
  parts.push(0, 0, 0, 0, 0, 0, offSize, refSize);
  parts.push(...be(o.numObjects ?? objects.length, 8), ...be(o.top ?? 0, 8), ...be(o.offsetTableOffset ?? tableAt, 8));
  return Uint8Array.from(parts);
}

export function be(v: number, width: number): number[] {
  const out: number[] = [];
  let x = BigInt(v);
  for (let i = 0; i < width; i++) {
    out.unshift(Number(x & 0xffn));
    x >>= 8n;
  }
  return out;
}

const u8 = (...b: number[]) => Uint8Array.from(b);
/** Array of one-byte refs. */
export const arr = (...refs: number[]) => u8(0xa0 | refs.length, ...refs);
/** Dict of one-byte refs: keys then values. */
export const dict = (keys: number[], vals: number[]) => u8(0xd0 | keys.length, ...keys, ...vals);
export const ascii = (s: string) => u8(0x50 | s.length, ...Buffer.from(s, 'latin1'));
export const int8 = (v: number) => u8(0x10, v);
export const raw = u8;

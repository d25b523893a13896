/** Byte-level mutations for the seeded fuzz tests: one interpreter, each test its own arbitraries. */
export type MutationKind = 'byte' | 'u32le' | 'u32be' | 'u64be' | 'zero' | 'cut';

export interface Mutation {
  kind: MutationKind;
  at: number;
  /** The byte, the integer written, or (zero) how many bytes to clear. */
  value: number;
}

/** A mutated copy of `seed`; a write that would not fit is skipped, `cut` truncates at `at`. */
export function mutate(seed: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let b = Uint8Array.from(seed);
  for (const m of ms) {
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (m.kind === 'cut') b = b.subarray(0, Math.min(m.at, b.length));
    else if (m.kind === 'byte' && m.at < b.length) b[m.at] = m.value;
    else if ((m.kind === 'u32le' || m.kind === 'u32be') && m.at + 4 <= b.length) v.setUint32(m.at, m.value >>> 0, m.kind === 'u32le');
    else if (m.kind === 'u64be' && m.at + 8 <= b.length) v.setBigUint64(m.at, BigInt(m.value));
    else if (m.kind === 'zero') b.fill(0, m.at, Math.min(b.length, m.at + m.value));
  }
  return b;
}

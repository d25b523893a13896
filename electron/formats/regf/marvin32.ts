/**
 * Marvin32 (the 64-bit-output form), the hash that guards new-format transaction log entries.
 * Written from the algorithm's public description (Niels Ferguson / .NET `Marvin`): two 32-bit
 * lanes mixed by add-rotate-xor rounds over little-endian words, padded with 0x80.
 */

/** Seed the registry uses for log entries (Windows 8.1+). */
export const REGISTRY_MARVIN_SEED = 0x82ef4d887a4e55c5n;

function rotl(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0;
}

export function marvin32(data: Uint8Array, seed: bigint = REGISTRY_MARVIN_SEED): bigint {
  let p0 = Number(seed & 0xffffffffn);
  let p1 = Number((seed >> 32n) & 0xffffffffn);
  const block = (): void => {
    p1 = (p1 ^ p0) >>> 0;
    p0 = (rotl(p0, 20) + p1) >>> 0;
    p1 = (rotl(p1, 9) ^ p0) >>> 0;
    p0 = (rotl(p0, 27) + p1) >>> 0;
    p1 = rotl(p1, 19);
  };
  const n = data.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    p0 = (p0 + (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
    block();
  }
  let last: number;
  switch (n - i) {
    case 0: last = 0x80; break;
    case 1: last = 0x8000 | data[i]!; break;
    case 2: last = 0x800000 | data[i]! | (data[i + 1]! << 8); break;
    default: last = (0x80000000 | data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16)) >>> 0;
  }
  p0 = (p0 + last) >>> 0;
  block();
  block();
  return (BigInt(p1) << 32n) | BigInt(p0);
}

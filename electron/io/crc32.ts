/**
 * CRC-32 (IEEE 802.3 / RFC 1952: reflected polynomial 0xEDB88320), the checksum of GPT headers,
 * EVTX chunks, ZIP members and compressed Prefetch; ZipCrypto updates its keys with the same
 * table. One implementation for all of them.
 */
export const CRC32_TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The raw register update (no pre/post inversion), for callers that manage those themselves. */
export function crc32Update(crc: number, bytes: Uint8Array): number {
  let c = crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC32_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return c >>> 0;
}

/** CRC-32 of the bytes, continuing from `seed` (a previous CRC), as zlib's crc32(data, value). */
export function crc32(bytes: Uint8Array, seed = 0): number {
  return (crc32Update((seed ^ 0xffffffff) >>> 0, bytes) ^ 0xffffffff) >>> 0;
}

/** CRC over several byte ranges as if they were concatenated. */
export function crc32Parts(...parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const p of parts) c = crc32Update(c, p);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Directory-record name hashing and name comparison. APFS hashes a name as CRC-32C over the
 * UTF-32LE code points of its canonical decomposition (NFD), case-folded first on case-insensitive
 * volumes, seeded with 0xFFFFFFFF and without the final complement; the key keeps the low 22 bits. JavaScript has no full Unicode case folding, so
 * `foldName` lower-cases after NFD: exact for ASCII and the common scripts, approximate for the
 * few characters whose full folding differs (ß, ligatures); lookups compare folded names, the hash
 * is only a hint.
 */
const CRC32C_TABLE = ((): Uint32Array => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32c(bytes: Uint8Array, seed = 0xffffffff): number {
  let c = seed >>> 0;
  for (const b of bytes) c = CRC32C_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return c >>> 0;
}

export function foldName(name: string, caseInsensitive: boolean): string {
  const d = name.normalize('NFD');
  return caseInsensitive ? d.toLowerCase().normalize('NFD') : d;
}

/** The 22-bit hash stored in j_drec_hashed_key_t.name_len_and_hash (bits 10-31). */
export function drecNameHash(name: string, caseInsensitive: boolean): number {
  const cps = Array.from(foldName(name, caseInsensitive), (ch) => ch.codePointAt(0)!);
  const buf = new Uint8Array(cps.length * 4);
  const v = new DataView(buf.buffer);
  cps.forEach((cp, i) => v.setUint32(i * 4, cp, true));
  // Seeded with ~0 and not complemented at the end (checked against newfs_apfs-made volumes).
  return crc32c(buf) & 0x3fffff;
}

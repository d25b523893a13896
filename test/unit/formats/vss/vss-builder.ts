/**
 * Small VSS volumes built in memory for unit and fuzz tests: a volume of 16 KiB blocks whose
 * block k is filled with byte k (so any block read back names where it came from), a VSS header,
 * one catalog block and per store a header, block list and optional bitmap (SPEC.md layouts).
 */
export const B = 0x4000;
const ID = [0x6b, 0x87, 0x08, 0x38, 0x76, 0xc1, 0x48, 0x4e, 0xb7, 0xae, 0x04, 0x04, 0x6e, 0x6c, 0xc7, 0x52];

export interface Desc { orig: number; rel: number; store: number; flags?: number; bitmap?: number }
export interface StoreSpec { guidByte: number; time: bigint; descs: Desc[]; bitmapBlocks?: number[] }

export interface Built { bytes: Uint8Array; catalog: number; lists: number[]; headers: number[] }

/** `blocks` blocks; metadata goes in the last blocks (catalog, then per store: header, list, bitmap). */
export function buildVss(blocks: number, stores: StoreSpec[]): Built {
  const v = new Uint8Array(blocks * B);
  for (let k = 0; k < blocks; k++) v.fill(k & 0xff, k * B, (k + 1) * B);
  const dv = new DataView(v.buffer);
  const u64 = (o: number, x: number | bigint): void => dv.setBigUint64(o, BigInt(x), true);
  const blockHeader = (o: number, type: number, next: number): void => {
    v.fill(0, o, o + B);
    v.set(ID, o);
    dv.setUint32(o + 16, 1, true);
    dv.setUint32(o + 20, type, true);
    u64(o + 32, o);
    u64(o + 40, next);
  };
  v.fill(0, 0x1e00, 0x2000);
  v.set(ID, 0x1e00);
  dv.setUint32(0x1e00 + 16, 1, true);
  dv.setUint32(0x1e00 + 20, 1, true);
  let top = blocks;
  const take = (): number => --top * B;
  const catalog = take();
  u64(0x1e00 + 48, catalog);
  blockHeader(catalog, 2, 0);
  const lists: number[] = [];
  const headers: number[] = [];
  stores.forEach((s, i) => {
    const guid = new Uint8Array(16).fill(s.guidByte);
    const hdr = take();
    const list = take();
    const bm = s.bitmapBlocks ? take() : 0;
    headers.push(hdr);
    lists.push(list);
    const e2 = catalog + 128 + i * 256;
    u64(e2, 2); u64(e2 + 8, blocks * B); v.set(guid, e2 + 16); u64(e2 + 48, s.time);
    const e3 = e2 + 128;
    u64(e3, 3); u64(e3 + 8, list); v.set(guid, e3 + 16); u64(e3 + 32, hdr); u64(e3 + 48, bm);
    blockHeader(hdr, 4, 0);
    u64(hdr + 48, 70);
    blockHeader(list, 3, 0);
    s.descs.forEach((d, j) => {
      const o = list + 128 + j * 32;
      u64(o, d.orig); u64(o + 8, d.rel); u64(o + 16, d.store);
      dv.setUint32(o + 24, d.flags ?? 0, true);
      dv.setUint32(o + 28, d.bitmap ?? 0, true);
    });
    if (bm) {
      blockHeader(bm, 6, 0);
      for (const k of s.bitmapBlocks!) v[bm + 128 + (k >> 3)]! |= 1 << (k & 7);
    }
  });
  return { bytes: v, catalog, lists, headers };
}

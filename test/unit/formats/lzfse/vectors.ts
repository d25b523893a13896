/**
 * Test vectors. `LZVN_OPS` is a hand-assembled LZVN stream using every opcode kind; its expected
 * output was worked out by hand from the opcode table in SPEC.md. `udifChunks` finds the chunks of
 * a UDIF DMG (koly trailer → XML plist → blkx mish tables), so the corpus pair
 * node-udif compression-lzfse.dmg / compression-raw.dmg yields real Apple-made LZFSE (bvx2) and
 * LZVN (bvxn) streams with their known decompressed bytes.
 */
import { parse as parsePlist } from 'plist';

const b = (...xs: (number | string)[]): number[] => xs.flatMap((x) => (typeof x === 'string' ? Array.from(Buffer.from(x, 'latin1')) : [x]));

export const LZVN_OPS = Uint8Array.from(b(
  0xe3, 'abc', //          sml_l  L=3
  0x30, 0x03, //           sml_d  L=0 M=9 D=3
  0x46, 'Y', //            pre_d  L=1 M=3 (previous D)
  0x07, 0x03, 0x00, //     lrg_d  L=0 M=3 D=3 (u16)
  0x0e, //                 nop
  0xa0, 0x0e, 0x00, //     med_d  L=0 M=5 D=3
  0xf4, //                 sml_m  M=4 (previous D)
  0xe0, 0x02, '0123456789ABCDEFGH', // lrg_l L=16+2
  0x06, 0, 0, 0, 0, 0, 0, 0, // eos
));
export const LZVN_TEXT = 'abcabcabcabcYbcYbcYbcYbcYbcY0123456789ABCDEFGH';

export function u32le(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
}

export function bvxRaw(data: Uint8Array): Uint8Array {
  return Uint8Array.from([...b('bvx-'), ...u32le(data.length), ...data]);
}

export function bvxn(raw: number, payload: Uint8Array): Uint8Array {
  return Uint8Array.from([...b('bvxn'), ...u32le(raw), ...u32le(payload.length), ...payload]);
}

export const BVX_END = Uint8Array.from(b('bvx$'));

export function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

export interface UdifChunk { type: number; offset: number; length: number; inOffset: number; inLength: number }

export function udifChunks(dmg: Uint8Array): UdifChunk[] {
  const v = new DataView(dmg.buffer, dmg.byteOffset, dmg.byteLength);
  const k = dmg.length - 512;
  const be64 = (o: number): number => Number(v.getBigUint64(o, false));
  const dataFork = be64(k + 0x18);
  const xml = Buffer.from(dmg.subarray(be64(k + 0xd8), be64(k + 0xd8) + be64(k + 0xe0))).toString('utf8');
  const blkx = ((parsePlist(xml) as Record<string, Record<string, { Data: Buffer }[]>>)['resource-fork']!)['blkx']!;
  const out: UdifChunk[] = [];
  for (const entry of blkx) {
    const m = new DataView(entry.Data.buffer, entry.Data.byteOffset, entry.Data.byteLength);
    const start = Number(m.getBigUint64(8, false));
    const dataStart = Number(m.getBigUint64(0x18, false));
    const n = m.getUint32(0xc8, false);
    for (let i = 0; i < n; i++) {
      const e = 0xcc + 40 * i;
      out.push({
        type: m.getUint32(e, false), offset: (start + Number(m.getBigUint64(e + 8, false))) * 512, length: Number(m.getBigUint64(e + 16, false)) * 512,
        inOffset: dataFork + dataStart + Number(m.getBigUint64(e + 24, false)), inLength: Number(m.getBigUint64(e + 32, false)),
      });
    }
  }
  return out;
}

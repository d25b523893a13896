/**
 * Builds small FAT12 volumes byte by byte (no mkfs.vfat on this box): 512-byte sectors and
 * clusters, 1 reserved sector, 2 FATs of 6 sectors, a 64-slot root directory, 2048 sectors.
 * Enough to place long names, case flags, deleted entries, fragmented chains and loops exactly.
 */
import { shortNameChecksum } from '../../electron/formats/fat/index.js';

export const GEOMETRY = { bps: 512, reserved: 1, fats: 2, fatSectors: 6, rootEntries: 64, total: 2048 } as const;
const ROOT_SECTOR = GEOMETRY.reserved + GEOMETRY.fats * GEOMETRY.fatSectors;
const HEAP_SECTOR = ROOT_SECTOR + (GEOMETRY.rootEntries * 32) / GEOMETRY.bps;

export interface ShortOpts { attr?: number; cluster?: number; size?: number; caseFlags?: number; deleted?: boolean; tenths?: number }

/** One 8.3 slot; `name11` is the stored 11 bytes (space padded). Times: 2021-06-15 10:20:30. */
export function shortSlot(name11: string, o: ShortOpts = {}): Uint8Array {
  const s = new Uint8Array(32);
  for (let i = 0; i < 11; i++) s[i] = name11.charCodeAt(i);
  if (o.deleted) s[0] = 0xe5;
  s[11] = o.attr ?? 0x20;
  s[12] = o.caseFlags ?? 0;
  s[13] = o.tenths ?? 0;
  const date = ((2021 - 1980) << 9) | (6 << 5) | 15;
  const time = (10 << 11) | (20 << 5) | 15;
  const dv = new DataView(s.buffer);
  dv.setUint16(14, time, true); dv.setUint16(16, date, true); dv.setUint16(18, date, true);
  dv.setUint16(22, time, true); dv.setUint16(24, date, true);
  const c = o.cluster ?? 0;
  dv.setUint16(20, c >>> 16, true); dv.setUint16(26, c & 0xffff, true);
  dv.setUint32(28, o.size ?? 0, true);
  return s;
}

/** The long-name slots for `long`, last part first as on disk; `checksum` defaults to the 8.3 name's. */
export function lfnSlots(long: string, name11: string, opts: { checksum?: number; deleted?: boolean } = {}): Uint8Array[] {
  const units = [...Buffer.from(long, 'utf16le')].reduce<number[]>((a, b, i, arr) => (i % 2 ? a : [...a, b | (arr[i + 1]! << 8)]), []);
  if (units.length % 13) units.push(0);
  while (units.length % 13) units.push(0xffff);
  const raw = Uint8Array.from(name11, (c) => c.charCodeAt(0));
  const sum = opts.checksum ?? shortNameChecksum(raw);
  const n = units.length / 13;
  const out: Uint8Array[] = [];
  const offs = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];
  for (let k = n; k >= 1; k--) {
    const s = new Uint8Array(32);
    s[0] = opts.deleted ? 0xe5 : k | (k === n ? 0x40 : 0);
    s[11] = 0x0f;
    s[13] = sum;
    offs.forEach((o, j) => { const u = units[(k - 1) * 13 + j]!; s[o] = u & 0xff; s[o + 1] = u >> 8; });
    out.push(s);
  }
  return out;
}

export interface FatSpec {
  root: Uint8Array[];
  /** Cluster → bytes (at most 512). */
  clusters: Map<number, Uint8Array>;
  /** Cluster → next (0xFFF = end of chain). */
  fat: Map<number, number>;
}

export function buildFat12(spec: FatSpec): Uint8Array {
  const g = GEOMETRY;
  const img = new Uint8Array(g.total * g.bps);
  const dv = new DataView(img.buffer);
  img.set([0xeb, 0x3c, 0x90], 0);
  img.set(Buffer.from('MSWIN4.1'), 3);
  dv.setUint16(11, g.bps, true); img[13] = 1; dv.setUint16(14, g.reserved, true); img[16] = g.fats;
  dv.setUint16(17, g.rootEntries, true); dv.setUint16(19, g.total, true); img[21] = 0xf8; dv.setUint16(22, g.fatSectors, true);
  img[38] = 0x29; dv.setUint32(39, 0x1234abcd, true); img.set(Buffer.from('TESTVOL    FAT12   '), 43);
  img[510] = 0x55; img[511] = 0xaa;
  const entries = new Map(spec.fat);
  entries.set(0, 0xff8); entries.set(1, 0xfff);
  for (let f = 0; f < g.fats; f++) {
    const base = (g.reserved + f * g.fatSectors) * g.bps;
    for (const [c, v] of entries) {
      const off = base + Math.floor((c * 3) / 2);
      if (c & 1) { img[off] = (img[off]! & 0x0f) | ((v & 0x0f) << 4); img[off + 1] = v >> 4; }
      else { img[off] = v & 0xff; img[off + 1] = (img[off + 1]! & 0xf0) | (v >> 8); }
    }
  }
  spec.root.forEach((s, i) => img.set(s, ROOT_SECTOR * g.bps + i * 32));
  for (const [c, b] of spec.clusters) img.set(b.subarray(0, g.bps), (HEAP_SECTOR + c - 2) * g.bps);
  return img;
}

/** A directory cluster from slots (`.` and `..` first, as drivers write them). */
export function dirCluster(self: number, parent: number, slots: Uint8Array[]): Uint8Array {
  const b = new Uint8Array(GEOMETRY.bps);
  [shortSlot('.          ', { attr: 0x10, cluster: self }), shortSlot('..         ', { attr: 0x10, cluster: parent }), ...slots].forEach((s, i) => b.set(s, i * 32));
  return b;
}

/** Hand-built MBR and GPT disks for the partition-table tests and fuzzers. */
import { crc32 } from '../../../../electron/formats/gpt/index.js';

export interface MbrEntry { type: number; lba: number; sectors: number; status?: number }

export function putMbrEntries(disk: Uint8Array, sectorOffset: number, entries: MbrEntry[]): void {
  const dv = new DataView(disk.buffer, disk.byteOffset);
  const base = sectorOffset * 512;
  entries.forEach((e, i) => {
    const at = base + 0x1be + i * 16;
    disk[at] = e.status ?? 0;
    disk[at + 4] = e.type;
    dv.setUint32(at + 8, e.lba, true);
    dv.setUint32(at + 12, e.sectors, true);
  });
  disk[base + 510] = 0x55;
  disk[base + 511] = 0xaa;
}

/** A 512 KiB disk: primary 0x07 at sector 4, an extended partition at 200 holding two logicals (0x83 at 202, 0x07 at 302). */
export function mbrDisk(): Uint8Array {
  const disk = new Uint8Array(1024 * 512);
  putMbrEntries(disk, 0, [{ type: 0x07, lba: 4, sectors: 100, status: 0x80 }, { type: 0x05, lba: 200, sectors: 800 }]);
  putMbrEntries(disk, 200, [{ type: 0x83, lba: 2, sectors: 98 }, { type: 0x05, lba: 100, sectors: 200 }]);
  putMbrEntries(disk, 300, [{ type: 0x07, lba: 2, sectors: 198 }]);
  return disk;
}

function guidBytes(g: string): Uint8Array {
  const h = g.replace(/-/g, '');
  const b = Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16)));
  const out = Uint8Array.from(b);
  out.set([b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!], 0);
  return out;
}

export const BASIC_DATA = 'ebd0a0a2-b9e5-4433-87c0-68b6b72699c7';

/** A GPT disk of `sectors` 512-byte sectors with the given partitions, primary and backup. */
export function gptDisk(sectors: number, parts: { first: number; last: number; name: string; type?: string }[]): Uint8Array {
  const disk = new Uint8Array(sectors * 512);
  putMbrEntries(disk, 0, [{ type: 0xee, lba: 1, sectors: sectors - 1 }]);
  const entries = new Uint8Array(128 * 128);
  const dv = new DataView(entries.buffer);
  parts.forEach((p, i) => {
    entries.set(guidBytes(p.type ?? BASIC_DATA), i * 128);
    entries.set(guidBytes(`0000000${i}-0000-4000-8000-000000000000`), i * 128 + 16);
    dv.setBigUint64(i * 128 + 32, BigInt(p.first), true);
    dv.setBigUint64(i * 128 + 40, BigInt(p.last), true);
    [...p.name].forEach((c, k) => dv.setUint16(i * 128 + 56 + k * 2, c.charCodeAt(0), true));
  });
  const last = sectors - 1;
  const header = (current: number, backup: number, entriesLba: number): Uint8Array => {
    const h = new Uint8Array(512);
    const v = new DataView(h.buffer);
    h.set([...'EFI PART'].map((c) => c.charCodeAt(0)), 0);
    v.setUint32(8, 0x00010000, true);
    v.setUint32(12, 92, true);
    v.setBigUint64(24, BigInt(current), true);
    v.setBigUint64(32, BigInt(backup), true);
    v.setBigUint64(40, 34n, true);
    v.setBigUint64(48, BigInt(last - 33), true);
    v.setBigUint64(72, BigInt(entriesLba), true);
    v.setUint32(80, 128, true);
    v.setUint32(84, 128, true);
    v.setUint32(88, crc32(entries), true);
    v.setUint32(16, crc32(h.subarray(0, 92)), true);
    return h;
  };
  disk.set(header(1, last, 2), 512);
  disk.set(entries, 2 * 512);
  disk.set(entries, (last - 32) * 512);
  disk.set(header(last, 1, last - 32), last * 512);
  return disk;
}

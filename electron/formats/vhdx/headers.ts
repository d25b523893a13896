import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';

const KiB = 1024;
const MiB = 1024 * 1024;

let table: Uint32Array | null = null;
/** CRC-32C (Castagnoli, reflected 0x82F63B78), the VHDX header and region table checksum. */
export function crc32c(b: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const x of b) crc = table[(crc ^ x) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A GUID as text, first three fields little-endian (Microsoft byte order). */
export function guidText(b: Uint8Array): string {
  const h = [...b].map((x) => x.toString(16).padStart(2, '0'));
  const le = (a: number, n: number) => h.slice(a, a + n).reverse().join('');
  return `${le(0, 4)}-${le(4, 2)}-${le(6, 2)}-${h.slice(8, 10).join('')}-${h.slice(10, 16).join('')}`.toUpperCase();
}

/** True when the 4-byte checksum at `at` equals CRC-32C over `bytes` with that field zeroed. */
function checksumOk(bytes: Uint8Array, at: number): boolean {
  const copy = bytes.slice();
  const stored = new ByteCursor(bytes).u32(at, 'checksum');
  copy.fill(0, at, at + 4);
  return crc32c(copy) === stored;
}

export interface VhdxHeader {
  at: number;
  sequence: bigint;
  logGuid: string;
  logLength: number;
  logOffset: number;
  version: number;
}

/** The two 4 KiB headers at 64 KiB and 128 KiB: the valid one with the higher sequence number is current. */
export async function readCurrentHeader(reader: Reader, note: (msg: string, off: number) => void): Promise<VhdxHeader> {
  const found: VhdxHeader[] = [];
  for (const at of [64 * KiB, 128 * KiB]) {
    const bytes = await reader.read(at, 4 * KiB);
    const c = new ByteCursor(bytes, at);
    if (bytes.length < 4 * KiB || c.ascii(0, 4, 'header signature') !== 'head') {
      note('VHDX header missing (no "head" signature)', at);
      continue;
    }
    if (!checksumOk(bytes, 4)) {
      note('VHDX header checksum mismatch; header ignored', at);
      continue;
    }
    found.push({
      at,
      sequence: c.u64big(8, 'header sequence number'),
      logGuid: guidText(c.raw(48, 16, 'header log guid')),
      version: c.u16(66, 'header version'),
      logLength: c.u32(68, 'header log length'),
      logOffset: c.u64(72, 'header log offset'),
    });
  }
  if (found.length === 0) throw new ParseError('checksum', { what: 'VHDX headers', offset: 64 * KiB }, 'neither VHDX header is valid');
  found.sort((a, b) => (a.sequence > b.sequence ? -1 : a.sequence < b.sequence ? 1 : 0));
  const h = found[0]!;
  if (h.version !== 1) throw new ParseError('unsupported-version', { what: 'VHDX header version', offset: h.at + 66 }, `VHDX version ${h.version} (only 1 is defined)`);
  return h;
}

export const BAT_GUID = '2DC27766-F623-4200-9D64-115E9BFD4A08';
export const METADATA_GUID = '8B7CA206-4790-4B9A-B8FE-575F050F886E';

export interface Region {
  guid: string;
  offset: number;
  length: number;
  required: boolean;
}

/** Region table at 192 KiB (copy at 256 KiB): 64 KiB, CRC-32C, up to 2047 entries of 32 bytes. */
export async function readRegions(reader: Reader, note: (msg: string, off: number) => void): Promise<Region[]> {
  for (const at of [192 * KiB, 256 * KiB]) {
    const bytes = await reader.read(at, 64 * KiB);
    const c = new ByteCursor(bytes, at);
    if (bytes.length < 64 * KiB || c.ascii(0, 4, 'region table signature') !== 'regi' || !checksumOk(bytes, 4)) {
      note('VHDX region table missing or checksum mismatch', at);
      continue;
    }
    const count = Math.min(c.u32(8, 'region table entry count'), 2047);
    const out: Region[] = [];
    for (let i = 0; i < count; i++) {
      const e = 16 + i * 32;
      out.push({
        guid: guidText(c.raw(e, 16, 'region guid')),
        offset: c.u64(e + 16, 'region file offset'),
        length: c.u32(e + 24, 'region length'),
        required: (c.u32(e + 28, 'region required') & 1) !== 0,
      });
    }
    return out;
  }
  throw new ParseError('checksum', { what: 'VHDX region tables', offset: 192 * KiB }, 'neither VHDX region table is valid');
}

export const META = {
  fileParameters: 'CAA16737-FA36-4D43-B3B6-33F0AA44E76B',
  virtualDiskSize: '2FA54224-CD1B-4876-B211-5DBED83BF4B8',
  virtualDiskId: 'BECA12AB-B2E6-4523-93EF-C309E000C746',
  logicalSectorSize: '8141BF1D-A96F-4709-BA47-F233A8FAAB5F',
  physicalSectorSize: 'CDA348C7-445D-4471-9CC9-E9885251C556',
  parentLocator: 'A8D35F2D-B30B-454D-ABF7-D3D84834AB0C',
};

export interface VhdxMetadata {
  blockSize: number;
  hasParent: boolean;
  virtualDiskSize: number;
  logicalSectorSize: number;
  virtualDiskId: string | null;
  parentLocator: Record<string, string>;
}

/** Metadata region: "metadata" table of up to 2047 items (GUID, offset from region start, length). */
export async function readMetadata(reader: Reader, region: Region): Promise<VhdxMetadata> {
  if (region.length > 1 * MiB * 64 || region.offset + region.length > reader.size) {
    throw new ParseError('out-of-bounds', { what: 'VHDX metadata region', offset: region.offset });
  }
  const c = new ByteCursor(await reader.read(region.offset, region.length), region.offset);
  if (c.ascii(0, 8, 'metadata table signature') !== 'metadata') throw new ParseError('bad-signature', { what: 'VHDX metadata table signature', offset: region.offset });
  const count = Math.min(c.u16(10, 'metadata entry count'), 2047);
  const items = new Map<string, ByteCursor>();
  for (let i = 0; i < count; i++) {
    const e = 32 + i * 32;
    const id = guidText(c.raw(e, 16, 'metadata item id'));
    const off = c.u32(e + 16, 'metadata item offset');
    const len = c.u32(e + 20, 'metadata item length');
    if (len > 0) items.set(id, c.slice(off, len, `metadata item ${id}`));
  }
  const need = (id: string, what: string): ByteCursor => {
    const it = items.get(id);
    if (!it) throw new ParseError('truncated', { what: `VHDX metadata ${what}`, offset: region.offset }, `VHDX metadata lacks the required ${what} item`);
    return it;
  };
  const fp = need(META.fileParameters, 'file parameters');
  const blockSize = fp.u32(0, 'block size');
  if (blockSize < MiB || blockSize > 256 * MiB || (blockSize & (blockSize - 1)) !== 0) {
    throw new ParseError('out-of-bounds', { what: 'VHDX block size', offset: fp.base }, `VHDX block size ${blockSize} outside 1..256 MiB power of two`);
  }
  const logicalSectorSize = need(META.logicalSectorSize, 'logical sector size').u32(0, 'logical sector size');
  if (logicalSectorSize !== 512 && logicalSectorSize !== 4096) {
    throw new ParseError('out-of-bounds', { what: 'VHDX logical sector size' }, `VHDX logical sector size ${logicalSectorSize} is not 512 or 4096`);
  }
  const idItem = items.get(META.virtualDiskId);
  return {
    blockSize,
    hasParent: (fp.u32(4, 'file parameters flags') & 2) !== 0,
    virtualDiskSize: need(META.virtualDiskSize, 'virtual disk size').u64(0, 'virtual disk size'),
    logicalSectorSize,
    virtualDiskId: idItem && idItem.length >= 16 ? guidText(idItem.raw(0, 16, 'virtual disk id')) : null,
    parentLocator: parseParentLocator(items.get(META.parentLocator)),
  };
}

/** Parent locator: type GUID, reserved u16, count u16, then entries (key off u32, value off u32, key len u16, value len u16). */
function parseParentLocator(c: ByteCursor | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!c) return out;
  const count = Math.min(c.u16(18, 'parent locator key-value count'), 256);
  for (let i = 0; i < count; i++) {
    const e = 20 + i * 12;
    const key = c.raw(c.u32(e, 'key offset'), c.u16(e + 8, 'key length'), 'parent locator key');
    const value = c.raw(c.u32(e + 4, 'value offset'), c.u16(e + 10, 'value length'), 'parent locator value');
    out[new TextDecoder('utf-16le').decode(key)] = new TextDecoder('utf-16le').decode(value);
  }
  return out;
}

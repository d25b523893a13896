import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';

export const VHD_COOKIE = 'conectix';
export const DISK_FIXED = 2;
export const DISK_DYNAMIC = 3;
export const DISK_DIFFERENCING = 4;

export interface VhdFooter {
  /** Where the footer was read from (end of file, or the copy at 0 of a dynamic disk). */
  at: number;
  dataOffset: number | null;
  currentSize: number;
  diskType: number;
  creatorApp: string;
  uniqueId: string;
  checksumOk: boolean;
}

export function uuid(b: Uint8Array): string {
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** One's complement of the byte sum with the checksum field (64..68) counted as zero. */
export function vhdChecksum(b: Uint8Array, skipAt: number, len: number): number {
  let sum = 0;
  for (let i = 0; i < len; i++) if (i < skipAt || i >= skipAt + 4) sum += b[i]!;
  return ~sum >>> 0;
}

/** Big-endian 512-byte footer (hard disk footer). */
export function parseFooter(bytes: Uint8Array, at: number): VhdFooter {
  const c = new ByteCursor(bytes, at);
  if (c.ascii(0, 8, 'footer cookie') !== VHD_COOKIE) throw new ParseError('bad-signature', { what: 'VHD footer cookie', offset: at });
  const dataOffsetBig = c.u64bigBe(16, 'footer data offset');
  const currentSize = c.u64be(48, 'footer current size');
  return {
    at,
    dataOffset: dataOffsetBig === 0xffffffffffffffffn ? null : Number(dataOffsetBig > BigInt(Number.MAX_SAFE_INTEGER) ? -1n : dataOffsetBig),
    currentSize,
    diskType: c.u32be(60, 'footer disk type'),
    creatorApp: c.ascii(28, 4, 'footer creator application').replace(/\0/g, ''),
    uniqueId: uuid(c.raw(68, 16, 'footer unique id')),
    checksumOk: c.u32be(64, 'footer checksum') === vhdChecksum(bytes, 64, 512),
  };
}

/** The footer at the end (512 bytes, or 511 from very old writers), else the copy at offset 0. */
export async function findFooter(reader: Reader): Promise<VhdFooter> {
  const candidates = [reader.size - 512, reader.size - 511, 0].filter((x) => x >= 0 && x + 511 <= reader.size);
  let fallback: VhdFooter | null = null;
  for (const at of candidates) {
    const b = new Uint8Array(512);
    b.set(await reader.read(at, 512));
    try {
      const f = parseFooter(b, at);
      if (f.checksumOk) return f;
      fallback ??= f;
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
    }
  }
  if (fallback) return fallback;
  throw new ParseError('bad-signature', { what: 'VHD footer', offset: Math.max(0, reader.size - 512) }, 'no VHD footer (conectix) at the end or start of the file');
}

export interface ParentLocator {
  platform: string;
  path: string;
}

export interface DynamicHeader {
  tableOffset: number;
  maxTableEntries: number;
  blockSize: number;
  parentUniqueId: string;
  parentName: string;
  locators: ParentLocator[];
  checksumOk: boolean;
}

const MAX_LOCATOR_BYTES = 64 * 1024;

/** Big-endian 1024-byte dynamic disk header ("cxsparse"). */
export async function readDynamicHeader(reader: Reader, at: number): Promise<DynamicHeader> {
  const bytes = await reader.read(at, 1024);
  const c = new ByteCursor(bytes, at);
  if (c.ascii(0, 8, 'dynamic header cookie') !== 'cxsparse') throw new ParseError('bad-signature', { what: 'VHD dynamic header cookie', offset: at });
  const blockSize = c.u32be(32, 'dynamic header block size');
  if (blockSize < 512 || blockSize > 256 * 1024 * 1024 || (blockSize & (blockSize - 1)) !== 0) {
    throw new ParseError('out-of-bounds', { what: 'dynamic header block size', offset: at + 32 }, `VHD block size ${blockSize} is not a power of two in [512 B, 256 MiB]`);
  }
  const nameUnits = new Uint8Array(512);
  const rawName = c.raw(64, 512, 'dynamic header parent name');
  for (let i = 0; i < 512; i += 2) {
    // UTF-16BE → LE
    nameUnits[i] = rawName[i + 1]!;
    nameUnits[i + 1] = rawName[i]!;
  }
  const parentName = new TextDecoder('utf-16le').decode(nameUnits).replace(/\0.*$/s, '');
  const locators: ParentLocator[] = [];
  for (let i = 0; i < 8; i++) {
    const e = 576 + i * 24;
    const code = c.ascii(e, 4, 'parent locator platform code');
    const length = c.u32be(e + 8, 'parent locator data length');
    const offset = c.u64be(e + 16, 'parent locator data offset');
    if (code === '\0\0\0\0' || length === 0 || length > MAX_LOCATOR_BYTES || offset + length > reader.size) continue;
    const data = await reader.read(offset, length);
    const path = code.startsWith('W2') ? new TextDecoder('utf-16le').decode(data)
      : code.startsWith('Mac') ? safeUri(new TextDecoder().decode(data).replace(/^file:\/\/(localhost)?/, ''))
      : new TextDecoder('latin1').decode(data);
    locators.push({ platform: code, path: path.replace(/\0.*$/s, '') });
  }
  return {
    tableOffset: c.u64be(16, 'dynamic header table offset'),
    maxTableEntries: c.u32be(28, 'dynamic header max table entries'),
    blockSize,
    parentUniqueId: uuid(c.raw(40, 16, 'dynamic header parent unique id')),
    parentName,
    locators,
    checksumOk: c.u32be(36, 'dynamic header checksum') === vhdChecksum(bytes, 36, 1024),
  };
}

function safeUri(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** File header (4 KiB block) and chunk header (first 512 bytes of each 64 KiB chunk). SPEC.md §1-2. */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { crc32 } from './crc32.js';
import type { EvtxChunkHeader, EvtxFileHeader } from './types.js';

export const FILE_HEADER_SIZE = 4096;
export const CHUNK_SIZE = 65536;
export const CHUNK_HEADER_SIZE = 512;
const FILE_MAGIC = 'ElfFile\0';
const CHUNK_MAGIC = 'ElfChnk\0';

export function parseFileHeader(bytes: Uint8Array, fileSize: number): EvtxFileHeader {
  const c = new ByteCursor(bytes, 0);
  c.need(0, 128, 'file header');
  if (c.ascii(0, 8, 'file signature') !== FILE_MAGIC) {
    throw new ParseError('bad-signature', { what: 'file signature "ElfFile"', offset: 0 });
  }
  const checksum = c.u32(0x7c, 'file header checksum');
  const flags = c.u32(0x78, 'file flags');
  return {
    firstChunk: c.u64(0x08, 'first chunk number'),
    lastChunk: c.u64(0x10, 'last chunk number'),
    nextRecordId: c.u64(0x18, 'next record identifier'),
    minorVersion: c.u16(0x24, 'minor version'),
    majorVersion: c.u16(0x26, 'major version'),
    headerBlockSize: c.u16(0x28, 'header block size'),
    chunkCount: c.u16(0x2a, 'number of chunks'),
    chunksInFile: chunksIn(fileSize),
    dirty: (flags & 1) !== 0,
    full: (flags & 2) !== 0,
    flags,
    checksum,
    checksumOk: crc32(bytes.subarray(0, 0x78)) === checksum,
  };
}

/** Whole chunks, plus a cut-off last chunk when at least its header is there (truncated copies). */
function chunksIn(fileSize: number): number {
  const rest = Math.max(0, fileSize - FILE_HEADER_SIZE);
  return Math.floor(rest / CHUNK_SIZE) + (rest % CHUNK_SIZE >= CHUNK_HEADER_SIZE ? 1 : 0);
}

/** True when a chunk slot was never written (all zero signature area), which is not an error. */
export function isEmptyChunk(chunk: Uint8Array): boolean {
  for (let i = 0; i < Math.min(chunk.length, CHUNK_HEADER_SIZE); i++) if (chunk[i] !== 0) return false;
  return true;
}

export function hasChunkMagic(chunk: Uint8Array): boolean {
  if (chunk.length < 8) return false;
  for (let i = 0; i < 8; i++) if (chunk[i] !== CHUNK_MAGIC.charCodeAt(i)) return false;
  return true;
}

/** Reads a chunk header; the caller has checked the magic. CRCs are reported, never enforced. */
export function parseChunkHeader(chunk: Uint8Array, index: number, offset: number): EvtxChunkHeader {
  const c = new ByteCursor(chunk, offset);
  c.need(0, CHUNK_HEADER_SIZE, 'chunk header');
  const freeSpaceOffset = c.u32(0x30, 'free space offset');
  const dataEnd = Math.min(Math.max(freeSpaceOffset, CHUNK_HEADER_SIZE), chunk.length);
  const headerCrc = crc32(chunk.subarray(0, 0x78), chunk.subarray(0x80, CHUNK_HEADER_SIZE));
  const dataCrc = crc32(chunk.subarray(CHUNK_HEADER_SIZE, dataEnd));
  return {
    index,
    offset,
    firstRecordNumber: c.u64(0x08, 'first event record number'),
    lastRecordNumber: c.u64(0x10, 'last event record number'),
    firstRecordId: c.u64(0x18, 'first event record identifier'),
    lastRecordId: c.u64(0x20, 'last event record identifier'),
    lastRecordOffset: c.u32(0x2c, 'last event record offset'),
    freeSpaceOffset,
    headerCrcOk: headerCrc === c.u32(0x7c, 'chunk header checksum'),
    dataCrcOk: dataCrc === c.u32(0x34, 'event records checksum'),
  };
}

/** The 4096-byte regf base block (SPEC.md §2): signature, sequence numbers, root cell, checksum. */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { filetimeIso, UTF16 } from './constants.js';

export interface BaseBlock {
  primarySeq: number;
  secondarySeq: number;
  lastWritten: string | null;
  major: number;
  minor: number;
  /** 0 primary file, 1/2 old-format log, 6 new-format log. */
  fileType: number;
  fileFormat: number;
  rootCell: number;
  hbinsSize: number;
  clustering: number;
  fileName: string;
  checksum: number;
  checksumOk: boolean;
}

/** XOR of the first 127 dwords, with 0 and -1 remapped as Windows does. */
export function baseBlockChecksum(bytes: Uint8Array): number {
  const c = new ByteCursor(bytes);
  let x = 0;
  for (let i = 0; i < 508; i += 4) x ^= c.u32(i, 'base block checksum input');
  x >>>= 0;
  if (x === 0xffffffff) return 0xfffffffe;
  if (x === 0) return 1;
  return x;
}

/** Parses the first 512 bytes (all that carries meaning; old logs store only those). */
export function parseBaseBlock(bytes: Uint8Array, base = 0): BaseBlock {
  const c = new ByteCursor(bytes, base);
  c.need(0, 512, 'regf base block');
  if (c.ascii(0, 4, 'base block signature') !== 'regf') {
    throw new ParseError('bad-signature', { what: 'regf base block signature', offset: base });
  }
  const checksum = c.u32(0x1fc, 'base block checksum');
  const nameBytes = c.raw(0x30, 64, 'embedded file name');
  let end = 0;
  while (end + 1 < nameBytes.length && (nameBytes[end] !== 0 || nameBytes[end + 1] !== 0)) end += 2;
  return {
    primarySeq: c.u32(0x04, 'primary sequence number'),
    secondarySeq: c.u32(0x08, 'secondary sequence number'),
    lastWritten: filetimeIso(c.u64big(0x0c, 'last written time')),
    major: c.u32(0x14, 'major version'),
    minor: c.u32(0x18, 'minor version'),
    fileType: c.u32(0x1c, 'file type'),
    fileFormat: c.u32(0x20, 'file format'),
    rootCell: c.u32(0x24, 'root cell offset'),
    hbinsSize: c.u32(0x28, 'hive bins data size'),
    clustering: c.u32(0x2c, 'clustering factor'),
    fileName: UTF16.decode(nameBytes.subarray(0, end)),
    checksum,
    checksumOk: baseBlockChecksum(bytes) === checksum,
  };
}

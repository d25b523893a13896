import { ParseError } from '../../common/issues.js';
import type { Reader } from '../../io/reader.js';
import { ByteCursor, checkedEnd } from '../../io/byte-cursor.js';

/** Read [offset, offset+length) of `reader` as a cursor with absolute offsets, or throw. */
export async function readWindow(reader: Reader, offset: number, length: number, what: string): Promise<ByteCursor> {
  checkedEnd(offset, length, reader.size, what);
  const bytes = await reader.read(offset, length);
  if (bytes.length < length) {
    throw new ParseError('truncated', { what, offset, need: length, have: bytes.length });
  }
  return new ByteCursor(bytes, offset);
}

/** Endian-aware 32-bit field reads for Mach-O headers (little-endian unless the magic says not). */
export function u32(c: ByteCursor, off: number, le: boolean, what: string): number {
  return le ? c.u32(off, what) : c.u32be(off, what);
}

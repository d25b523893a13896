/** Decoders for attribute values: $STANDARD_INFORMATION, $FILE_NAME, $ATTRIBUTE_LIST entries. */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { refAt } from './record.js';
import { filetimeAt, utf16At } from './text.js';
import type { AttrListEntry, FileName, MftRef, StandardInformation } from './types.js';

/** Entries read from one $ATTRIBUTE_LIST (each is ≥ 26 bytes; real lists hold a few hundred). */
export const MAX_ATTR_LIST_ENTRIES = 65536;

/** FILETIME (100 ns since 1601-01-01 UTC) → ISO 8601, null for 0 or out of range. */
export function filetimeIso(c: ByteCursor, off: number, what: string): string | null {
  c.need(off, 8, what);
  return filetimeAt(c.bytes, off);
}

/**
 * The four FILETIMEs at `off` (created, modified, MFT changed, accessed), turned into ISO text only
 * when read: a listing decodes thousands of $FILE_NAME keys whose times nobody looks at.
 */
class LazyTimes {
  constructor(private readonly b: Uint8Array, private readonly off: number) {}
  get created(): string | null { return filetimeAt(this.b, this.off); }
  get modified(): string | null { return filetimeAt(this.b, this.off + 8); }
  get changed(): string | null { return filetimeAt(this.b, this.off + 16); }
  get accessed(): string | null { return filetimeAt(this.b, this.off + 24); }
}

class SiView extends LazyTimes implements StandardInformation {
  constructor(b: Uint8Array, readonly fileAttributes: number) { super(b, 0); }
}

class FnView extends LazyTimes implements FileName {
  constructor(b: Uint8Array, at: number, readonly parent: MftRef, readonly allocatedSize: number, readonly realSize: number, readonly fileAttributes: number, readonly namespace: number, readonly name: string) { super(b, at + 8); }
}

export function parseStandardInformation(v: Uint8Array, base: number): StandardInformation {
  const c = new ByteCursor(v, base);
  c.need(0, 0x24, '$STANDARD_INFORMATION');
  return new SiView(v, c.u32(0x20, '$SI file attributes'));
}

/** A $FILE_NAME value; also the key of every $I30 index entry. */
export function parseFileName(v: Uint8Array, base: number): FileName {
  const c = new ByteCursor(v, base);
  const len = c.u8(0x40, '$FN name length');
  c.need(0x42, len * 2, '$FN name');
  // Sizes: the low 53 bits (an index key's copy can be stale or garbage; never a crash).
  const size = (off: number): number => c.u32(off, '$FN size') + (c.u32(off + 4, '$FN size') & 0x1fffff) * 0x100000000;
  return new FnView(v, 0, refAt(c, 0x00, '$FN parent reference'), size(0x28), size(0x30), c.u32(0x38, '$FN flags'), c.u8(0x41, '$FN namespace'), utf16At(v, 0x42, len));
}

/**
 * The $FILE_NAME of `len` bytes at `off` in `b` (an index entry's key), without a cursor or a
 * sub-view per key: a directory listing decodes one per entry. Anything that does not fit goes
 * through parseFileName, which throws the located error.
 */
export function parseFileNameAt(b: Uint8Array, off: number, len: number, base: number): FileName {
  const units = len >= 0x42 ? b[off + 0x40]! : 0;
  if (len < 0x42 || 0x42 + units * 2 > len || off + len > b.length) return parseFileName(b.subarray(off, off + len), base);
  const u32 = (o: number): number => (b[off + o]! | (b[off + o + 1]! << 8) | (b[off + o + 2]! << 16)) + b[off + o + 3]! * 0x1000000;
  const size = (o: number): number => u32(o) + (u32(o + 4) & 0x1fffff) * 0x100000000;
  const parent: MftRef = { entry: (b[off + 4]! | (b[off + 5]! << 8)) * 0x100000000 + u32(0), sequence: b[off + 6]! | (b[off + 7]! << 8) };
  return new FnView(b, off, parent, size(0x28), size(0x30), u32(0x38), b[off + 0x41]!, utf16At(b, off + 0x42, units));
}

export function parseAttributeList(v: Uint8Array, base: number): AttrListEntry[] {
  const c = new ByteCursor(v, base);
  const out: AttrListEntry[] = [];
  let pos = 0;
  while (pos + 0x1a <= v.length) {
    const type = c.u32(pos, 'attribute list entry type');
    const len = c.u16(pos + 4, 'attribute list entry length');
    if (len < 0x1a || pos + len > v.length) throw new ParseError('out-of-bounds', { what: 'attribute list entry length', offset: base + pos + 4, need: len, have: v.length - pos });
    if (out.length >= MAX_ATTR_LIST_ENTRIES) throw new ParseError('limit-exceeded', { what: 'attribute list entries', offset: base + pos, need: out.length + 1, have: MAX_ATTR_LIST_ENTRIES });
    const nameLen = c.u8(pos + 6, 'attribute list name length');
    const nameOff = c.u8(pos + 7, 'attribute list name offset');
    const startVcn = c.u64(pos + 8, 'attribute list start VCN');
    out.push({
      type,
      name: nameLen ? (c.need(pos + nameOff, nameLen * 2, 'attribute list name'), utf16At(v, pos + nameOff, nameLen)) : '',
      startVcn,
      ref: refAt(c, pos + 0x10, 'attribute list record reference'),
      id: c.u16(pos + 0x18, 'attribute list attribute id'),
    });
    pos += len;
  }
  return out;
}

/** Decoders for attribute values: $STANDARD_INFORMATION, $FILE_NAME, $ATTRIBUTE_LIST entries. */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { refAt } from './record.js';
import type { AttrListEntry, FileName, StandardInformation } from './types.js';

/** Entries read from one $ATTRIBUTE_LIST (each is ≥ 26 bytes; real lists hold a few hundred). */
export const MAX_ATTR_LIST_ENTRIES = 65536;

const EPOCH_DIFF_MS = 11644473600000n;

/** FILETIME (100 ns since 1601-01-01 UTC) → ISO 8601, null for 0 or out of range. */
export function filetimeIso(c: ByteCursor, off: number, what: string): string | null {
  const ticks = c.u64big(off, what);
  if (ticks === 0n) return null;
  const ms = ticks / 10000n - EPOCH_DIFF_MS;
  if (ms < -8640000000000000n || ms > 8640000000000000n) return null;
  const d = new Date(Number(ms));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function parseStandardInformation(v: Uint8Array, base: number): StandardInformation {
  const c = new ByteCursor(v, base);
  return {
    created: filetimeIso(c, 0x00, '$SI created'),
    modified: filetimeIso(c, 0x08, '$SI modified'),
    changed: filetimeIso(c, 0x10, '$SI MFT changed'),
    accessed: filetimeIso(c, 0x18, '$SI accessed'),
    fileAttributes: c.u32(0x20, '$SI file attributes'),
  };
}

/** A $FILE_NAME value; also the key of every $I30 index entry. */
export function parseFileName(v: Uint8Array, base: number): FileName {
  const c = new ByteCursor(v, base);
  const len = c.u8(0x40, '$FN name length');
  return {
    parent: refAt(c, 0x00, '$FN parent reference'),
    created: filetimeIso(c, 0x08, '$FN created'),
    modified: filetimeIso(c, 0x10, '$FN modified'),
    changed: filetimeIso(c, 0x18, '$FN MFT changed'),
    accessed: filetimeIso(c, 0x20, '$FN accessed'),
    allocatedSize: Number(c.u64big(0x28, '$FN allocated size') & 0x1fffffffffffffn),
    realSize: Number(c.u64big(0x30, '$FN real size') & 0x1fffffffffffffn),
    fileAttributes: c.u32(0x38, '$FN flags'),
    namespace: c.u8(0x41, '$FN namespace'),
    name: c.utf16le(0x42, len, '$FN name'),
  };
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
      name: nameLen ? c.utf16le(pos + nameOff, nameLen, 'attribute list name') : '',
      startVcn,
      ref: refAt(c, pos + 0x10, 'attribute list record reference'),
      id: c.u16(pos + 0x18, 'attribute list attribute id'),
    });
    pos += len;
  }
  return out;
}

/** MFT records ("FILE"): header, fixups and the attribute headers inside. */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { applyFixups } from './fixup.js';
import { decodeRunlist } from './runlist.js';
import { utf16At } from './text.js';
import type { Attr, MftRecord, MftRef } from './types.js';
import { ATTR } from './types.js';

/** Attributes read from one record before the rest is refused (a 1 KiB record holds ~40 at most). */
export const MAX_ATTRS_PER_RECORD = 512;

export const RECORD_IN_USE = 0x0001;
export const RECORD_IS_DIR = 0x0002;

export function refAt(c: ByteCursor, off: number, what: string): MftRef {
  const lo = c.u32(off, what);
  const hi = c.u16(off + 4, what);
  return { entry: hi * 0x100000000 + lo, sequence: c.u16(off + 6, what) };
}

/** Whether the bytes start with a record signature at all (`FILE`), to tell empty slots apart. */
export function recordSignature(rec: Uint8Array): string {
  return rec.length >= 4 ? String.fromCharCode(rec[0]!, rec[1]!, rec[2]!, rec[3]!) : '';
}

/**
 * Parses one MFT record (the raw bytes, fixups not yet applied). `offset` is its absolute position
 * in the volume. Throws `bad-signature` for a slot that is not a FILE record (empty or `BAAD`),
 * `checksum` for a torn record, and located errors for attributes that do not fit.
 */
export function parseMftRecord(raw: Uint8Array, entry: number, offset: number, totalClusters: number): MftRecord {
  const sig = recordSignature(raw);
  if (sig !== 'FILE') throw new ParseError('bad-signature', { what: `MFT entry ${entry} signature "FILE" (found ${JSON.stringify(sig)})`, offset });
  const rec = applyFixups(raw, offset, `MFT entry ${entry}`);
  const c = new ByteCursor(rec, offset);
  const sequence = c.u16(0x10, 'sequence number');
  const linkCount = c.u16(0x12, 'link count');
  const firstAttr = c.u16(0x14, 'first attribute offset');
  const flags = c.u16(0x16, 'record flags');
  const used = Math.min(c.u32(0x18, 'used size'), rec.length);
  const baseRef = refAt(c, 0x20, 'base record reference');
  const attrs: Attr[] = [];
  let pos = firstAttr;
  if (pos < 0x18 || pos % 8 !== 0) throw new ParseError('out-of-bounds', { what: 'first attribute offset', offset: offset + 0x14, need: pos, have: used });
  while (true) {
    if (pos + 4 > used) throw new ParseError('truncated', { what: `MFT entry ${entry} attribute list end marker`, offset: offset + pos, need: 4, have: used - pos });
    const type = c.u32(pos, 'attribute type');
    if (type === ATTR.END) break;
    if (attrs.length >= MAX_ATTRS_PER_RECORD) throw new ParseError('limit-exceeded', { what: 'attributes per record', offset: offset + pos, need: attrs.length + 1, have: MAX_ATTRS_PER_RECORD });
    const len = c.u32(pos + 4, 'attribute length');
    if (len < 0x18 || len % 8 !== 0 || pos + len > used) throw new ParseError('out-of-bounds', { what: `attribute length (type 0x${type.toString(16)})`, offset: offset + pos + 4, need: len, have: used - pos });
    attrs.push(parseAttr(c, pos, len, totalClusters));
    pos += len;
  }
  return {
    entry,
    sequence,
    linkCount,
    inUse: (flags & RECORD_IN_USE) !== 0,
    isDir: (flags & RECORD_IS_DIR) !== 0,
    base: baseRef.entry === 0 && baseRef.sequence === 0 ? null : baseRef,
    attrs,
    offset,
  };
}

/** One attribute at [pos, pos+len) of the record (bounds already checked against the record). */
function parseAttr(c: ByteCursor, pos: number, len: number, totalClusters: number): Attr {
  const b = c.bytes;
  const type = c.u32(pos, 'attribute type');
  const nonResident = b[pos + 8]!;
  const nameLen = b[pos + 9]!;
  const nameOff = c.u16(pos + 0x0a, 'attribute name offset');
  const flags = c.u16(pos + 0x0c, 'attribute flags');
  const id = c.u16(pos + 0x0e, 'attribute id');
  const at = c.base + pos;
  if (nameLen && nameOff + nameLen * 2 > len) throw new ParseError('out-of-bounds', { what: 'attribute name', offset: at + nameOff, need: nameLen * 2, have: len - nameOff });
  const name = nameLen ? utf16At(b, pos + nameOff, nameLen) : '';
  if (nonResident === 0) {
    const vlen = c.u32(pos + 0x10, 'resident value length');
    const voff = c.u16(pos + 0x14, 'resident value offset');
    if (voff + vlen > len) throw new ParseError('out-of-bounds', { what: 'resident attribute value', offset: at + voff, need: vlen, have: Math.max(0, len - voff) });
    return { type, name, id, flags, offset: at, resident: true, value: b.subarray(pos + voff, pos + voff + vlen) };
  }
  if (len < 0x40) throw new ParseError('truncated', { what: 'non-resident attribute header', offset: at, need: 0x40, have: len });
  const startVcn = vcnAt(c, pos + 0x10, 'start VCN');
  const lastVcn = vcnAt(c, pos + 0x18, 'last VCN');
  if (lastVcn < startVcn - 1) throw new ParseError('out-of-bounds', { what: 'last VCN', offset: at + 0x18, need: startVcn, have: lastVcn });
  const rlOff = c.u16(pos + 0x20, 'runlist offset');
  const compressionUnit = c.u16(pos + 0x22, 'compression unit');
  if (compressionUnit > 16) throw new ParseError('out-of-bounds', { what: 'compression unit', offset: at + 0x22, need: compressionUnit, have: 16 });
  const allocatedSize = c.u64(pos + 0x28, 'allocated size');
  const dataSize = c.u64(pos + 0x30, 'data size');
  const initializedSize = c.u64(pos + 0x38, 'initialized size');
  if (rlOff > len) throw new ParseError('out-of-bounds', { what: 'runlist offset', offset: at + 0x20, need: rlOff, have: len });
  const runs = decodeRunlist(b.subarray(pos + rlOff, pos + len), at + rlOff, startVcn, lastVcn, totalClusters);
  return { type, name, id, flags, offset: at, resident: false, startVcn, lastVcn, compressionUnit, allocatedSize, dataSize, initializedSize, runs };
}

/** VCNs are signed 64-bit; an empty attribute has last VCN -1. */
function vcnAt(c: ByteCursor, off: number, what: string): number {
  const lo = c.u32(off, what);
  const hi = c.i32(off + 4, what);
  if (hi === -1 && lo === 0xffffffff) return -1;
  if (hi < 0 || hi >= 0x200000) throw new ParseError('out-of-bounds', { what, offset: c.base + off });
  return hi * 0x100000000 + lo;
}

/** Attributes B-tree (extended attributes) keys and records (see SPEC.md §attributes). */
import { ParseError } from '../../common/issues.js';
import type { ByteCursor } from '../../io/byte-cursor.js';
import { utf16be } from './catalog.js';
import { parseForkData, type Extent, type ForkData } from './volume-header.js';

export const ATTR = { inline: 0x10, fork: 0x20, extents: 0x30 } as const;
/** Largest inline attribute kept in memory (HFS+ inline attributes stay below one node, 8 KiB). */
export const MAX_INLINE_ATTR = 64 * 1024;

export interface AttrKey {
  readonly fileId: number;
  readonly startBlock: number;
  readonly name: string;
}

export type AttrValue =
  | { readonly kind: 'inline'; readonly data: Uint8Array }
  | { readonly kind: 'fork'; readonly fork: ForkData }
  | { readonly kind: 'extents'; readonly extents: Extent[] };

export function parseAttrKey(key: ByteCursor): AttrKey {
  const units = key.u16be(12, 'attribute name length');
  if (units > 127) throw new ParseError('limit-exceeded', { what: 'attribute name length', offset: key.base + 12, need: units, have: 127 });
  return { fileId: key.u32be(4, 'attribute file id'), startBlock: key.u32be(8, 'attribute start block'), name: utf16be(key, 14, units, 'attribute name') };
}

/** Compare a raw attribute key with (fileId, '') — the first attribute of that file. */
export function cmpAttrStart(fileId: number): (key: ByteCursor) => number {
  return (key) => {
    const f = key.u32be(4, 'attribute file id');
    if (f !== fileId) return f < fileId ? -1 : 1;
    return key.u16be(12, 'attribute name length') === 0 ? 0 : 1;
  };
}

export function parseAttrValue(v: ByteCursor): AttrValue | null {
  const type = v.u32be(0, 'attribute record type');
  if (type === ATTR.inline) {
    const size = v.u32be(12, 'inline attribute size');
    if (size > MAX_INLINE_ATTR) throw new ParseError('limit-exceeded', { what: 'inline attribute size', offset: v.base + 12, need: size, have: MAX_INLINE_ATTR });
    return { kind: 'inline', data: v.raw(16, size, 'inline attribute data') };
  }
  if (type === ATTR.fork) return { kind: 'fork', fork: parseForkData(v, 8, 'attribute fork') };
  if (type === ATTR.extents) {
    const extents: Extent[] = [];
    for (let i = 0; i < 8; i++) {
      const blockCount = v.u32be(12 + i * 8, 'attribute extent count');
      if (blockCount === 0) break;
      extents.push({ startBlock: v.u32be(8 + i * 8, 'attribute extent start'), blockCount });
    }
    return { kind: 'extents', extents };
  }
  return null;
}

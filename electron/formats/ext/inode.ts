/**
 * ext inodes (SPEC.md § Inode): mode, size, times with their nanosecond/epoch extra fields and
 * creation time, flags, and the 60-byte i_block area (block map, extent tree root, fast symlink
 * target or inline data).
 */
import { ByteCursor } from '../../io/byte-cursor.js';
import { isoFromMs } from '../../io/iso-time.js';

export const INODE_FLAG = { INDEX: 0x1000, HUGE_FILE: 0x40000, EXTENTS: 0x80000, INLINE_DATA: 0x10000000 } as const;

export const MODE = { FIFO: 0x1000, CHR: 0x2000, DIR: 0x4000, BLK: 0x6000, REG: 0x8000, LNK: 0xa000, SOCK: 0xc000 } as const;

export interface Inode {
  readonly ino: number;
  readonly mode: number;
  readonly size: number;
  readonly linksCount: number;
  readonly flags: number;
  /** 512-byte sectors (or blocks with HUGE_FILE) charged to the inode; 0 means a fast symlink. */
  readonly blocks: number;
  readonly iBlock: Uint8Array;
  /** ISO 8601 UTC with nanoseconds cut to milliseconds; null when zero/absent. */
  readonly atime: string | null;
  readonly mtime: string | null;
  readonly ctime: string | null;
  readonly crtime: string | null;
  readonly dtime: number;
  /** Whole seconds of each time, as TSK's `fls -m` prints them (0 = not set). */
  readonly secs: { readonly atime: number; readonly mtime: number; readonly ctime: number; readonly crtime: number };
  /** In-inode extended attribute area (after i_extra_isize), for inline data. */
  readonly ibody: Uint8Array;
}

export function fileType(mode: number): number {
  return mode & 0xf000;
}

/**
 * One time field: signed 32-bit seconds, and where the inode has an `_extra` word, its low two
 * bits extend the epoch and the rest are nanoseconds.
 */
function time(c: ByteCursor, off: number, extraOff: number | null, what: string): { iso: string | null; secs: number } {
  const lo = c.i32(off, what);
  let secs = lo;
  let nanos = 0;
  if (extraOff !== null) {
    const extra = c.u32(extraOff, `${what}_extra`);
    secs = lo + (extra & 3) * 2 ** 32;
    nanos = extra >>> 2;
  }
  if (secs === 0 && nanos === 0) return { iso: null, secs: 0 };
  return { iso: isoFromMs(secs * 1000 + Math.floor(nanos / 1e6)), secs };
}

export function parseInode(bytes: Uint8Array, ino: number, inodeSize: number, base: number): Inode {
  const c = new ByteCursor(bytes, base);
  c.need(0, 128, `inode ${ino}`);
  const extraSize = inodeSize > 128 && c.has(128, 2) ? c.u16(128, 'i_extra_isize') : 0;
  const hasExtra = (end: number): boolean => extraSize > 0 && 128 + extraSize >= end && c.has(0, end);
  const mode = c.u16(0, 'i_mode');
  const flags = c.u32(32, 'i_flags');
  const size = c.u32(4, 'i_size_lo') + c.u32(108, 'i_size_high') * 2 ** 32;
  const a = time(c, 8, hasExtra(144) ? 140 : null, 'i_atime');
  const ct = time(c, 12, hasExtra(136) ? 132 : null, 'i_ctime');
  const m = time(c, 16, hasExtra(140) ? 136 : null, 'i_mtime');
  const cr = hasExtra(148) ? time(c, 144, hasExtra(152) ? 148 : null, 'i_crtime') : { iso: null, secs: 0 };
  const ibodyStart = 128 + extraSize;
  return {
    ino,
    mode,
    size: Number.isSafeInteger(size) ? size : 0,
    linksCount: c.u16(26, 'i_links_count'),
    flags,
    blocks: c.u32(28, 'i_blocks_lo') + c.u16(116, 'l_i_blocks_high') * 2 ** 32,
    iBlock: c.raw(40, 60, 'i_block'),
    atime: a.iso,
    mtime: m.iso,
    ctime: ct.iso,
    crtime: cr.iso,
    dtime: c.u32(20, 'i_dtime'),
    secs: { atime: a.secs, mtime: m.secs, ctime: ct.secs, crtime: cr.secs },
    ibody: extraSize > 0 && ibodyStart < inodeSize && ibodyStart <= bytes.length ? bytes.subarray(ibodyStart, Math.min(inodeSize, bytes.length)) : new Uint8Array(0),
  };
}

/** The `system.data` in-inode attribute value (the tail of an inline-data file), or empty. */
export function inlineDataTail(ibody: Uint8Array): Uint8Array {
  const c = new ByteCursor(ibody);
  if (!c.has(0, 4) || c.u32(0, 'xattr magic') !== 0xea020000) return new Uint8Array(0);
  let off = 4;
  for (let n = 0; n < 256 && c.has(off, 16); n++) {
    const nameLen = c.u8(off, 'e_name_len');
    const index = c.u8(off + 1, 'e_name_index');
    if (nameLen === 0 && index === 0) break; // the four zero bytes that end the list
    const valueOffs = c.u16(off + 2, 'e_value_offs');
    const valueSize = c.u32(off + 8, 'e_value_size');
    if (!c.has(off + 16, nameLen)) break;
    const name = String.fromCharCode(...c.raw(off + 16, nameLen, 'e_name'));
    if (index === 7 && name === 'data') return c.has(4 + valueOffs, valueSize) ? c.raw(4 + valueOffs, valueSize, 'system.data') : new Uint8Array(0);
    off += (16 + nameLen + 3) & ~3;
  }
  return new Uint8Array(0);
}

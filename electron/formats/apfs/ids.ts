/**
 * 64-bit identifiers. APFS object ids, transaction ids, inode numbers, parent/private/sibling ids
 * and data-stream ids are u64 on disk, and real ones pass 2^53: a macOS 11+ System volume in a
 * volume group numbers its inodes from 0x0FFFFFFF00000000. They are carried as `bigint`, and keys
 * are compared as two unsigned 32-bit halves straight from the bytes, so a B-tree query never
 * allocates a bigint per key. Block addresses and byte sizes stay numbers (checked ≤ 2^53 − 1).
 */
import { ParseError } from '../../common/issues.js';

/** Low 60 bits of j_key_t.obj_id_and_type; the high 4 hold the record type. */
export const OBJ_ID_MASK = 0x0fff_ffff_ffff_ffffn;

/** A u64 split into its high and low unsigned 32-bit halves (the form key comparisons use). */
export interface U64Parts {
  readonly hi: number;
  readonly lo: number;
}

export function u64Parts(v: bigint): U64Parts {
  return { hi: Number((v >> 32n) & 0xffff_ffffn), lo: Number(v & 0xffff_ffffn) };
}

function u32le(b: Uint8Array, off: number): number {
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

function need(b: Uint8Array, off: number, what: string): void {
  if (off < 0 || b.length < off + 8) throw new ParseError('truncated', { what, need: off + 8, have: b.length });
}

/** The unsigned 64-bit little-endian value at `off`, exact. */
export function u64At(b: Uint8Array, off: number, what: string): bigint {
  need(b, off, what);
  return (BigInt(u32le(b, off + 4)) << 32n) | BigInt(u32le(b, off));
}

export const cmpU32 = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);
export const cmpBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** Compare the unsigned u64 at `key[off]` with `want`, unsigned over all 64 bits. */
export function cmpU64At(key: Uint8Array, off: number, want: U64Parts, what: string): number {
  need(key, off, what);
  return cmpU32(u32le(key, off + 4), want.hi) || cmpU32(u32le(key, off), want.lo);
}

/**
 * Compare a j_key_t with (objId, type): object id (low 60 bits) first, then the record type (high
 * 4 bits), which is the fs tree's sort order; comparing the raw u64 would sort by type first.
 * A wanted id with any of the top 4 bits set sorts after every key, so it finds nothing.
 */
export function cmpObjKey(key: Uint8Array, objId: U64Parts, type: number): number {
  need(key, 0, 'j_key_t');
  const hi = u32le(key, 4);
  return cmpU32(hi & 0x0fff_ffff, objId.hi) || cmpU32(u32le(key, 0), objId.lo) || cmpU32(hi >>> 28, type);
}

/** j_key_t.obj_id_and_type → object id (low 60 bits, exact) and record type (high 4). */
export function keyHeader(key: Uint8Array): { objId: bigint; type: number } {
  need(key, 0, 'j_key_t');
  const hi = u32le(key, 4);
  return { objId: (BigInt(hi & 0x0fff_ffff) << 32n) | BigInt(u32le(key, 0)), type: hi >>> 28 };
}

/** An id used as a block address (physical oids): must fit a number; range is checked by the reader. */
export function blockOf(oid: bigint, what: string): number {
  if (oid < 0n || oid > BigInt(Number.MAX_SAFE_INTEGER)) throw new ParseError('out-of-bounds', { what: `${what}: block address ${oid} past 2^53-1` });
  return Number(oid);
}

/** obj_phys_t (the 32-byte header of every APFS object) and its Fletcher-64 checksum. */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { OBJ_TYPE_MASK } from './constants.js';

export interface ObjHeader {
  readonly cksum: bigint;
  readonly oid: bigint;
  readonly xid: bigint;
  /** o_type with its storage flags. */
  readonly type: number;
  readonly subtype: number;
}

/**
 * Fletcher-64 over the object after its checksum field, in 32-bit little-endian words modulo
 * 2^32-1, folded so that re-summing the whole object (checksum included) gives zero.
 */
export function fletcher64(block: Uint8Array): { lo: number; hi: number } {
  const MOD = 0xffffffff;
  const words = block.length >>> 2;
  // Aligned blocks are summed through a Uint32Array (little-endian hosts only); the modulo is
  // taken every 256 words, which keeps both sums below 2^53.
  const aligned = block.byteOffset % 4 === 0 && LITTLE_ENDIAN;
  const u32 = aligned ? new Uint32Array(block.buffer, block.byteOffset, words) : null;
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  let s1 = 0;
  let s2 = 0;
  for (let i = 2; i < words; ) {
    const stop = Math.min(words, i + 256);
    if (u32) for (; i < stop; i++) { s1 += u32[i]!; s2 += s1; }
    else for (; i < stop; i++) { s1 += view.getUint32(i * 4, true); s2 += s1; }
    s1 %= MOD;
    s2 %= MOD;
  }
  const lo = MOD - ((s1 + s2) % MOD);
  const hi = MOD - ((s1 + lo) % MOD);
  return { lo, hi };
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

export function checksumOk(block: Uint8Array): boolean {
  if (block.length < 32 || block.length % 4 !== 0) return false;
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const { lo, hi } = fletcher64(block);
  return view.getUint32(0, true) === lo && view.getUint32(4, true) === hi;
}

export function readObjHeader(block: Uint8Array, base = 0): ObjHeader {
  const c = new ByteCursor(block, base);
  return {
    cksum: c.u64big(0, 'o_cksum'),
    oid: c.u64big(8, 'o_oid'),
    xid: c.u64big(16, 'o_xid'),
    type: c.u32(24, 'o_type'),
    subtype: c.u32(28, 'o_subtype'),
  };
}

/** Check an object's checksum and type; `what` names it in the error. */
export function checkObject(block: Uint8Array, base: number, what: string, wantType?: number): ObjHeader {
  if (!checksumOk(block)) {
    const zero = block.every((b) => b === 0);
    throw new ParseError('checksum', { what: zero ? `${what}: block is all zeros` : `${what} Fletcher-64`, offset: base });
  }
  const h = readObjHeader(block, base);
  if (wantType !== undefined && (h.type & OBJ_TYPE_MASK) !== wantType) {
    throw new ParseError('bad-signature', { what: `${what} object type 0x${(h.type & OBJ_TYPE_MASK).toString(16)} (want 0x${wantType.toString(16)})`, offset: base });
  }
  return h;
}

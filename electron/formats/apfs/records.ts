/** File-system tree records (j_*_key_t / j_*_val_t): decoders for the kinds this reader uses. */
import { ByteCursor } from '../../io/byte-cursor.js';
import { INO_EXT_TYPE, J_DREC_LEN_MASK, DREC_EXT_TYPE_SIBLING_ID } from './constants.js';

const utf8 = new TextDecoder('utf-8', { fatal: false });

export { keyHeader } from './ids.js';

/** A NUL-terminated UTF-8 name of `len` bytes (the length counts the NUL). */
export function nameAt(c: ByteCursor, off: number, len: number, what: string): string {
  const raw = c.raw(off, len, what);
  const end = raw.indexOf(0);
  return utf8.decode(end >= 0 ? raw.subarray(0, end) : raw);
}

export interface Dstream {
  readonly size: number;
  readonly allocedSize: number;
}

/** Ids are exact 64-bit values (see ids.ts): inode numbers pass 2^53 on volume-group System volumes. */
export interface Inode {
  readonly id: bigint;
  readonly parentId: bigint;
  /** The data stream's object id (extents are keyed by it). */
  readonly privateId: bigint;
  /** Times in nanoseconds since 1970-01-01 UTC. */
  readonly createTime: bigint;
  readonly modTime: bigint;
  readonly changeTime: bigint;
  readonly accessTime: bigint;
  readonly internalFlags: bigint;
  /** nchildren for directories, nlink for files. */
  readonly nlinkOrChildren: number;
  readonly bsdFlags: number;
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
  readonly uncompressedSize: number;
  readonly name: string | null;
  readonly dstream: Dstream | null;
}

interface XField { type: number; flags: number; data: Uint8Array }

/** xf_blob_t: a count, then x_field_t headers, then each value padded to 8 bytes. */
export function parseXFields(c: ByteCursor, off: number): XField[] {
  if (!c.has(off, 4)) return [];
  const n = c.u16(off, 'xf_num_exts');
  const used = c.u16(off + 2, 'xf_used_data');
  let data = off + 4 + n * 4;
  c.need(data, used, 'xf_data');
  const out: XField[] = [];
  for (let i = 0; i < n; i++) {
    const h = off + 4 + i * 4;
    const size = c.u16(h + 2, 'x_size');
    out.push({ type: c.u8(h, 'x_type'), flags: c.u8(h + 1, 'x_flags'), data: c.raw(data, size, 'x_field value') });
    data += (size + 7) & ~7;
  }
  return out;
}

export function parseInode(id: bigint, val: Uint8Array): Inode {
  const c = new ByteCursor(val);
  let name: string | null = null;
  let dstream: Dstream | null = null;
  for (const x of parseXFields(c, 92)) {
    const xc = new ByteCursor(x.data);
    if (x.type === INO_EXT_TYPE.NAME) name = nameAt(xc, 0, x.data.length, 'inode name xfield');
    else if (x.type === INO_EXT_TYPE.DSTREAM) dstream = { size: xc.u64(0, 'j_dstream.size'), allocedSize: xc.u64(8, 'j_dstream.alloced_size') };
  }
  return {
    id,
    parentId: c.u64big(0, 'parent_id'),
    privateId: c.u64big(8, 'private_id'),
    createTime: c.u64big(16, 'create_time'),
    modTime: c.u64big(24, 'mod_time'),
    changeTime: c.u64big(32, 'change_time'),
    accessTime: c.u64big(40, 'access_time'),
    internalFlags: c.u64big(48, 'internal_flags'),
    nlinkOrChildren: c.i32(56, 'nchildren/nlink'),
    bsdFlags: c.u32(68, 'bsd_flags'),
    uid: c.u32(72, 'owner'),
    gid: c.u32(76, 'group'),
    mode: c.u16(80, 'mode'),
    uncompressedSize: c.has(84, 8) ? c.u64(84, 'uncompressed_size') : 0,
    name,
    dstream,
  };
}

export interface DirRecord {
  readonly name: string;
  /** The 22-bit name hash (hashed keys only). */
  readonly hash: number | null;
  readonly fileId: bigint;
  readonly dateAdded: bigint;
  /** DT_* type from the low 4 bits of flags. */
  readonly dtype: number;
  readonly siblingId: bigint | null;
}

export function parseDirRecord(key: Uint8Array, val: Uint8Array, hashed: boolean): DirRecord {
  const k = new ByteCursor(key);
  let name: string;
  let hash: number | null = null;
  if (hashed) {
    const nlh = k.u32(8, 'name_len_and_hash');
    name = nameAt(k, 12, nlh & J_DREC_LEN_MASK, 'drec name');
    hash = nlh >>> 10;
  } else {
    name = nameAt(k, 10, k.u16(8, 'name_len'), 'drec name');
  }
  const v = new ByteCursor(val);
  let siblingId: bigint | null = null;
  for (const x of parseXFields(v, 18)) {
    if (x.type === DREC_EXT_TYPE_SIBLING_ID) siblingId = new ByteCursor(x.data).u64big(0, 'sibling_id');
  }
  return { name, hash, fileId: v.u64big(0, 'file_id'), dateAdded: v.u64big(8, 'date_added'), dtype: v.u16(16, 'drec flags') & 0xf, siblingId };
}

export interface FileExtent {
  readonly logical: number;
  readonly length: number;
  /** 0 = a hole (sparse). */
  readonly physBlock: number;
  readonly cryptoId: bigint;
}

export function parseFileExtent(key: Uint8Array, val: Uint8Array): FileExtent {
  const k = new ByteCursor(key);
  const v = new ByteCursor(val);
  return {
    logical: k.u64(8, 'logical_addr'),
    length: Number(v.u64big(0, 'len_and_flags') & 0x00ffffffffffffffn),
    physBlock: v.u64(8, 'phys_block_num'),
    cryptoId: v.has(16, 8) ? v.u64big(16, 'crypto_id') : 0n,
  };
}

export interface Xattr {
  readonly name: string;
  readonly flags: number;
  /** Embedded bytes, or null when the value lives in a data stream. */
  readonly embedded: Uint8Array | null;
  readonly stream: { objId: bigint; size: number } | null;
}

export function parseXattr(key: Uint8Array, val: Uint8Array): Xattr {
  const k = new ByteCursor(key);
  const name = nameAt(k, 10, k.u16(8, 'xattr name_len'), 'xattr name');
  const v = new ByteCursor(val);
  const flags = v.u16(0, 'xattr flags');
  const len = v.u16(2, 'xdata_len');
  const data = v.raw(4, len, 'xdata');
  if ((flags & 0x1) !== 0) {
    const d = new ByteCursor(data);
    return { name, flags, embedded: null, stream: { objId: d.u64big(0, 'xattr_obj_id'), size: d.u64(8, 'xattr dstream.size') } };
  }
  return { name, flags, embedded: data, stream: null };
}

export interface SiblingLink {
  readonly siblingId: bigint;
  readonly parentId: bigint;
  readonly name: string;
}

export function parseSiblingLink(key: Uint8Array, val: Uint8Array): SiblingLink {
  const v = new ByteCursor(val);
  return { siblingId: new ByteCursor(key).u64big(8, 'sibling_id'), parentId: v.u64big(0, 'parent_id'), name: nameAt(v, 10, v.u16(8, 'sibling name_len'), 'sibling name') };
}

export interface SnapshotInfo {
  readonly xid: bigint;
  readonly name: string;
  /** Physical block of the volume superblock as it was at the snapshot. */
  readonly sblockOid: number;
  readonly createTime: bigint;
  readonly changeTime: bigint;
  readonly flags: number;
}

export function parseSnapMetadata(xid: bigint, val: Uint8Array): SnapshotInfo {
  const v = new ByteCursor(val);
  return {
    xid, sblockOid: v.u64(8, 'sblock_oid'), createTime: v.u64big(16, 'snap create_time'), changeTime: v.u64big(24, 'snap change_time'),
    flags: v.u32(44, 'snap flags'), name: nameAt(v, 50, v.u16(48, 'snap name_len'), 'snap name'),
  };
}

/** ns since 1970 → ISO 8601 (millisecond precision; the raw value stays on the record). */
export function nsToIso(ns: bigint): string | null {
  if (ns <= 0n) return null;
  const ms = Number(ns / 1_000_000n);
  const d = new Date(ms);
  return Number.isFinite(d.getTime()) ? d.toISOString() : null;
}

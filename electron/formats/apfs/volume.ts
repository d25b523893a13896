/**
 * One APFS volume (apfs_superblock_t) and queries on its file-system tree: inodes, directory
 * records, extents, xattrs, sibling links, snapshots. Virtual oids resolve through the volume's
 * object map at the mounted xid (or a snapshot's).
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';
import {
  APFS_FS_UNENCRYPTED, APFS_INCOMPAT_CASE_INSENSITIVE, APFS_INCOMPAT_NORMALIZATION_INSENSITIVE, APFS_INCOMPAT_SEALED_VOLUME,
  APFS_MAGIC, APFS_TYPE, OBJECT_TYPE, OMAP_VAL_ENCRYPTED, volumeRoleName,
} from './constants.js';
import { BTree, type BtEntry } from './btree.js';
import { physical, type ApfsContainer, type Omap } from './container.js';
import { ExtentReader } from './data-reader.js';
import { blockOf, cmpObjKey, cmpU32, cmpU64At, u64Parts } from './ids.js';
import { APFS_LIMITS } from './limits.js';
import {
  keyHeader, nameAt, parseDirRecord, parseFileExtent, parseInode, parseSiblingLink, parseSnapMetadata, parseXattr,
  type DirRecord, type FileExtent, type Inode, type SiblingLink, type SnapshotInfo, type Xattr,
} from './records.js';
import { formatUuid } from './superblock.js';

export interface ApfsVolumeInfo {
  readonly fsIndex: number;
  readonly name: string;
  readonly uuid: string;
  readonly role: number;
  readonly roleName: string;
  readonly features: bigint;
  readonly incompatibleFeatures: bigint;
  readonly fsFlags: bigint;
  readonly encrypted: boolean;
  readonly caseInsensitive: boolean;
  /** Directory-record keys carry a name hash (case- or normalization-insensitive volumes). */
  readonly hashedNames: boolean;
  readonly sealed: boolean;
  /** Physical (omap, snapshot metadata and fext trees) and virtual (root tree) oids, exact. */
  readonly omapOid: bigint;
  readonly rootTreeOid: bigint;
  readonly snapMetaTreeOid: bigint;
  readonly fextTreeOid: bigint;
  readonly numFiles: number;
  readonly numDirectories: number;
  readonly numSymlinks: number;
  readonly numSnapshots: number;
  readonly lastModTime: bigint;
  readonly formattedBy: string;
  readonly xid: bigint;
}

export function parseVolumeSuperblock(b: Uint8Array, base: number): ApfsVolumeInfo {
  const c = new ByteCursor(b, base);
  if (c.u32(32, 'apfs_magic') !== APFS_MAGIC) throw new ParseError('bad-signature', { what: 'apfs_magic (APSB)', offset: base + 32 });
  const incompat = c.u64big(56, 'apfs_incompatible_features');
  const fsFlags = c.u64big(264, 'apfs_fs_flags');
  const role = c.u16(964, 'apfs_role');
  return {
    fsIndex: c.u32(36, 'apfs_fs_index'),
    name: nameAt(c, 704, 256, 'apfs_volname'),
    uuid: formatUuid(c.raw(240, 16, 'apfs_vol_uuid')),
    role, roleName: volumeRoleName(role),
    features: c.u64big(40, 'apfs_features'),
    incompatibleFeatures: incompat,
    fsFlags,
    encrypted: (fsFlags & BigInt(APFS_FS_UNENCRYPTED)) === 0n,
    caseInsensitive: (incompat & BigInt(APFS_INCOMPAT_CASE_INSENSITIVE)) !== 0n,
    hashedNames: (incompat & BigInt(APFS_INCOMPAT_CASE_INSENSITIVE | APFS_INCOMPAT_NORMALIZATION_INSENSITIVE)) !== 0n,
    sealed: (incompat & BigInt(APFS_INCOMPAT_SEALED_VOLUME)) !== 0n,
    omapOid: c.u64big(128, 'apfs_omap_oid'),
    rootTreeOid: c.u64big(136, 'apfs_root_tree_oid'),
    snapMetaTreeOid: c.u64big(152, 'apfs_snap_meta_tree_oid'),
    fextTreeOid: c.has(1032, 8) ? c.u64big(1032, 'apfs_fext_tree_oid') : 0n,
    numFiles: c.u64(184, 'apfs_num_files'),
    numDirectories: c.u64(192, 'apfs_num_directories'),
    numSymlinks: c.u64(200, 'apfs_num_symlinks'),
    numSnapshots: c.u64(216, 'apfs_num_snapshots'),
    lastModTime: c.u64big(256, 'apfs_last_mod_time'),
    formattedBy: nameAt(c, 272, 32, 'apfs_formatted_by.id'),
    xid: c.u64big(16, 'o_xid'),
  };
}

/** Range over one object's records of one type: (objId, type) prefix order of the fs tree. */
const prefix = (objId: bigint, type: number) => {
  const want = u64Parts(objId);
  return (key: Uint8Array): number => cmpObjKey(key, want, type);
};

/** An object id as callers may give it: exact bigint, or a number (small ids, tests, tools). */
export type ObjId = bigint | number;

function objId(v: ObjId): bigint {
  if (typeof v === 'bigint') return v;
  if (!Number.isSafeInteger(v) || v < 0) throw new ParseError('out-of-bounds', { what: `object id ${v} is not an exact unsigned integer` });
  return BigInt(v);
}

export class ApfsVolume {
  private readonly fsTree: BTree;
  private readonly fextTree: BTree | null;

  private constructor(readonly container: ApfsContainer, readonly info: ApfsVolumeInfo, readonly omap: Omap, readonly maxXid: bigint, readonly snapshot: SnapshotInfo | null) {
    const resolve = async (oid: bigint): Promise<number> => {
      const v = await omap.lookup(oid, maxXid);
      if (!v) throw new ParseError('out-of-bounds', { what: `volume "${info.name}": virtual object ${oid} not in the object map at xid ${maxXid}` });
      if ((v.flags & OMAP_VAL_ENCRYPTED) !== 0) throw new ParseError('encrypted', { what: `volume "${info.name}": object ${oid} is encrypted` });
      return v.paddr;
    };
    this.fsTree = new BTree(container, info.rootTreeOid, resolve, `volume "${info.name}" fs tree`);
    const fext = `volume "${info.name}" fext tree`;
    this.fextTree = info.sealed && info.fextTreeOid !== 0n ? new BTree(container, info.fextTreeOid, physical(fext), fext) : null;
  }

  /** Open the volume whose superblock is the virtual object `fsOid` of the container. */
  static async open(container: ApfsContainer, fsOid: bigint): Promise<ApfsVolume> {
    const v = await container.omap.lookup(fsOid, container.xid);
    if (!v) throw new ParseError('out-of-bounds', { what: `volume superblock oid ${fsOid} not in the container object map` });
    return ApfsVolume.at(container, v.paddr, container.xid, null);
  }

  private static async at(container: ApfsContainer, paddr: number, maxXid: bigint, snapshot: SnapshotInfo | null): Promise<ApfsVolume> {
    const b = await container.object(paddr, 'volume superblock', OBJECT_TYPE.FS);
    const info = parseVolumeSuperblock(b, paddr * container.blockSize);
    if (info.encrypted) {
      throw new ParseError('encrypted', { what: `APFS volume "${info.name}" (${info.uuid}) is encrypted (FileVault or hardware keys); it cannot be read without its keys` });
    }
    const what = `volume "${info.name}" omap`;
    const omap = await container.openOmap(blockOf(info.omapOid, what), what);
    return new ApfsVolume(container, info, omap, maxXid, snapshot);
  }

  async inode(id: ObjId): Promise<Inode | null> {
    const ino = objId(id);
    const hits = await this.fsTree.range(prefix(ino, APFS_TYPE.INODE), 1);
    return hits[0] ? parseInode(ino, hits[0].val) : null;
  }

  async dirRecords(dirId: ObjId): Promise<DirRecord[]> {
    const hits = await this.fsTree.range(prefix(objId(dirId), APFS_TYPE.DIR_REC));
    return hits.map((e) => parseDirRecord(e.key, e.val, this.info.hashedNames));
  }

  async xattrs(id: ObjId): Promise<Xattr[]> {
    return (await this.fsTree.range(prefix(objId(id), APFS_TYPE.XATTR))).map((e) => parseXattr(e.key, e.val));
  }

  async siblingLinks(id: ObjId): Promise<SiblingLink[]> {
    return (await this.fsTree.range(prefix(objId(id), APFS_TYPE.SIBLING_LINK))).map((e) => parseSiblingLink(e.key, e.val));
  }

  /** Extents of a data stream (an inode's private_id or an xattr's stream id). */
  async extents(streamId: ObjId): Promise<FileExtent[]> {
    const id = objId(streamId);
    if (this.fextTree) {
      // Sealed volumes keep extents in a separate physical tree keyed (private_id, logical_addr);
      // private_id there is a plain u64 (no type bits), compared over all 64 bits.
      const want = u64Parts(id);
      const hits = await this.fextTree.range((k) => cmpU64At(k, 0, want, 'fext private_id'));
      if (hits.length > 0) return hits.map(fextRecord);
    }
    return (await this.fsTree.range(prefix(id, APFS_TYPE.FILE_EXTENT))).map((e) => parseFileExtent(e.key, e.val));
  }

  async streamReader(streamId: ObjId, size: number, what: string): Promise<Reader> {
    return new ExtentReader(this.container.reader, this.container.blockSize, await this.extents(streamId), size, what);
  }

  async snapshots(): Promise<SnapshotInfo[]> {
    if (this.info.snapMetaTreeOid === 0n) return [];
    const what = `volume "${this.info.name}" snapshot metadata tree`;
    const tree = new BTree(this.container, this.info.snapMetaTreeOid, physical(what), what);
    // Metadata records (type 1, id = xid) sort before the name records (type 11, id = ~0).
    const hits = await tree.range((k) => cmpU32(keyHeader(k).type, APFS_TYPE.SNAP_METADATA), APFS_LIMITS.maxSnapshots);
    return hits.map((e) => parseSnapMetadata(keyHeader(e.key).objId, e.val));
  }

  /** The volume as it was at a snapshot: its saved superblock, looked up at the snapshot's xid. */
  async openSnapshot(s: SnapshotInfo): Promise<ApfsVolume> {
    return ApfsVolume.at(this.container, s.sblockOid, s.xid, s);
  }
}

function fextRecord(e: BtEntry): FileExtent {
  const k = new ByteCursor(e.key);
  const v = new ByteCursor(e.val);
  return { logical: k.u64(8, 'fext logical_addr'), length: Number(v.u64big(0, 'fext len_and_flags') & 0x00ffffffffffffffn), physBlock: v.u64(8, 'fext phys_block_num'), cryptoId: 0n };
}

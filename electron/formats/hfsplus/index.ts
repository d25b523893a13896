/**
 * HFS+ and HFSX volumes (also embedded in an HFS wrapper). The only public surface of
 * formats/hfsplus; see SPEC.md.
 */
import { hfsTime, SIG_HFS, SIG_HFSPLUS, SIG_HFSX, VOLUME_ATTR, VOLUME_HEADER_OFFSET, type VolumeHeader } from './volume-header.js';
import type { HfsVolume } from './volume.js';

export { HfsVolume, FORK_DATA, FORK_RSRC, forkExtents, type HfsNode } from './volume.js';
export { parseVolumeHeader, embeddedVolumeOffset, hfsTime, VOLUME_HEADER_OFFSET, type VolumeHeader, type ForkData, type Extent } from './volume-header.js';
export { BTree, type BTreeHeader, type BTreeNode } from './btree.js';
export { parseCatalogKey, parseCatalogRecord, type CatalogRecord, type CatalogKey } from './catalog.js';
export { parseDecmpfs, registerDecmpfsDecoder, DECMPFS_XATTR, type BlockDecoder } from './decmpfs.js';
export { displayName, foldName, PRIVATE_DATA, PRIVATE_DIR_DATA } from './names.js';

export const HFSPLUS_PARSER = { id: 'hfsplus', version: '1' } as const;

/** True when `sector2` (the 512 bytes at offset 1024 of a volume) starts an HFS+/HFSX header or an HFS wrapper holding one. */
export function looksLikeHfsPlus(sector2: Uint8Array): boolean {
  if (sector2.length < 0x80) return false;
  const sig = (sector2[0]! << 8) | sector2[1]!;
  if (sig === SIG_HFSPLUS || sig === SIG_HFSX) return true;
  return sig === SIG_HFS && ((sector2[0x7c]! << 8) | sector2[0x7d]!) === SIG_HFSPLUS;
}

export { VOLUME_HEADER_OFFSET as HFS_HEADER_OFFSET };

/** Facts about a volume for the report (the fields fshfsinfo / fsstat print). */
export async function hfsVolumeInfo(v: HfsVolume): Promise<Record<string, string | number>> {
  const h: VolumeHeader = v.header;
  const root = await v.root();
  const flags = Object.entries(VOLUME_ATTR).filter(([, bit]) => (h.attributes & bit) !== 0).map(([k]) => k);
  const volumeId = ((BigInt(h.finderInfo[6]!) << 32n) | BigInt(h.finderInfo[7]!)).toString(16).padStart(16, '0');
  return {
    name: root.name,
    signature: h.signature,
    version: h.version,
    'case sensitive': v.caseInsensitive ? 'no' : 'yes',
    'block size': h.blockSize,
    'total blocks': h.totalBlocks,
    'free blocks': h.freeBlocks,
    files: h.fileCount,
    folders: h.folderCount,
    'last mounted by': h.lastMountedVersion,
    // The header's creation date is local time (TN1150); the others are GMT.
    'created (local time)': hfsTime(h.createDate)?.replace(/\.000Z$/, '') ?? '',
    modified: hfsTime(h.modifyDate) ?? '',
    checked: hfsTime(h.checkedDate) ?? '',
    'volume identifier': volumeId,
    attributes: flags.join(', '),
    'wrapper offset': v.offset,
  };
}

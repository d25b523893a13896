/**
 * What file system a volume holds, decided from its bytes: NTFS (boot sector), APFS (container
 * superblock), HFS+/HFSX (volume header at 1024), ext2/3/4 (superblock at 1024), FAT12/16/32
 * (BPB; exFAT is named and refused). Each becomes a Filesystem with the layers that
 * lead to it, so any process can re-open the same bytes from an EvidenceRef.
 */
import type { Layer } from '../../common/evidence-ref.js';
import type { Filesystem } from '../../common/vfs.js';
import { looksLikeNtfs } from '../../formats/ntfs/index.js';
import { looksLikeApfsContainer } from '../../formats/apfs/index.js';
import { looksLikeHfsPlus } from '../../formats/hfsplus/index.js';
import type { Reader } from '../../io/reader.js';
import { NtfsFilesystem } from '../filesystems/ntfs.js';
import { openApfsContainer } from '../filesystems/apfs.js';
import { HfsPlusFilesystem } from '../filesystems/hfsplus.js';
import { looksLikeExfat, looksLikeFat } from '../../formats/fat/index.js';
import { looksLikeExt } from '../../formats/ext/index.js';
import { FatFilesystem } from '../filesystems/fat.js';
import { ExtFilesystem } from '../filesystems/ext.js';
import { shadowCopiesOf, shadowReader, type ShadowCopy } from './shadow-copies.js';

export interface VolumeFs {
  fs: Filesystem;
  /** `vol<N>` or the APFS volume name. */
  label: string;
  /** APFS role (`system`, `data`, ...) so a macOS System + Data pair can be joined. */
  role: string | null;
  /** NTFS volume shadow copies, oldest first: extra read-only views of the same volume. */
  snapshots?: ShadowCopy[];
}

export async function filesystemsOn(reader: Reader, base: Layer[], label: string, errors: { path: string; message: string }[], where: string): Promise<VolumeFs[]> {
  const head = await reader.read(0, 4096);
  try {
    if (looksLikeNtfs(head.subarray(0, 512))) {
      const fs = await NtfsFilesystem.open(reader, [...base, { kind: 'ntfs', locator: label }]);
      return [{ fs, label, role: null, snapshots: await shadowCopiesOf(reader, base, label, errors, where) }];
    }
    if (looksLikeApfsContainer(head)) {
      const c = await openApfsContainer(reader, base);
      const out: VolumeFs[] = [];
      for (const v of c.volumes) {
        if (v.fs) out.push({ fs: v.fs, label: v.name || label, role: v.role });
        else errors.push({ path: '/', message: `${where}: APFS volume "${v.name}": ${v.error ?? 'unreadable'}` });
      }
      return out;
    }
    if (looksLikeHfsPlus(head.subarray(1024, 1024 + 512))) return [{ fs: await HfsPlusFilesystem.open(reader, [...base, { kind: 'hfsplus', locator: label }]), label, role: null }];
    // Volumes that are not 3CX hosts (USB sticks, Linux disks) still list, read and hash.
    if (looksLikeExt(head)) return [{ fs: await ExtFilesystem.open(reader, [...base, { kind: 'ext', locator: label }]), label, role: null }];
    if (looksLikeExfat(head)) {
      errors.push({ path: '/', message: `${where}: exFAT file system; this version does not read exFAT` });
      return [];
    }
    if (looksLikeFat(head.subarray(0, 512))) return [{ fs: await FatFilesystem.open(reader, [...base, { kind: 'fat', locator: label }]), label, role: null }];
  } catch (e) {
    errors.push({ path: '/', message: `${where}: file system unreadable: ${(e as Error).message}` });
    return [];
  }
  errors.push({ path: '/', message: `${where}: no NTFS, APFS or HFS+ file system; this version does not read it` });
  return [];
}

/** Re-open the file system a ref's last layer names, over the volume's bytes (for the ref opener). */
export async function reopenFilesystem(reader: Reader, layers: Layer[]): Promise<Filesystem> {
  const vss = layers.find((l) => l.kind === 'vss');
  if (vss) reader = await shadowReader(reader, vss); // a shadow copy: the file system inside the snapshot
  const last = layers[layers.length - 1]!;
  const base = layers.slice(0, -1);
  if (last.kind === 'ntfs') return NtfsFilesystem.open(reader, layers);
  if (last.kind === 'hfsplus') return HfsPlusFilesystem.open(reader, layers);
  if (last.kind === 'fat') return FatFilesystem.open(reader, layers);
  if (last.kind === 'ext') return ExtFilesystem.open(reader, layers);
  if (last.kind === 'apfs') {
    const c = await openApfsContainer(reader, base);
    const v = c.volumes.find((x) => x.uuid === last.locator);
    if (!v?.fs) throw new Error(`APFS volume ${last.locator} not found or unreadable`);
    return v.fs;
  }
  throw new Error(`no file system reader for layer kind '${last.kind}'`);
}

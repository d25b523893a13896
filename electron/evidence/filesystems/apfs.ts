/**
 * An APFS volume as a read-only Filesystem, plus the container opener the image loader calls for
 * GPT partitions of type Apple APFS and for DMGs. Paths resolve through directory records; names
 * compare exactly first, then normalization- and (on case-insensitive volumes) case-insensitively.
 * Symbolic links are listed as links and never followed. Compressed (decmpfs) files read as their
 * decompressed contents. Inode numbers are exact 64-bit bigints (System volumes in a macOS 11+
 * volume group number theirs from 0x0FFFFFFF00000000, past 2^53); FileEntry.id is their decimal.
 */
import type { Layer } from '../../common/evidence-ref.js';
import { ParseError } from '../../common/issues.js';
import { joinPath, splitPath, type FileEntry, type Filesystem } from '../../common/vfs.js';
import { BufferReader } from '../../io/buffer-reader.js';
import type { Reader } from '../../io/reader.js';
import {
  APFS, ApfsContainer, ApfsVolume, DECMPFS_XATTR, RESOURCE_FORK_XATTR, decmpfsReader, foldName, nsToIso, parseDecmpfs,
  parseVolumeSuperblock, type ApfsVolumeInfo, type DecmpfsHeader, type DirRecord, type Inode, type SnapshotInfo, type Xattr,
} from '../../formats/apfs/index.js';

const DIR_CACHE = 256;
const ROOT = BigInt(APFS.ROOT_DIR_INO_NUM);

const fsError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

export interface ApfsXattrInfo {
  readonly name: string;
  readonly size: number;
}

export class ApfsFilesystem implements Filesystem {
  readonly kind = 'apfs';
  readonly caseInsensitive: boolean;
  private readonly dirs = new Map<bigint, Promise<DirRecord[]>>();
  private readonly compressed = new Map<bigint, Promise<DecmpfsHeader | null>>();

  constructor(readonly volume: ApfsVolume, private readonly layers: Layer[]) {
    this.caseInsensitive = volume.info.caseInsensitive;
  }

  get info(): ApfsVolumeInfo {
    return this.volume.info;
  }

  async stat(path: string): Promise<FileEntry | null> {
    const hit = await this.resolve(path);
    return hit ? this.entryFor(hit.path, hit.id) : null;
  }

  async readdir(path: string): Promise<FileEntry[]> {
    const hit = await this.resolve(path);
    if (!hit) throw fsError('ENOENT', `no such directory: ${path}`);
    const ino = await this.inodeOf(hit.id, path);
    if ((ino.mode & APFS.S_IFMT) !== APFS.S_IFDIR) throw fsError('ENOTDIR', `not a directory: ${path}`);
    const out: FileEntry[] = [];
    for (const r of await this.children(hit.id)) out.push(await this.entryFor(joinPath(hit.path, r.name), r.fileId));
    return out;
  }

  async open(path: string): Promise<Reader> {
    const hit = await this.resolve(path);
    if (!hit) throw fsError('ENOENT', `no such file: ${path}`);
    const ino = await this.inodeOf(hit.id, path);
    const fmt = ino.mode & APFS.S_IFMT;
    if (fmt === APFS.S_IFDIR) throw fsError('EISDIR', `is a directory: ${path}`);
    if (fmt === APFS.S_IFLNK) throw fsError('ELOOP', `refusing to follow a symbolic link: ${path}`);
    const h = await this.decmpfs(ino);
    if (h) {
      const fork = h.inline ? null : await this.xattrReader(ino.id, RESOURCE_FORK_XATTR, hit.path);
      return decmpfsReader(h, fork, hit.path);
    }
    if (!ino.dstream) return new BufferReader(new Uint8Array(0));
    return this.volume.streamReader(ino.privateId, ino.dstream.size, hit.path);
  }

  /** A symbolic link's target (the `com.apple.fs.symlink` xattr), or null for other entries. */
  async readlink(path: string): Promise<string | null> {
    const hit = await this.resolve(path);
    if (!hit) return null;
    const ino = await this.inodeOf(hit.id, path);
    if ((ino.mode & APFS.S_IFMT) !== APFS.S_IFLNK) return null;
    const x = (await this.volume.xattrs(ino.id)).find((a) => a.name === 'com.apple.fs.symlink');
    if (!x?.embedded) return null;
    const end = x.embedded.indexOf(0);
    return new TextDecoder().decode(end >= 0 ? x.embedded.subarray(0, end) : x.embedded);
  }

  async xattrs(path: string): Promise<ApfsXattrInfo[]> {
    const hit = await this.resolve(path);
    if (!hit) throw fsError('ENOENT', `no such file: ${path}`);
    return (await this.volume.xattrs(hit.id)).map((x) => ({ name: x.name, size: x.embedded ? x.embedded.length : (x.stream?.size ?? 0) }));
  }

  /** A Reader over one extended attribute's value (embedded or stored as a data stream). */
  async openXattr(path: string, name: string): Promise<Reader> {
    const hit = await this.resolve(path);
    if (!hit) throw fsError('ENOENT', `no such file: ${path}`);
    const r = await this.xattrReader(hit.id, name, hit.path);
    if (!r) throw fsError('ENOENT', `no extended attribute ${JSON.stringify(name)} on ${path}`);
    return r;
  }

  /** The raw inode (times in ns, flags, owner) for examiners who need more than a FileEntry. */
  async inode(path: string): Promise<Inode | null> {
    const hit = await this.resolve(path);
    return hit ? this.volume.inode(hit.id) : null;
  }

  async snapshots(): Promise<SnapshotInfo[]> {
    return this.volume.snapshots();
  }

  /** The volume as it was at one of its snapshots. */
  async openSnapshot(xid: bigint | number): Promise<ApfsFilesystem> {
    const want = typeof xid === 'bigint' ? xid : Number.isSafeInteger(xid) ? BigInt(xid) : -1n;
    const s = (await this.snapshots()).find((x) => x.xid === want);
    if (!s) throw fsError('ENOENT', `no snapshot with xid ${xid} on volume "${this.info.name}"`);
    return new ApfsFilesystem(await this.volume.openSnapshot(s), [...this.layers, { kind: 'apfs-snapshot', locator: `${s.xid}:${s.name}` }]);
  }

  layersFor(_path?: string): Layer[] {
    return this.layers;
  }

  async close(): Promise<void> {
    this.dirs.clear();
    this.compressed.clear();
  }

  private async inodeOf(id: bigint, path: string): Promise<Inode> {
    const ino = await this.volume.inode(id);
    if (!ino) throw new ParseError('out-of-bounds', { what: `${path}: inode ${id} named by a directory record is missing` });
    return ino;
  }

  private children(dirId: bigint): Promise<DirRecord[]> {
    let p = this.dirs.get(dirId);
    if (p) {
      this.dirs.delete(dirId);
    } else {
      p = this.volume.dirRecords(dirId).then((rs) => rs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
      p.catch(() => this.dirs.delete(dirId));
    }
    this.dirs.set(dirId, p);
    if (this.dirs.size > DIR_CACHE) this.dirs.delete(this.dirs.keys().next().value!);
    return p;
  }

  private async resolve(path: string): Promise<{ path: string; id: bigint } | null> {
    let id = ROOT;
    let cur = '/';
    const seen = new Set<bigint>([ROOT]);
    for (const part of splitPath(path)) {
      if (part === '.' || part === '..') return null;
      const kids = await this.children(id);
      let next = kids.find((k) => k.name === part);
      if (!next) {
        const want = foldName(part, this.caseInsensitive);
        next = kids.find((k) => foldName(k.name, this.caseInsensitive) === want);
      }
      if (!next) return null;
      if (seen.has(next.fileId)) throw new ParseError('loop', { what: `${path}: directory ${next.fileId} contains itself` });
      seen.add(next.fileId);
      id = next.fileId;
      cur = joinPath(cur, next.name);
    }
    return { path: cur, id };
  }

  private decmpfs(ino: Inode): Promise<DecmpfsHeader | null> {
    if ((ino.bsdFlags & APFS.UF_COMPRESSED) === 0) return Promise.resolve(null);
    let p = this.compressed.get(ino.id);
    if (!p) {
      p = this.volume.xattrs(ino.id).then((xs) => {
        const x = xs.find((a) => a.name === DECMPFS_XATTR);
        return x?.embedded ? parseDecmpfs(x.embedded) : null;
      });
      this.compressed.set(ino.id, p);
      p.catch(() => this.compressed.delete(ino.id));
      if (this.compressed.size > 4096) this.compressed.delete(this.compressed.keys().next().value!);
    }
    return p;
  }

  private async xattrReader(id: bigint, name: string, path: string): Promise<Reader | null> {
    const x: Xattr | undefined = (await this.volume.xattrs(id)).find((a) => a.name === name);
    if (!x) return null;
    if (x.embedded) return new BufferReader(x.embedded);
    return this.volume.streamReader(x.stream!.objId, x.stream!.size, `${path} xattr ${name}`);
  }

  private async entryFor(path: string, id: bigint): Promise<FileEntry> {
    const ino = await this.inodeOf(id, path);
    const fmt = ino.mode & APFS.S_IFMT;
    const type = fmt === APFS.S_IFDIR ? 'dir' : fmt === APFS.S_IFREG ? 'file' : fmt === APFS.S_IFLNK ? 'link' : 'other';
    let size = 0;
    if (type === 'file') {
      const h = await this.decmpfs(ino).catch((e: unknown) => {
        if (e instanceof ParseError) return null; // unreadable header: fall back to the stored size
        throw e;
      });
      size = h ? h.size : (ino.dstream?.size ?? 0);
    }
    const name = path === '/' ? '' : (splitPath(path).pop() ?? '');
    return {
      path, name, type, size, id: id.toString(), // exact decimal, as fsapfsinfo and TSK print it
      created: nsToIso(ino.createTime), modified: nsToIso(ino.modTime), accessed: nsToIso(ino.accessTime), changed: nsToIso(ino.changeTime),
    };
  }
}

export interface OpenedApfsVolume {
  name: string;
  role: string;
  uuid: string;
  fs: ApfsFilesystem | null;
  error?: string;
}

/**
 * Every volume of an APFS container. A volume that cannot be read (encrypted, damaged) is listed
 * with its name, role and the reason, and `fs: null`; the container itself failing throws.
 * Each volume's layers are the caller's plus `{ kind: 'apfs', locator: <volume uuid> }`.
 */
export async function openApfsContainer(reader: Reader, layers: Layer[]): Promise<{ volumes: OpenedApfsVolume[]; container: ApfsContainer }> {
  const container = await ApfsContainer.open(reader);
  const volumes: OpenedApfsVolume[] = [];
  for (const [i, oid] of container.sb.fsOids.entries()) {
    let info: ApfsVolumeInfo | null = null;
    try {
      const v = await container.omap.lookup(oid, container.xid);
      if (v) info = parseVolumeSuperblock(await container.object(v.paddr, 'volume superblock', APFS.OBJECT_TYPE.FS), v.paddr * container.blockSize);
      const vol = await ApfsVolume.open(container, oid);
      volumes.push({ name: vol.info.name, role: vol.info.roleName, uuid: vol.info.uuid, fs: new ApfsFilesystem(vol, [...layers, { kind: 'apfs', locator: vol.info.uuid }]) });
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      volumes.push({ name: info?.name ?? `volume ${i}`, role: info?.roleName ?? 'unknown', uuid: info?.uuid ?? '', fs: null, error: e.message });
    }
  }
  return { volumes, container };
}

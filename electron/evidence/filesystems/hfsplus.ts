/**
 * An HFS+/HFSX volume as a read-only Filesystem. Folders are listed from the catalog by parent id
 * (a B-tree descent plus a leaf scan) and cached; names resolve exact first, then folded (NFD,
 * and lower case where the volume is case-insensitive: always for HFS+, per key compare type for
 * HFSX).
 *
 * - Hard links (iNode<n> / dir_<n> in the private metadata folders) are listed under the link's
 *   name with the target's type, size and times; `id` is the target's CNID, as macOS reports it.
 * - Symbolic links are listed as `link` and never followed; `open` on one gives the stored target
 *   path (its data fork).
 * - HFS+-compressed files (decmpfs) have their uncompressed size and `open` decompresses them.
 * - The private metadata folders are listed as TSK shows them (`^^^^HFS+ Private Data`).
 * Times: created = createDate, modified = contentModDate, accessed = accessDate,
 * changed = attributeModDate (all GMT on HFS+).
 */
import type { Layer } from '../../common/evidence-ref.js';
import { ParseError } from '../../common/issues.js';
import { joinPath, splitPath, type FileEntry, type Filesystem } from '../../common/vfs.js';
import { pushIssue } from '../../io/block-cache.js';
import { BufferReader } from '../../io/buffer-reader.js';
import type { Reader } from '../../io/reader.js';
import { foldName, hfsTime, HfsVolume, hfsVolumeInfo, type HfsNode } from '../../formats/hfsplus/index.js';

const DIR_CACHE = 256;

export class HfsPlusFilesystem implements Filesystem {
  readonly kind = 'hfsplus';
  private readonly dirs = new Map<number, Promise<HfsNode[]>>();
  private rootNode: Promise<HfsNode> | null = null;

  private constructor(readonly volume: HfsVolume, private readonly layers: Layer[]) {}

  static async open(reader: Reader, layers: Layer[] = []): Promise<HfsPlusFilesystem> {
    return new HfsPlusFilesystem(await HfsVolume.open(reader), layers);
  }

  get caseInsensitive(): boolean {
    return this.volume.caseInsensitive;
  }

  get issues(): HfsVolume['issues'] {
    return this.volume.issues;
  }

  info(): Promise<Record<string, string | number>> {
    return hfsVolumeInfo(this.volume);
  }

  async stat(path: string): Promise<FileEntry | null> {
    const hit = await this.resolve(path);
    return hit ? entryFor(hit.path, hit.node) : null;
  }

  async readdir(path: string): Promise<FileEntry[]> {
    const hit = await this.resolve(path);
    if (!hit || hit.node.type !== 'dir') throw Object.assign(new Error(`no such directory: ${path}`), { code: 'ENOENT' });
    return (await this.children(hit.node)).map((k) => entryFor(joinPath(hit.path, k.name), k));
  }

  async open(path: string): Promise<Reader> {
    const hit = await this.resolve(path);
    if (!hit) throw Object.assign(new Error(`no such file: ${path}`), { code: 'ENOENT' });
    if (hit.node.type === 'dir') throw Object.assign(new Error(`is a directory: ${path}`), { code: 'EISDIR' });
    return this.volume.openData(hit.node, hit.path);
  }

  /** The resource fork of a file (empty when it has none). */
  async openResourceFork(path: string): Promise<Reader> {
    const hit = await this.resolve(path);
    if (!hit || hit.node.type === 'dir') throw Object.assign(new Error(`no such file: ${path}`), { code: 'ENOENT' });
    const f = hit.node.target.rsrcFork;
    if (!f || f.logicalSize === 0) return new BufferReader(new Uint8Array(0));
    return this.volume.openResource(hit.node);
  }

  /** Extended attribute names and sizes of a path (com.apple.quarantine, com.apple.decmpfs...). */
  async xattrs(path: string): Promise<{ name: string; size: number }[]> {
    const hit = await this.resolve(path);
    if (!hit) throw Object.assign(new Error(`no such file: ${path}`), { code: 'ENOENT' });
    return (await this.volume.xattrs(hit.node.target.id)).map((a) => ({ name: a.name, size: a.size }));
  }

  async xattr(path: string, name: string): Promise<Uint8Array | null> {
    const hit = await this.resolve(path);
    if (!hit) throw Object.assign(new Error(`no such file: ${path}`), { code: 'ENOENT' });
    return this.volume.xattr(hit.node.target.id, name);
  }

  layersFor(): Layer[] {
    return this.layers;
  }

  async close(): Promise<void> {
    this.dirs.clear();
  }

  private root(): Promise<HfsNode> {
    if (!this.rootNode) {
      this.rootNode = this.volume.root();
      this.rootNode.catch(() => (this.rootNode = null));
    }
    return this.rootNode;
  }

  private async resolve(path: string): Promise<{ path: string; node: HfsNode } | null> {
    let cur = await this.root();
    let curPath = '/';
    const ci = this.caseInsensitive;
    for (const part of splitPath(path)) {
      if (part === '.' || part === '..' || cur.type !== 'dir') return null;
      const kids = await this.children(cur);
      let next = kids.find((k) => k.name === part);
      if (!next) {
        const want = foldName(part, ci);
        next = kids.find((k) => foldName(k.name, ci) === want);
      }
      if (!next) return null;
      cur = next;
      curPath = joinPath(curPath, next.name);
    }
    return { path: curPath, node: cur };
  }

  private children(dir: HfsNode): Promise<HfsNode[]> {
    const id = dir.target.id;
    let p = this.dirs.get(id);
    if (p) {
      this.dirs.delete(id);
      this.dirs.set(id, p);
      return p;
    }
    p = this.volume.children(id).catch((e: unknown) => {
      if (!(e instanceof ParseError)) throw e;
      pushIssue(this.volume.issues, { message: `folder ${id} unreadable: ${e.message}`, offset: e.offset ?? null, file: null });
      return [];
    });
    this.dirs.set(id, p);
    if (this.dirs.size > DIR_CACHE) this.dirs.delete(this.dirs.keys().next().value!);
    return p;
  }
}

function entryFor(path: string, n: HfsNode): FileEntry {
  const t = n.target;
  return {
    path,
    name: path === '/' ? '' : n.name,
    type: n.type,
    size: n.type === 'dir' ? 0 : n.size,
    id: String(t.id),
    created: hfsTime(t.createDate),
    modified: hfsTime(t.contentModDate),
    accessed: hfsTime(t.accessDate),
    changed: hfsTime(t.attributeModDate),
  };
}

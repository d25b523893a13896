/**
 * An HFS+/HFSX volume over a Reader: the volume header (also inside an HFS wrapper), the
 * extents-overflow, catalog and attributes B-trees, folder listings by parent id, hard links
 * resolved to their iNode/dir_ targets in the private metadata folders, forks with overflow
 * extents and decmpfs-compressed data. The journal is not replayed (a cleanly unmounted volume
 * has nothing in it; otherwise the on-disk state is what we read, and the header says so).
 */
import { ParseError } from '../../common/issues.js';
import { LIMITS } from '../../common/limits.js';
import { pushIssue, type ReadIssue } from '../../io/block-cache.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';
import { SliceReader } from '../../io/slice-reader.js';
import { cmpAttrStart, parseAttrKey, parseAttrValue, type AttrValue } from './attributes.js';
import { BTree } from './btree.js';
import { cmpParentStart, parseCatalogKey, parseCatalogRecord, ROOT_PARENT_ID, S_IFLNK, S_IFMT, UF_COMPRESSED, type CatalogRecord } from './catalog.js';
import { DECMPFS_XATTR, openCompressed, parseDecmpfs } from './decmpfs.js';
import { ForkReader } from './fork.js';
import { displayName, PRIVATE_DATA, PRIVATE_DIR_DATA } from './names.js';
import { embeddedVolumeOffset, parseVolumeHeader, VOLUME_HEADER_OFFSET, type Extent, type ForkData, type VolumeHeader } from './volume-header.js';

export const FORK_DATA = 0x00;
export const FORK_RSRC = 0xff;
const MAX_EXTENTS = 1 << 20;
const MAX_XATTRS = 4096;

export interface HfsNode {
  /** Name as shown (control characters as '^', '/' as ':'). */
  readonly name: string;
  /** Name as stored in the catalog key. */
  readonly storedName: string;
  readonly parentId: number;
  /** The catalog record of this entry (for a hard link: the link's own record). */
  readonly record: CatalogRecord;
  /** What the entry stands for: the iNode/dir_ record for hard links, else `record`. */
  readonly target: CatalogRecord;
  readonly type: 'file' | 'dir' | 'link';
  readonly link: 'hard' | 'dir-hard' | 'symlink' | null;
  /** Logical size of the contents (uncompressed size for decmpfs files; 0 for folders). */
  readonly size: number;
  readonly compressed: boolean;
}

export class HfsVolume {
  readonly issues: ReadIssue[] = [];
  private readonly privates = new Map<string, Promise<{ createDate: number | null; rootDate: number | null; entries: Map<string, CatalogRecord> }>>();

  private constructor(
    readonly reader: Reader,
    readonly header: VolumeHeader,
    /** Byte offset of the HFS+ volume in the given reader (non-zero inside an HFS wrapper). */
    readonly offset: number,
    private readonly extents: BTree | null,
    readonly catalog: BTree,
    readonly attributes: BTree | null,
  ) {}

  static async open(reader: Reader): Promise<HfsVolume> {
    let vh = await reader.read(VOLUME_HEADER_OFFSET, 512);
    let offset = 0;
    const embedded = vh.length >= 0x82 ? embeddedVolumeOffset(vh) : null;
    if (embedded !== null) {
      if (embedded + VOLUME_HEADER_OFFSET + 512 > reader.size) throw new ParseError('out-of-bounds', { what: 'HFS wrapper embedded volume', offset: VOLUME_HEADER_OFFSET + 0x7e }, `the HFS wrapper's embedded HFS+ volume at ${embedded} lies past the end (${reader.size} bytes)`);
      offset = embedded;
      vh = await reader.read(offset + VOLUME_HEADER_OFFSET, 512);
    }
    const header = parseVolumeHeader(vh, offset + VOLUME_HEADER_OFFSET);
    const vol = offset === 0 ? reader : new SliceReader(reader, offset, reader.size - offset);
    const fork = (f: ForkData) => new ForkReader(vol, header.blockSize, f.extents, f.logicalSize);
    const extents = header.extentsFile.logicalSize > 0 ? await BTree.open(fork(header.extentsFile), 'extents overflow B-tree') : null;
    const issues: ReadIssue[] = [];
    const special = async (id: number, f: ForkData) => makeForkReader(vol, header, extents, issues, id, FORK_DATA, f);
    const catalog = await BTree.open(await special(4, header.catalogFile), 'catalog B-tree');
    let attributes: BTree | null = null;
    if (header.attributesFile.logicalSize > 0) {
      try {
        attributes = await BTree.open(await special(8, header.attributesFile), 'attributes B-tree');
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        pushIssue(issues, { message: `attributes B-tree unreadable (${e.message}); extended attributes and compressed files are unavailable`, offset: null, file: null });
      }
    }
    const v = new HfsVolume(vol, header, offset, extents, catalog, attributes);
    v.issues.push(...issues);
    return v;
  }

  /** HFS+ always folds case; HFSX folds unless its catalog uses binary compare (0xBC). */
  get caseInsensitive(): boolean {
    return this.header.signature === 'H+' || this.catalog.header.keyCompareType !== 0xbc;
  }

  async forkReader(fileId: number, forkType: number, fork: ForkData): Promise<ForkReader> {
    return makeForkReader(this.reader, this.header, this.extents, this.issues, fileId, forkType, fork);
  }

  /** Catalog records whose parent is `parentId`, in catalog order (threads left out). */
  async childRecords(parentId: number): Promise<{ storedName: string; record: CatalogRecord }[]> {
    const out: { storedName: string; record: CatalogRecord }[] = [];
    const cmp = cmpParentStart(parentId);
    for await (const kv of this.catalog.scan(cmp, (k) => k.u32be(2, 'catalog key parent id') === parentId)) {
      const key = parseCatalogKey(kv.key);
      const rec = parseCatalogRecord(kv.value);
      if (!rec || rec.kind === 'thread') continue;
      if (out.length >= LIMITS.dirMaxEntries) {
        pushIssue(this.issues, { message: `folder ${parentId} holds more than ${LIMITS.dirMaxEntries} entries; the rest are not listed`, offset: null, file: null });
        break;
      }
      out.push({ storedName: key.name, record: rec });
    }
    return out;
  }

  /** The root folder (CNID 2) with the volume name. */
  async root(): Promise<HfsNode> {
    const kids = await this.childRecords(ROOT_PARENT_ID);
    const r = kids.find((k) => k.record.kind === 'folder' && k.record.id === 2);
    if (!r) throw new ParseError('decode', { what: 'catalog root folder (CNID 2)' }, 'the catalog has no root folder record');
    return this.node(ROOT_PARENT_ID, r.storedName, r.record);
  }

  async children(folderId: number): Promise<HfsNode[]> {
    const out: HfsNode[] = [];
    for (const k of await this.childRecords(folderId)) out.push(await this.node(folderId, k.storedName, k.record));
    return out;
  }

  /**
   * A private metadata folder (its create date and its entries by stored name: iNode<n>, dir_<n>),
   * listed once.
   */
  private privateEntries(folderName: string): Promise<{ createDate: number | null; rootDate: number | null; entries: Map<string, CatalogRecord> }> {
    let p = this.privates.get(folderName);
    if (!p) {
      p = (async () => {
        const top = await this.childRecords(ROOT_PARENT_ID);
        const rootDate = top.find((k) => k.record.id === 2)?.record.createDate ?? null;
        const dir = (await this.childRecords(2)).find((k) => k.storedName === folderName && k.record.kind === 'folder');
        const entries = new Map<string, CatalogRecord>();
        if (dir) for (const k of await this.childRecords(dir.record.id)) entries.set(k.storedName, k.record);
        return { createDate: dir?.record.createDate ?? null, rootDate, entries };
      })();
      this.privates.set(folderName, p);
    }
    return p;
  }

  /**
   * The iNode/dir_ target of a link record, or null when the record is not a real link: as in
   * xnu and TSK, a link's create date must equal that of the private folder (or the root folder).
   */
  private async linkTarget(folderName: string, prefix: string, record: CatalogRecord, storedName: string): Promise<CatalogRecord | null> {
    const p = await this.privateEntries(folderName);
    if (record.createDate !== p.createDate && record.createDate !== p.rootDate) return null;
    const t = p.entries.get(`${prefix}${record.special}`);
    if (!t) pushIssue(this.issues, { message: `link ${displayName(storedName)} (CNID ${record.id}) points to ${prefix}${record.special}, which is missing`, offset: null, file: null });
    return t ?? record;
  }

  async node(parentId: number, storedName: string, record: CatalogRecord): Promise<HfsNode> {
    let target = record;
    let link: HfsNode['link'] = null;
    const hard = record.kind === 'file' && record.fileType === 'hlnk' && record.creator === 'hfs+';
    const dirHard = record.kind === 'file' && record.fileType === 'fdrp' && record.creator === 'MACS';
    const t = hard ? await this.linkTarget(PRIVATE_DATA, 'iNode', record, storedName) : dirHard ? await this.linkTarget(PRIVATE_DIR_DATA, 'dir_', record, storedName) : null;
    if (t) {
      target = t;
      link = hard ? 'hard' : 'dir-hard';
    } else if (record.kind === 'file' && (record.fileMode & S_IFMT) === S_IFLNK) {
      link = 'symlink';
    }
    const type = target.kind === 'folder' ? 'dir' : link === 'symlink' ? 'link' : 'file';
    let size = target.dataFork?.logicalSize ?? 0;
    let compressed = false;
    if (target.kind === 'file' && (target.ownerFlags & UF_COMPRESSED) !== 0) {
      const d = await this.xattr(target.id, DECMPFS_XATTR).catch((e: unknown) => {
        if (e instanceof ParseError) return null;
        throw e;
      });
      if (d) {
        try {
          size = parseDecmpfs(d).size;
          compressed = true;
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
          pushIssue(this.issues, { message: `file ${target.id}: ${e.message}`, offset: null, file: null });
        }
      }
    }
    return { name: displayName(storedName), storedName, parentId, record, target, type, link, size, compressed };
  }

  /** A Reader over a node's contents: the data fork, or the decompressed decmpfs data. */
  async openData(n: HfsNode, label = String(n.target.id)): Promise<Reader> {
    const t = n.target;
    if (t.kind !== 'file' || !t.dataFork || !t.rsrcFork) throw new ParseError('decode', { what: `CNID ${t.id} is a folder` });
    if (n.compressed) {
      const d = await this.xattr(t.id, DECMPFS_XATTR);
      if (!d) throw new ParseError('decode', { what: `CNID ${t.id} decmpfs attribute` });
      return openCompressed(parseDecmpfs(d), () => this.forkReader(t.id, FORK_RSRC, t.rsrcFork!), this.issues, label);
    }
    return this.forkReader(t.id, FORK_DATA, t.dataFork);
  }

  async openResource(n: HfsNode): Promise<Reader> {
    const t = n.target;
    if (t.kind !== 'file' || !t.rsrcFork) throw new ParseError('decode', { what: `CNID ${t.id} has no resource fork` });
    return this.forkReader(t.id, FORK_RSRC, t.rsrcFork);
  }

  /** The extended attributes of a CNID (name, size; inline values in `data`). */
  async xattrs(fileId: number): Promise<{ name: string; size: number; value: AttrValue }[]> {
    const out: { name: string; size: number; value: AttrValue }[] = [];
    if (!this.attributes) return out;
    for await (const kv of this.attributes.scan(cmpAttrStart(fileId), (k) => k.u32be(4, 'attribute file id') === fileId)) {
      const key = parseAttrKey(kv.key);
      const value = parseAttrValue(kv.value);
      if (!value || value.kind === 'extents' || key.startBlock !== 0) continue; // continuation records
      out.push({ name: key.name, size: value.kind === 'inline' ? value.data.length : value.fork.logicalSize, value });
      if (out.length >= MAX_XATTRS) break;
    }
    return out;
  }

  /** One attribute's bytes (fork-stored ones read up to LIMITS.smallFileMaxBytes), or null. */
  async xattr(fileId: number, name: string): Promise<Uint8Array | null> {
    const a = (await this.xattrs(fileId)).find((x) => x.name === name);
    if (!a) return null;
    if (a.value.kind === 'inline') return a.value.data;
    if (a.value.kind !== 'fork') return null;
    if (a.value.fork.logicalSize > LIMITS.smallFileMaxBytes) throw new ParseError('limit-exceeded', { what: `attribute ${name}`, need: a.value.fork.logicalSize, have: LIMITS.smallFileMaxBytes });
    const r = new ForkReader(this.reader, this.header.blockSize, a.value.fork.extents, a.value.fork.logicalSize);
    return r.read(0, r.size);
  }
}

/** A fork's extents, completed from the extents-overflow B-tree where the record's 8 fall short. */
export async function forkExtents(tree: BTree | null, header: VolumeHeader, issues: ReadIssue[], fileId: number, forkType: number, fork: ForkData): Promise<Extent[]> {
  const out = [...fork.extents];
  let blocks = out.reduce((s, e) => s + e.blockCount, 0);
  while (blocks < fork.totalBlocks && tree) {
    const want = blocks;
    let found: Extent[] | null = null;
    for await (const kv of tree.scan((k) => cmpExtentKey(k, fileId, forkType, want), (k) => cmpExtentKey(k, fileId, forkType, want) === 0)) {
      found = [];
      for (let i = 0; i < 8; i++) {
        const blockCount = kv.value.u32be(i * 8 + 4, 'overflow extent count');
        if (blockCount === 0) break;
        found.push({ startBlock: kv.value.u32be(i * 8, 'overflow extent start'), blockCount });
      }
      break;
    }
    if (!found || found.length === 0) {
      pushIssue(issues, { message: `file ${fileId} ${forkType === FORK_RSRC ? 'resource' : 'data'} fork: no overflow extents at block ${blocks} of ${fork.totalBlocks}; the rest reads as zeros`, offset: null, file: null });
      break;
    }
    out.push(...found);
    blocks += found.reduce((s, e) => s + e.blockCount, 0);
    if (out.length > MAX_EXTENTS) throw new ParseError('limit-exceeded', { what: `file ${fileId} extents`, need: out.length, have: MAX_EXTENTS });
  }
  for (const e of out) {
    if (e.startBlock + e.blockCount > header.totalBlocks) {
      pushIssue(issues, { message: `file ${fileId} extent [${e.startBlock}, +${e.blockCount}) lies past the volume's ${header.totalBlocks} blocks`, offset: null, file: null });
    }
  }
  return out;
}

async function makeForkReader(vol: Reader, header: VolumeHeader, tree: BTree | null, issues: ReadIssue[], fileId: number, forkType: number, fork: ForkData): Promise<ForkReader> {
  const r = new ForkReader(vol, header.blockSize, await forkExtents(tree, header, issues, fileId, forkType, fork), fork.logicalSize);
  if (r.covered < r.size) pushIssue(issues, { message: `file ${fileId} fork of ${r.size} bytes has extents for ${r.covered}; the rest reads as zeros`, offset: null, file: null });
  return r;
}

function cmpExtentKey(k: ByteCursor, fileId: number, forkType: number, startBlock: number): number {
  const f = k.u32be(4, 'extent key file id');
  if (f !== fileId) return f < fileId ? -1 : 1;
  const t = k.u8(2, 'extent key fork type');
  if (t !== forkType) return t < forkType ? -1 : 1;
  const s = k.u32be(8, 'extent key start block');
  return s === startBlock ? 0 : s < startBlock ? -1 : 1;
}

/** Catalog B-tree keys and records: folders, files and threads (see SPEC.md §catalog). */
import { ParseError } from '../../common/issues.js';
import type { ByteCursor } from '../../io/byte-cursor.js';
import { parseForkData, type ForkData } from './volume-header.js';

export const REC = { folder: 1, file: 2, folderThread: 3, fileThread: 4 } as const;
export const ROOT_PARENT_ID = 1;
export const ROOT_FOLDER_ID = 2;
export const S_IFMT = 0o170000;
export const S_IFLNK = 0o120000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
/** BSD ownerFlags bit: the file's contents are in com.apple.decmpfs (HFS+ compression). */
export const UF_COMPRESSED = 0x20;

export interface CatalogKey {
  readonly parentId: number;
  /** UTF-16 name exactly as stored (decomposed, may hold NUL or '/'). */
  readonly name: string;
}

export interface CatalogRecord {
  readonly kind: 'folder' | 'file';
  readonly id: number;
  readonly flags: number;
  readonly createDate: number;
  readonly contentModDate: number;
  readonly attributeModDate: number;
  readonly accessDate: number;
  readonly backupDate: number;
  readonly ownerId: number;
  readonly groupId: number;
  readonly adminFlags: number;
  readonly ownerFlags: number;
  readonly fileMode: number;
  /** iNodeNum of a hard link, link count of an indirect node, raw device. */
  readonly special: number;
  /** Finder type and creator (files): 'hlnk'/'hfs+' hard link, 'fdrp'/'MACS' directory link, 'slnk'/'rhap' symlink. */
  readonly fileType: string;
  readonly creator: string;
  /** Folder valence (items in the folder). */
  readonly valence: number;
  readonly dataFork: ForkData | null;
  readonly rsrcFork: ForkData | null;
}

export interface ThreadRecord {
  readonly kind: 'thread';
  readonly parentId: number;
  readonly name: string;
}

const MAX_NAME_UNITS = 255;

export function parseCatalogKey(key: ByteCursor): CatalogKey {
  const keyLen = key.u16be(0, 'catalog key length');
  if (keyLen < 6) throw new ParseError('out-of-bounds', { what: 'catalog key length', offset: key.base }, `catalog key length ${keyLen} is below 6`);
  const parentId = key.u32be(2, 'catalog key parent id');
  const units = key.u16be(6, 'catalog key name length');
  if (units > MAX_NAME_UNITS) throw new ParseError('limit-exceeded', { what: 'catalog name length', offset: key.base + 6, need: units, have: MAX_NAME_UNITS });
  return { parentId, name: utf16be(key, 8, units, 'catalog key name') };
}

/** Compare a raw catalog key with (parentId, '') — the first key of that parent (its thread). */
export function cmpParentStart(parentId: number): (key: ByteCursor) => number {
  return (key) => {
    const p = key.u32be(2, 'catalog key parent id');
    if (p !== parentId) return p < parentId ? -1 : 1;
    return key.u16be(6, 'catalog key name length') === 0 ? 0 : 1;
  };
}

export function utf16be(c: ByteCursor, off: number, units: number, what: string): string {
  const raw = c.raw(off, units * 2, what);
  let s = '';
  for (let i = 0; i < units; i++) s += String.fromCharCode((raw[i * 2]! << 8) | raw[i * 2 + 1]!);
  return s;
}

export function parseCatalogRecord(v: ByteCursor): CatalogRecord | ThreadRecord | null {
  const type = v.u16be(0, 'catalog record type');
  if (type === REC.folderThread || type === REC.fileThread) {
    const units = v.u16be(8, 'thread name length');
    if (units > MAX_NAME_UNITS) throw new ParseError('limit-exceeded', { what: 'thread name length', offset: v.base + 8, need: units, have: MAX_NAME_UNITS });
    return { kind: 'thread', parentId: v.u32be(4, 'thread parent id'), name: utf16be(v, 10, units, 'thread name') };
  }
  if (type !== REC.folder && type !== REC.file) return null;
  const isFile = type === REC.file;
  v.need(0, isFile ? 248 : 88, isFile ? 'catalog file record' : 'catalog folder record');
  return {
    kind: isFile ? 'file' : 'folder',
    id: v.u32be(8, 'catalog node id'),
    flags: v.u16be(2, 'record flags'),
    createDate: v.u32be(12, 'create date'),
    contentModDate: v.u32be(16, 'content mod date'),
    attributeModDate: v.u32be(20, 'attribute mod date'),
    accessDate: v.u32be(24, 'access date'),
    backupDate: v.u32be(28, 'backup date'),
    ownerId: v.u32be(32, 'owner id'),
    groupId: v.u32be(36, 'group id'),
    adminFlags: v.u8(40, 'admin flags'),
    ownerFlags: v.u8(41, 'owner flags'),
    fileMode: v.u16be(42, 'file mode'),
    special: v.u32be(44, 'special'),
    fileType: isFile ? v.ascii(48, 4, 'file type') : '',
    creator: isFile ? v.ascii(52, 4, 'file creator') : '',
    valence: isFile ? 0 : v.u32be(4, 'folder valence'),
    dataFork: isFile ? parseForkData(v, 88, 'data fork') : null,
    rsrcFork: isFile ? parseForkData(v, 168, 'resource fork') : null,
  };
}

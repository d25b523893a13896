/**
 * VSS on-disk structures (SPEC.md): the volume header at 0x1e00, the chains of 16 KiB metadata
 * blocks (catalog, block lists, range lists, bitmaps), catalog entries and the store header.
 * Every offset is checked against the volume before it is read; every chain keeps a visited set.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';
import { filetimeToIso } from '../../io/filetime.js';
import { guidAt } from '../gpt/index.js';

export const VSS_HEADER_OFFSET = 0x1e00;
export const VSS_BLOCK = 0x4000;
export const BLOCK_HEADER = 128;
/** 3808876b-c176-4e48-b7ae-04046e6cc752 as stored (first three groups little-endian). */
export const VSS_ID = Uint8Array.from([0x6b, 0x87, 0x08, 0x38, 0x76, 0xc1, 0x48, 0x4e, 0xb7, 0xae, 0x04, 0x04, 0x6e, 0x6c, 0xc7, 0x52]);

export const RECORD = { volumeHeader: 1, catalog: 2, blockList: 3, storeHeader: 4, rangeList: 5, bitmap: 6 } as const;

/** Caps: Windows keeps at most 512 shadow copies per volume; a catalog of 64 blocks holds 8,000 entries. */
export const VSS_LIMITS = {
  maxStores: 512,
  maxCatalogBlocks: 64,
  /** 8 M descriptors = 128 GiB of preserved blocks in one store. */
  maxDescriptors: 8 * 1024 * 1024,
  maxRangeEntries: 1024 * 1024,
  maxStoreInfoBytes: VSS_BLOCK - BLOCK_HEADER,
} as const;

export interface VssVolumeHeader {
  version: number;
  catalogOffset: number;
  maxSize: number;
  volumeId: string;
  storageVolumeId: string;
}

export interface CatalogStore {
  /** Position of the type-2 entry in the catalog (0-based), for tie-breaking. */
  catalogIndex: number;
  id: string;
  volumeSize: number;
  sequence: number;
  entryFlags: number;
  creationFiletime: bigint;
  created: string | null;
  blockListOffset: number;
  headerOffset: number;
  rangeListOffset: number;
  bitmapOffset: number;
  previousBitmapOffset: number;
}

export interface StoreInfo {
  shadowCopyId: string;
  shadowCopySetId: string;
  context: number;
  attributeFlags: number;
  operatingMachine: string;
  serviceMachine: string;
}

export function isVssId(b: Uint8Array, off = 0): boolean {
  if (b.length < off + 16) return false;
  for (let i = 0; i < 16; i++) if (b[off + i] !== VSS_ID[i]) return false;
  return true;
}

/** The VSS volume header, or null when the bytes at 0x1e00 are not one (no VSS on this volume). */
export function parseVolumeHeader(b: Uint8Array): VssVolumeHeader | null {
  if (!isVssId(b)) return null;
  const c = new ByteCursor(b, VSS_HEADER_OFFSET);
  const recordType = c.u32(20, 'VSS volume header record type');
  if (recordType !== RECORD.volumeHeader) throw new ParseError('bad-signature', { what: 'VSS volume header record type 1', offset: VSS_HEADER_OFFSET + 20 });
  const version = c.u32(16, 'VSS volume header version');
  if (version !== 1 && version !== 2) throw new ParseError('unsupported-version', { what: `VSS volume header version ${version}`, offset: VSS_HEADER_OFFSET + 16 });
  return {
    version,
    catalogOffset: c.u64(48, 'VSS catalog offset'),
    maxSize: c.u64(56, 'VSS maximum size'),
    volumeId: guidAt(c, 64, 'VSS volume identifier'),
    storageVolumeId: guidAt(c, 80, 'VSS storage volume identifier'),
  };
}

/**
 * Each 16 KiB block of a chain starting at `start`: its header is checked (VSS id, version 1,
 * record type) and the chain stops at next = 0. A revisited block is a `loop`; more than
 * `maxBlocks` is `limit-exceeded`.
 */
export async function* blockChain(volume: Reader, start: number, recordType: number, what: string, maxBlocks: number): AsyncGenerator<ByteCursor> {
  const seen = new Set<number>();
  for (let off = start; off !== 0;) {
    if (seen.has(off)) throw new ParseError('loop', { what: `${what} block chain revisits a block`, offset: off });
    if (seen.size >= maxBlocks) throw new ParseError('limit-exceeded', { what: `${what} blocks`, offset: off, need: seen.size + 1, have: maxBlocks });
    seen.add(off);
    const c = await readBlock(volume, off, what);
    if (!isVssId(c.bytes)) throw new ParseError('bad-signature', { what: `${what} block VSS identifier`, offset: off });
    const type = c.u32(20, `${what} record type`);
    if (type !== recordType) throw new ParseError('bad-signature', { what: `${what} record type ${recordType} (found ${type})`, offset: off + 20 });
    yield c;
    off = c.u64(40, `${what} next block offset`);
  }
}

/** One whole metadata block, refused when it would lie (even partly) outside the volume. */
export async function readBlock(volume: Reader, off: number, what: string): Promise<ByteCursor> {
  if (!Number.isSafeInteger(off) || off < 0 || off + VSS_BLOCK > volume.size) {
    throw new ParseError('out-of-bounds', { what: `${what} block`, offset: off, need: VSS_BLOCK, have: Math.max(0, volume.size - Math.max(0, off)) });
  }
  const b = await volume.read(off, VSS_BLOCK);
  if (b.length !== VSS_BLOCK) throw new ParseError('truncated', { what: `${what} block`, offset: off, need: VSS_BLOCK, have: b.length });
  return new ByteCursor(b, off);
}

/**
 * The catalog's stores: each type-2 entry (identity, creation time) joined with the type-3 entry of
 * the same store GUID (where its block list, header and bitmaps are). A type-2 entry without its
 * type 3 (Windows 2003) has no store on this volume and is left out; the reason goes to `notes`.
 */
export async function readCatalog(volume: Reader, catalogOffset: number, notes: string[]): Promise<CatalogStore[]> {
  const identity = new Map<string, Omit<CatalogStore, 'blockListOffset' | 'headerOffset' | 'rangeListOffset' | 'bitmapOffset' | 'previousBitmapOffset'>>();
  const out: CatalogStore[] = [];
  let entries = 0;
  for await (const c of blockChain(volume, catalogOffset, RECORD.catalog, 'VSS catalog', VSS_LIMITS.maxCatalogBlocks)) {
    for (let e = BLOCK_HEADER; e + 128 <= VSS_BLOCK; e += 128) {
      const type = c.u64big(e, 'VSS catalog entry type');
      if (type === 0n || type === 1n) continue;
      if (type !== 2n && type !== 3n) {
        notes.push(`VSS catalog entry of unknown type ${type} at offset ${c.base + e} skipped`);
        continue;
      }
      if (++entries > 2 * VSS_LIMITS.maxStores) throw new ParseError('limit-exceeded', { what: 'VSS catalog entries', offset: c.base + e, need: entries, have: 2 * VSS_LIMITS.maxStores });
      const id = guidAt(c, e + 16, 'VSS catalog store identifier');
      if (type === 2n) {
        if (identity.has(id)) { notes.push(`VSS catalog lists store ${id} twice; the first entry is used`); continue; }
        const ft = c.u64big(e + 48, 'VSS shadow copy creation time');
        identity.set(id, {
          catalogIndex: identity.size, id,
          volumeSize: c.u64(e + 8, 'VSS catalog volume size'),
          sequence: c.u64(e + 32, 'VSS catalog sequence number'),
          entryFlags: c.u64(e + 40, 'VSS catalog entry flags'),
          creationFiletime: ft, created: filetimeToIso(ft),
        });
        continue;
      }
      const who = identity.get(id);
      if (!who) { notes.push(`VSS catalog store ${id}: type-3 entry before (or without) its type-2 entry; skipped`); continue; }
      if (out.some((s) => s.id === id)) continue;
      out.push({
        ...who,
        blockListOffset: c.u64(e + 8, 'VSS store block list offset'),
        headerOffset: c.u64(e + 32, 'VSS store header offset'),
        rangeListOffset: c.u64(e + 40, 'VSS store block range list offset'),
        bitmapOffset: c.u64(e + 48, 'VSS store bitmap offset'),
        previousBitmapOffset: c.u64(e + 72, 'VSS store previous bitmap offset'),
      });
    }
  }
  for (const s of identity.values()) if (!out.some((o) => o.id === s.id)) notes.push(`VSS catalog store ${s.id} has no type-3 entry (no store data on this volume)`);
  return out;
}

/** The store header block (type 4) and the store information after it. */
export async function readStoreInfo(volume: Reader, headerOffset: number): Promise<StoreInfo> {
  const c = await readBlock(volume, headerOffset, 'VSS store header');
  if (!isVssId(c.bytes)) throw new ParseError('bad-signature', { what: 'VSS store header identifier', offset: headerOffset });
  const type = c.u32(20, 'VSS store header record type');
  if (type !== RECORD.storeHeader) throw new ParseError('bad-signature', { what: `VSS store header record type 4 (found ${type})`, offset: headerOffset + 20 });
  const size = c.u64(48, 'VSS store information size');
  if (size > VSS_LIMITS.maxStoreInfoBytes) throw new ParseError('limit-exceeded', { what: 'VSS store information size', offset: headerOffset + 48, need: size, have: VSS_LIMITS.maxStoreInfoBytes });
  const i = c.slice(BLOCK_HEADER, Math.max(size, 68), 'VSS store information');
  const opLen = i.u16(64, 'VSS operating machine string size');
  const operatingMachine = i.utf16le(66, opLen >> 1, 'VSS operating machine string');
  const svAt = 66 + opLen;
  const svLen = i.u16(svAt, 'VSS service machine string size');
  return {
    shadowCopyId: guidAt(i, 16, 'VSS shadow copy identifier'),
    shadowCopySetId: guidAt(i, 32, 'VSS shadow copy set identifier'),
    context: i.u32(48, 'VSS snapshot context'),
    attributeFlags: i.u32(56, 'VSS attribute flags'),
    operatingMachine,
    serviceMachine: i.utf16le(svAt + 2, svLen >> 1, 'VSS service machine string'),
  };
}

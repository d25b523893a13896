/**
 * Volume Shadow Snapshots (VSS) inside an NTFS volume → one Reader per shadow copy. See SPEC.md.
 *
 * `openVss(volume)` reads the volume header at 0x1e00 and the catalog; it returns null when the
 * volume has no VSS header. Stores are numbered from 1, oldest first (as vshadowinfo and
 * vshadowmount's `vss<N>` do). Block lists load on first read of a store.
 */
import { ParseError } from '../../common/issues.js';
import type { ReadIssue } from '../../io/block-cache.js';
import type { Reader } from '../../io/reader.js';
import { readRangeList, type RangeEntry } from './block-list.js';
import { SnapshotChain } from './snapshot.js';
import { parseVolumeHeader, readCatalog, readStoreInfo, VSS_HEADER_OFFSET, VSS_LIMITS, type CatalogStore, type StoreInfo, type VssVolumeHeader } from './structs.js';

export { VSS_LIMITS, VSS_HEADER_OFFSET } from './structs.js';
export type { VssVolumeHeader, StoreInfo } from './structs.js';
export type { RangeEntry } from './block-list.js';

export interface VssStore {
  /** 1-based, oldest first. */
  readonly index: number;
  /** Store identifier (the GUID in the store file's name and in the catalog). */
  readonly id: string;
  /** Creation time as FILETIME ticks (exact) and ISO 8601 UTC (ms). */
  readonly creationFiletime: bigint;
  readonly created: string | null;
  readonly volumeSize: number;
  /** Identity from the store header; null with `infoError` when that header is unreadable. */
  readonly info: StoreInfo | null;
  readonly infoError: string | null;
  readonly catalog: CatalogStore;
}

export interface VssVolume {
  readonly header: VssVolumeHeader;
  readonly stores: readonly VssStore[];
  /** Catalog oddities that did not stop reading (entries skipped, duplicates). */
  readonly notes: readonly string[];
  /** The store's view of the volume; read problems in its metadata become `issues` and zeros. */
  snapshot(index: number, issues?: ReadIssue[]): Reader;
  /** The store's block range list (where its own data lies on the volume). */
  ranges(index: number): Promise<RangeEntry[]>;
}

/** True when the bytes at 0x1e00 of a volume carry the VSS identifier (cheap sniff, 16 bytes). */
export async function hasVssHeader(volume: Reader): Promise<boolean> {
  if (volume.size < VSS_HEADER_OFFSET + 512) return false;
  const b = await volume.read(VSS_HEADER_OFFSET, 512);
  try {
    return parseVolumeHeader(b) !== null;
  } catch {
    return false;
  }
}

export async function openVss(volume: Reader): Promise<VssVolume | null> {
  if (volume.size < VSS_HEADER_OFFSET + 512) return null;
  const header = parseVolumeHeader(await volume.read(VSS_HEADER_OFFSET, 512));
  if (!header) return null;
  const notes: string[] = [];
  const found = header.catalogOffset === 0 ? [] : await readCatalog(volume, header.catalogOffset, notes);
  if (found.length > VSS_LIMITS.maxStores) throw new ParseError('limit-exceeded', { what: 'VSS stores', offset: header.catalogOffset, need: found.length, have: VSS_LIMITS.maxStores });
  // Catalog order is not age order; the copy-on-write chain runs oldest → newest, so sort by time.
  const ordered = [...found].sort((a, b) => (a.creationFiletime < b.creationFiletime ? -1 : a.creationFiletime > b.creationFiletime ? 1 : a.catalogIndex - b.catalogIndex));
  const stores: VssStore[] = [];
  for (const [i, s] of ordered.entries()) {
    let info: StoreInfo | null = null;
    let infoError: string | null = null;
    try {
      info = await readStoreInfo(volume, s.headerOffset);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      infoError = e.message;
    }
    stores.push({ index: i + 1, id: s.id, creationFiletime: s.creationFiletime, created: s.created, volumeSize: s.volumeSize, info, infoError, catalog: s });
  }
  const chain = new SnapshotChain(volume, ordered);
  const at = (index: number): number => {
    if (!Number.isInteger(index) || index < 1 || index > stores.length) throw new RangeError(`no VSS store ${index} (have ${stores.length})`);
    return index - 1;
  };
  return {
    header,
    stores,
    notes,
    snapshot: (index, issues) => chain.reader(at(index), issues),
    ranges: (index) => readRangeList(volume, ordered[at(index)]!.rangeListOffset),
  };
}

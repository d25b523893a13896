/**
 * QEMU copy-on-write images (QCOW v1, QCOW2 v2/v3) → a Reader of the virtual disk. See SPEC.md.
 * Encrypted images are refused; a backing file is opened through the caller's `openBacking`.
 */
import { inflateRaw } from 'node:zlib';
import { promisify } from 'node:util';
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { BlockReader, pushIssue, type ReadIssue } from '../../io/block-cache.js';
import type { Reader } from '../../io/reader.js';
import { isCorrupt, isDirty, parseHeader, QCOW_MAGIC } from './header.js';

const inflateRawAsync = promisify(inflateRaw);
const MAX_L1_ENTRIES = 1 << 22; // 32 MiB of L1: 2^22 × 2^13 entries × 64 KiB clusters = 2 EiB
const MAX_CACHED_L2 = 1024;
const OFFSET_MASK = 0x00fffffffffffe00n;

export interface QcowImage {
  reader: Reader;
  info: Record<string, string | number>;
  issues: ReadIssue[];
  backing: { name: string; found: boolean } | null;
}

export function sniffQcow(head: Uint8Array): boolean {
  return head.length >= 4 && QCOW_MAGIC.every((b, i) => head[i] === b);
}

export async function openQcow(
  reader: Reader,
  opts: { file?: string; issues?: ReadIssue[]; openBacking?: (name: string) => Promise<Reader | null>; cacheBytes?: number } = {},
): Promise<QcowImage> {
  const issues = opts.issues ?? [];
  const file = opts.file ?? null;
  const h = parseHeader(new ByteCursor(await reader.read(0, 112), 0));
  if (h.cryptMethod !== 0) throw new ParseError('encrypted', { what: 'QCOW crypt_method', offset: h.version === 1 ? 36 : 32 }, `QCOW image is encrypted (method ${h.cryptMethod}); not readable without the key`);
  if (isDirty(h)) pushIssue(issues, { message: 'QCOW2 dirty bit set: refcounts may be stale (data clusters are read as mapped)', offset: 72, file });
  if (isCorrupt(h)) pushIssue(issues, { message: 'QCOW2 corrupt bit set by qemu: metadata may be inconsistent', offset: 72, file });
  const clusterSize = 2 ** h.clusterBits;
  const l2Entries = 2 ** h.l2Bits;
  const needL1 = Math.ceil(h.size / (clusterSize * l2Entries));
  if (needL1 > MAX_L1_ENTRIES) throw new ParseError('limit-exceeded', { what: 'QCOW L1 entries', need: needL1, have: MAX_L1_ENTRIES });
  const l1Count = Math.min(h.l1Size, needL1);
  if (h.l1Size < needL1) pushIssue(issues, { message: `L1 table has ${h.l1Size} of ${needL1} entries; the rest reads as zeros`, offset: h.l1TableOffset, file });
  const l1Bytes = await reader.read(h.l1TableOffset, l1Count * 8);
  if (l1Bytes.length < l1Count * 8) throw new ParseError('truncated', { what: 'QCOW L1 table', offset: h.l1TableOffset, need: l1Count * 8, have: l1Bytes.length });
  const l1 = new ByteCursor(l1Bytes, h.l1TableOffset);
  const info: Record<string, string | number> = { 'format version': h.version, 'media size': h.size, 'cluster size': clusterSize, snapshots: h.nbSnapshots };

  let backing: QcowImage['backing'] = null;
  let backingReader: Reader | null = null;
  if (h.backingFileOffset !== 0 && h.backingFileSize > 0) {
    const len = Math.min(h.backingFileSize, 1023);
    const name = new TextDecoder().decode(await reader.read(h.backingFileOffset, len));
    backing = { name, found: false };
    info['backing file'] = name;
    backingReader = opts.openBacking ? await opts.openBacking(name) : null;
    backing.found = backingReader !== null;
    if (!backingReader) pushIssue(issues, { message: `backing file '${name}' not found beside the image; clusters it holds read as zeros`, offset: h.backingFileOffset, file });
  }

  const l2Cache = new Map<number, ByteCursor>();
  const l2Table = async (i: number): Promise<ByteCursor | null> => {
    const hit = l2Cache.get(i);
    if (hit) return hit;
    const e = l1.u64bigBe(i * 8, 'L1 entry');
    const at = Number((h.version === 1 ? e : e & OFFSET_MASK));
    if (at === 0) return null;
    if (at + l2Entries * 8 > reader.size) throw new ParseError('out-of-bounds', { what: 'L2 table offset', offset: h.l1TableOffset + i * 8 }, `L1 entry ${i} points to ${at}, past the end of the file`);
    const c = new ByteCursor(await reader.read(at, l2Entries * 8), at);
    if (l2Cache.size >= MAX_CACHED_L2) l2Cache.clear();
    l2Cache.set(i, c);
    return c;
  };

  const loadCluster = async (k: number): Promise<Uint8Array> => {
    const want = Math.min(clusterSize, h.size - k * clusterSize);
    const absent = async () => {
      if (!backingReader) return new Uint8Array(want);
      const b = await backingReader.read(k * clusterSize, want);
      if (b.length === want) return b;
      const out = new Uint8Array(want);
      out.set(b);
      return out;
    };
    const l1i = Math.floor(k / l2Entries);
    if (l1i >= l1Count) return new Uint8Array(want);
    const l2 = await l2Table(l1i);
    if (!l2) return absent();
    const e = l2.u64bigBe((k % l2Entries) * 8, 'L2 entry');
    if (e === 0n) return absent();
    const compressed = h.version === 1 ? (e >> 63n) === 1n : ((e >> 62n) & 1n) === 1n;
    if (!compressed) {
      if (h.version >= 3 && (e & 1n) === 1n) return new Uint8Array(want); // reads as zeros (v3)
      const at = Number(h.version === 1 ? e & 0x7fffffffffffffffn : e & OFFSET_MASK);
      if (at === 0) return absent();
      if (at + want > reader.size) throw new ParseError('out-of-bounds', { what: 'L2 entry', offset: l2.base + (k % l2Entries) * 8 }, `cluster ${k} at ${at} lies past the end of the file`);
      return reader.read(at, want);
    }
    let at: number;
    let csize: number;
    if (h.version === 1) {
      const shift = BigInt(63 - h.clusterBits);
      at = Number(e & ((1n << shift) - 1n));
      csize = Number((e >> shift) & BigInt(clusterSize - 1));
    } else {
      const x = BigInt(62 - (h.clusterBits - 8));
      at = Number(e & ((1n << x) - 1n));
      const sectors = Number((e >> x) & ((1n << BigInt(h.clusterBits - 8)) - 1n));
      csize = (sectors + 1) * 512 - (at & 511);
    }
    if (at >= reader.size || csize <= 0) throw new ParseError('out-of-bounds', { what: 'compressed cluster', offset: at }, `compressed cluster ${k} at ${at} lies outside the file`);
    const data = await reader.read(at, Math.min(csize, clusterSize * 2));
    try {
      const out = await inflateRawAsync(data, { maxOutputLength: clusterSize, finishFlush: 2 /* Z_SYNC_FLUSH: a stream cut at a sector edge still yields */ });
      if (out.length < want) throw new Error(`inflated to ${out.length} bytes`);
      return out.subarray(0, want);
    } catch (err) {
      throw new ParseError('decode', { what: 'compressed cluster', offset: at }, `compressed cluster ${k} at ${at} does not inflate (${(err as Error).message})`);
    }
  };
  const out = new BlockReader(h.size, clusterSize, loadCluster, issues, async () => { await backingReader?.close(); }, { file, cacheBytes: opts.cacheBytes ?? 32 * 1024 * 1024 });
  return { reader: out, info, issues, backing };
}

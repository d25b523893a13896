/**
 * A .dmg file (Apple UDIF) → the decompressed disk and one Reader per blkx partition, read-only
 * and in place. Encrypted DMGs are refused with a clear message (ParseError 'encrypted').
 * Decompressed chunks are cached (formats/udif) so a file system walk over a compressed image
 * decodes each chunk about once.
 */
import { basename } from 'node:path';
import type { ReadIssue } from '../../io/block-cache.js';
import { FileReader } from '../../io/file-reader.js';
import type { Reader } from '../../io/reader.js';
import { openUdif, verifyUdifDataFork } from '../../formats/udif/index.js';

export interface DmgPartition {
  name: string;
  offset: number;
  size: number;
  reader: Reader;
}

export interface OpenedDmg {
  /** The whole decompressed disk (sector map over every blkx table). */
  reader: Reader;
  partitions: DmgPartition[];
  info: Record<string, string | number>;
  /** Located, recovered problems; a live array (bad chunks found while reading are appended). */
  issues: ReadIssue[];
  /** CRC32 of the stored data fork against the trailer's, when `verify` was asked and the trailer has one. */
  verification?: { algorithm: string; expected: string; actual: string; ok: boolean };
  close(): Promise<void>;
}

export async function openDmg(path: string, opts: { verify?: boolean; cacheBytes?: number } = {}): Promise<OpenedDmg> {
  const file = await FileReader.open(path);
  try {
    const img = await openUdif(file, { file: basename(path), ...(opts.cacheBytes ? { cacheBytes: opts.cacheBytes } : {}) });
    const out: OpenedDmg = {
      reader: img.reader,
      partitions: img.partitions.map((p) => ({ name: p.name, offset: p.offset, size: p.size, reader: p.reader })),
      info: img.info,
      issues: img.issues,
      close: async () => {
        await img.reader.close();
        await file.close();
      },
    };
    if (opts.verify) {
      const v = await verifyUdifDataFork(file, img.koly);
      if (v) out.verification = { algorithm: 'crc32 (data fork)', ...v };
    }
    return out;
  } catch (e) {
    await file.close();
    throw e;
  }
}

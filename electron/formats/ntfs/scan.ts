/**
 * A full pass over the MFT, in 1 MiB windows, keeping the unallocated base records (deleted files
 * and directories) and, for allocated ones, only their parent entry numbers. Only
 * `ls --recursive --deleted` needs it; targeted reads never do.
 */
import { ParseError } from '../../common/issues.js';
import { assembleFile } from './file.js';
import { parseMftRecord, recordSignature } from './record.js';
import type { FileName, NtfsIssue, StandardInformation } from './types.js';
import type { NtfsVolume } from './volume.js';

export interface DeletedRecord {
  readonly entry: number;
  readonly sequence: number;
  readonly isDir: boolean;
  /** True when the record's in-use flag is still set but $MFT:$BITMAP says free (TSK's "realloc"). */
  readonly inUseFlag: boolean;
  readonly names: FileName[];
  readonly si: StandardInformation | null;
  /** Size of the unnamed $DATA when it is in the base record, else 0. */
  readonly size: number;
}

const WINDOW = 1024 * 1024;

export interface MftScan {
  readonly deleted: DeletedRecord[];
  /**
   * Allocated base records by the parent entry their names give. A directory listing compares it
   * with its index to find allocated files the index lost (TSK lists those too).
   */
  readonly allocatedByParent: Map<number, number[]>;
  readonly issues: NtfsIssue[];
}

export async function scanDeleted(vol: NtfsVolume, signal?: AbortSignal): Promise<MftScan> {
  const rs = vol.recordSize;
  const bitmap = await vol.mftBitmap();
  const deleted: DeletedRecord[] = [];
  const allocatedByParent = new Map<number, number[]>();
  const issues: NtfsIssue[] = [];
  const perWindow = Math.max(1, Math.floor(WINDOW / rs));
  for (let first = 0; first < vol.recordCount; first += perWindow) {
    signal?.throwIfAborted();
    const n = Math.min(perWindow, vol.recordCount - first);
    let buf: Uint8Array;
    try {
      buf = await vol.mftStream.read(first * rs, n * rs);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      issues.push({ message: `MFT entries ${first}..${first + n - 1} unreadable: ${e.message}`, offset: e.offset ?? null, entry: first });
      continue;
    }
    for (let i = 0; i < n && (i + 1) * rs <= buf.length; i++) {
      const entry = first + i;
      const raw = buf.subarray(i * rs, (i + 1) * rs);
      if (recordSignature(raw) !== 'FILE') continue;
      // Allocation follows $MFT:$BITMAP as TSK does (a record with a clear in-use flag but a set
      // bit is reserved, not deleted); the in-use flag decides only when the bitmap is unreadable.
      const inUseFlag = (raw[0x16]! & 1) === 1;
      const allocated = bitmap ? (((bitmap[entry >> 3] ?? 0) >> (entry & 7)) & 1) === 1 : inUseFlag;
      try {
        const rec = parseMftRecord(raw, entry, entry * rs, vol.boot.totalClusters);
        // Extension records belong to their base; a record with no attributes was never used.
        if (rec.base || rec.attrs.length === 0) continue;
        const f = assembleFile(rec, [], vol.boot.clusterSize, []);
        if (allocated) {
          for (const p of new Set(f.names.map((fn) => fn.parent.entry))) {
            const l = allocatedByParent.get(p);
            if (l) l.push(entry);
            else allocatedByParent.set(p, [entry]);
          }
          continue;
        }
        const data = f.data.find((s) => s.name === '');
        deleted.push({ entry, sequence: rec.sequence, isDir: rec.isDir, inUseFlag, names: f.names, si: f.si, size: data?.size ?? 0 });
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        issues.push({ message: `MFT entry ${entry}: ${e.message}`, offset: e.offset ?? null, entry });
      }
    }
  }
  return { deleted, allocatedByParent, issues };
}

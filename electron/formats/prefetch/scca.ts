/**
 * The uncompressed Prefetch (SCCA) file: 84-byte header, a version-specific file information
 * block, then the sections it points to. Offsets and sizes per version: SPEC.md §3-§5.
 * The header and file information must be sound (else ParseError); a damaged section becomes an
 * issue and the rest is still returned.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Prefetch, PrefetchIssue } from './types.js';
import { filetimeToIso } from './filetime.js';
import { readVolumes } from './volumes.js';

export const SCCA_SIGNATURE = 0x41434353; // "SCCA" little-endian
export const SCCA_VERSIONS = [17, 23, 26, 30, 31] as const;
/** Caps on counts read from the file information block. */
export const PREFETCH_MAX_FILES = 65_536;
const HEADER_SIZE = 84;

interface Layout {
  infoSize: number;
  lastRunAt: number; // relative to the file information start
  lastRunCount: number;
  runCountAt: number;
  metricsEntrySize: number;
}

function layoutFor(version: number, metricsOffset: number): { layout: Layout; variant: 1 | 2 } {
  switch (version) {
    case 17:
      return { layout: { infoSize: 68, lastRunAt: 36, lastRunCount: 1, runCountAt: 60, metricsEntrySize: 20 }, variant: 1 };
    case 23:
      return { layout: { infoSize: 156, lastRunAt: 44, lastRunCount: 1, runCountAt: 68, metricsEntrySize: 32 }, variant: 1 };
    case 26:
    case 30:
    case 31:
      // Windows 10 1903+ and 11 shortened the block by 8 bytes: metrics at 0x128 and the run count
      // at 116 instead of 0x130 and 124 (libscca: "variant 2").
      if (version !== 26 && metricsOffset === 0x128) {
        return { layout: { infoSize: 212, lastRunAt: 44, lastRunCount: 8, runCountAt: 116, metricsEntrySize: 32 }, variant: 2 };
      }
      return { layout: { infoSize: 220, lastRunAt: 44, lastRunCount: 8, runCountAt: 124, metricsEntrySize: 32 }, variant: 1 };
    default:
      throw new ParseError('unsupported-version', { what: `SCCA format version ${version}`, offset: 0 });
  }
}

export function parseScca(data: Uint8Array): Omit<Prefetch, 'compression'> {
  const c = new ByteCursor(data);
  // 0x00 format version, u32; 0x04 signature "SCCA"
  const version = c.u32(0, 'SCCA format version');
  if (c.u32(4, 'SCCA signature') !== SCCA_SIGNATURE) throw new ParseError('bad-signature', { what: 'SCCA signature', offset: 4 });
  // 0x0c file size, u32; 0x10 executable name, 60 bytes UTF-16LE, NUL-terminated
  const declaredSize = c.u32(12, 'SCCA file size');
  const executable = c.utf16leZ(16, 30, 'executable filename').text;
  // 0x4c prefetch hash, u32
  const hash = c.u32(76, 'prefetch hash').toString(16).toUpperCase().padStart(8, '0');
  const metricsOffset = c.u32(HEADER_SIZE, 'file metrics array offset');
  const { layout, variant } = layoutFor(version, metricsOffset);
  c.need(HEADER_SIZE, layout.infoSize, 'file information');
  const info = HEADER_SIZE;
  const metricsCount = c.u32(info + 4, 'number of file metrics entries');
  const namesOffset = c.u32(info + 16, 'filename strings offset');
  const namesSize = c.u32(info + 20, 'filename strings size');
  const volumesOffset = c.u32(info + 24, 'volumes information offset');
  const volumeCount = c.u32(info + 28, 'number of volumes');
  const volumesSize = c.u32(info + 32, 'volumes information size');

  const lastRunOffset = info + layout.lastRunAt;
  const lastRuns: string[] = [];
  const lastRunsRaw: string[] = [];
  for (let i = 0; i < layout.lastRunCount; i++) {
    const ft = c.u64big(lastRunOffset + 8 * i, `last run time ${i + 1}`);
    if (ft === 0n) continue;
    lastRunsRaw.push(ft.toString());
    lastRuns.push(filetimeToIso(ft) ?? '');
  }
  const runCountOffset = info + layout.runCountAt;
  const runCount = c.u32(runCountOffset, 'run count');

  const issues: PrefetchIssue[] = [];
  const files = section(issues, () => readFilenames(c, namesOffset, namesSize), namesOffset) ?? [];
  if (metricsCount !== files.length) issues.push({ message: `${metricsCount} file metrics entries but ${files.length} filename strings`, offset: info + 4 });
  const volumes = section(issues, () => readVolumes(c, version, volumesOffset, volumeCount, volumesSize, issues), volumesOffset) ?? [];

  return {
    version,
    variant,
    executable,
    hash,
    declaredSize,
    runCount,
    lastRuns,
    lastRunsRaw,
    fields: { lastRunOffset, lastRunLength: 8 * layout.lastRunCount, runCountOffset },
    files,
    metricsCount,
    volumes,
    issues,
  };
}

function section<T>(issues: PrefetchIssue[], fn: () => T, offset: number): T | null {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    issues.push({ message: e.message, offset: e.offset ?? offset });
    return null;
  }
}

/** The filename strings section: UTF-16LE strings, each ending in a NUL unit, packed back to back. */
function readFilenames(c: ByteCursor, offset: number, size: number): string[] {
  c.need(offset, size, 'filename strings');
  const out: string[] = [];
  const units = Math.floor(size / 2);
  let start = 0;
  for (let i = 0; i < units; i++) {
    if (c.u16(offset + 2 * i, 'filename strings') !== 0) continue;
    if (i === start) break; // an empty string marks the alignment padding after the last name
    if (out.length >= PREFETCH_MAX_FILES) throw new ParseError('limit-exceeded', { what: 'filename strings', offset, need: out.length + 1, have: PREFETCH_MAX_FILES });
    out.push(c.utf16le(offset + 2 * start, i - start, 'filename string'));
    start = i + 1;
  }
  return out;
}

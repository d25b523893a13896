/**
 * Expert Witness Format (E01/S01: EnCase 1-7, FTK, linen, SMART) → a Reader of the acquired media.
 * See SPEC.md. The caller opens the segment files (it knows the file system); this module only
 * reads them through Readers.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { BlockReader, pushIssue, WindowedReader, type ReadIssue } from '../../io/block-cache.js';
import type { Reader } from '../../io/reader.js';
import { parseTable, readChunk, type ChunkGroup, type ChunkSource } from './chunks.js';
import { ChunkInflater } from './chunk-inflater.js';
import { InflateMemo } from './decode-batch.js';
import { readChunkRun, readChunkRunInto } from './read-run.js';
import { parseDigest, parseError2, parseHash, parseHeaderText, parseVolume, type EwfVolume } from './metadata.js';
import { walkSegment, type Section } from './sections.js';

export { sniffEwf, segmentFileName, type EwfSignature } from './sections.js';
export { adler32 } from './checksums.js';
export type { ChunkSource } from './chunks.js';
export { locateChunk } from './chunks.js';
export { ChunkInflater } from './chunk-inflater.js';
export { decodeBatch, InflateMemo, type DecodeResult } from './decode-batch.js';
export { digestEwfMedia, inThreadDecoder, type BatchDecoder, type DigestOptions, type EwfMediaDigest, type UnreadableRun } from './verify.js';

export interface EwfSegmentFile {
  name: string;
  reader: Reader;
}

export interface EwfImage {
  /** The media, chunk by chunk through a BlockCache; bad chunks read as zeros plus an issue. */
  reader: BlockReader;
  mediaSize: number;
  chunkSize: number;
  volume: EwfVolume;
  storedMd5: string | null;
  storedSha1: string | null;
  /** Acquisition facts from the header sections, and format facts. */
  info: Record<string, string | number>;
  issues: ReadIssue[];
  /** Where every chunk lies in the segment files (for verification, which streams them in order). */
  chunks: ChunkSource;
}

/** Cap on the chunks of one image (4 bytes each in memory): 2^27 chunks = 4 TiB at 32 KiB. */
const MAX_CHUNKS = 1 << 27;
const MAX_SECTION_READ = 16 * 1024 * 1024;
const MAX_ERROR2_ENTRIES = 100_000;
/** Reads this long decode straight into their result, past the chunk cache (block-cache.ts). */
const DIRECT_READ_BYTES = 1024 * 1024;

/** Opens an EWF set. `segments` are in order (E01, E02, ...); the returned reader owns none of them. */
export async function openEwf(segments: readonly EwfSegmentFile[], opts: { cacheBytes?: number; issues?: ReadIssue[] } = {}): Promise<EwfImage> {
  if (segments.length === 0) throw new ParseError('truncated', { what: 'EWF segment files' }, 'no EWF segment files');
  const issues = opts.issues ?? [];
  const info: Record<string, string | number> = { 'segment files': segments.length };
  let volume: EwfVolume | null = null;
  let storedMd5: string | null = null;
  let storedSha1: string | null = null;
  const groups: ChunkGroup[] = [];
  const segs: ChunkSource['segments'][number][] = [];
  let nextChunk = 0;
  let lastTerminator: string | null = null;
  const errorRuns: { first: number; count: number }[] = [];

  for (let s = 0; s < segments.length; s++) {
    const { name, reader } = segments[s]!;
    const layout = await walkSegment(reader, name, issues);
    if (layout.segmentNumber !== s + 1) {
      pushIssue(issues, { message: `segment file says it is number ${layout.segmentNumber}, expected ${s + 1}`, offset: 9, file: name });
    }
    lastTerminator = layout.terminator;
    // Chunks read one by one in order go through 1 MiB windows (few large file reads); scattered
    // ones read just their bytes; large media reads go straight to the file (read-run.ts).
    segs.push({ reader: new WindowedReader(reader, undefined, undefined, true), file: reader, name, sectionStarts: layout.sections.map((x) => x.offset) });
    let lastTableBad = false;
    for (const sec of layout.sections) {
      try {
        switch (sec.type) {
          case 'header2':
          case 'header': {
            if (info['case number'] !== undefined || info['acquisition software version'] !== undefined) break;
            const text = parseHeaderText(await readData(reader, sec), sec.type === 'header2');
            for (const [k, v] of Object.entries(text)) info[k] = v;
            break;
          }
          case 'volume':
          case 'disk':
          case 'data':
            if (!volume) volume = parseVolume(await cursor(reader, sec));
            break;
          case 'table':
          case 'table2': {
            if (!volume) throw new ParseError('out-of-bounds', { what: 'table before volume section', offset: sec.offset });
            // table2 mirrors the table before it: only used when that table was damaged.
            if (sec.type === 'table2' && !lastTableBad) break;
            const t = parseTable(await cursor(reader, sec), MAX_CHUNKS - nextChunk);
            const bad = !t.headerOk || t.entriesOk === false || t.entries.length < t.declared;
            if (sec.type === 'table2') {
              if (bad) break; // both copies damaged: keep the first one's usable entries
              const damaged = groups.pop();
              if (damaged) nextChunk = damaged.firstChunk;
            }
            if (bad) pushIssue(issues, { message: `${sec.type} section: ${t.entries.length} of ${t.declared} entries usable${t.headerOk ? '' : ', header checksum mismatch'}${t.entriesOk === false ? ', entries checksum mismatch' : ''}`, offset: sec.offset, file: name });
            groups.push({ segment: s, firstChunk: nextChunk, base: t.base, entries: t.entries, tableOffset: sec.offset });
            nextChunk += t.entries.length;
            lastTableBad = bad;
            break;
          }
          case 'hash':
            storedMd5 ??= parseHash(await cursor(reader, sec));
            break;
          case 'digest': {
            const d = parseDigest(await cursor(reader, sec));
            storedMd5 ??= d.md5;
            storedSha1 ??= d.sha1;
            break;
          }
          case 'error2':
            errorRuns.push(...parseError2(await cursor(reader, sec), MAX_ERROR2_ENTRIES));
            break;
        }
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        pushIssue(issues, { message: `${sec.type} section: ${err.message}`, offset: sec.offset, file: name });
        if (sec.type === 'table') lastTableBad = true;
      }
    }
  }
  if (!volume) throw new ParseError('truncated', { what: 'EWF volume section' }, 'no readable volume/disk section: media size unknown');
  if (lastTerminator !== 'done') {
    pushIssue(issues, { message: `last segment ends with '${lastTerminator ?? 'nothing'}', not 'done': segment files are missing`, offset: null, file: segments.at(-1)!.name });
  }
  const chunkSize = volume.sectorsPerChunk * volume.bytesPerSector;
  const mediaSize = volume.sectorCount * volume.bytesPerSector;
  const needChunks = Math.ceil(mediaSize / chunkSize);
  if (nextChunk < needChunks) {
    pushIssue(issues, { message: `tables list ${nextChunk} of ${needChunks} chunks; media from ${nextChunk * chunkSize} reads as zeros`, offset: nextChunk * chunkSize, file: null });
  }
  for (const r of errorRuns.slice(0, 100)) {
    pushIssue(issues, { message: `acquisition recorded a read error over ${r.count} sectors (stored as zeros by the imager)`, offset: r.first * volume.bytesPerSector, file: null });
  }
  Object.assign(info, {
    'media size': mediaSize,
    'bytes per sector': volume.bytesPerSector,
    'sectors per chunk': volume.sectorsPerChunk,
    'chunk size': chunkSize,
    chunks: needChunks,
  });
  if (volume.setIdentifier) info['set identifier'] = volume.setIdentifier;
  if (storedMd5) info['stored MD5'] = storedMd5;
  if (storedSha1) info['stored SHA-1'] = storedSha1;

  // A chunk's problem is noted once, however often it is decoded (cache eviction, verification then reading).
  const noted = new Set<number>();
  const note = (i: number, message: string): void => {
    if (noted.has(i)) return;
    noted.add(i);
    pushIssue(issues, { message, offset: i * chunkSize, file: null });
  };
  const src: ChunkSource = { segments: segs, groups, chunkSize, mediaSize, note };
  const memo = new InflateMemo();
  // One zlib stream for every chunk this thread inflates: a new one per 32 KiB chunk (inflateSync)
  // costs about as much as the inflating, and its garbage as much again.
  const inflater = new ChunkInflater(chunkSize);
  const reader = new BlockReader(mediaSize, chunkSize, (i) => readChunk(src, i, (message) => note(i, message), inflater), issues, async () => inflater.close(), {
    cacheBytes: opts.cacheBytes ?? 64 * 1024 * 1024,
    runLoader: (first, count) => readChunkRun(src, first, count, memo, inflater),
    runInto: (first, count, dst) => readChunkRunInto(src, first, count, dst, memo, inflater),
    directBytes: DIRECT_READ_BYTES,
  });
  return { reader, mediaSize, chunkSize, volume, storedMd5, storedSha1, info, issues, chunks: src };
}

async function readData(reader: Reader, sec: Section): Promise<Uint8Array> {
  if (sec.dataSize > MAX_SECTION_READ) {
    throw new ParseError('limit-exceeded', { what: `${sec.type} section size`, offset: sec.offset, need: sec.dataSize, have: MAX_SECTION_READ });
  }
  return reader.read(sec.dataOffset, sec.dataSize);
}

async function cursor(reader: Reader, sec: Section): Promise<ByteCursor> {
  return new ByteCursor(await readData(reader, sec), sec.dataOffset);
}

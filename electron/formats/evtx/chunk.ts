/**
 * Event records of one chunk (SPEC.md §2-3): the allocated records from offset 512 to the free
 * space offset, then a scan of the rest of the chunk (slack, or the whole chunk when its header
 * is damaged) for records whose header is intact. Each failure is one issue; the walk goes on.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { ChunkContext, parseNodes } from './binxml.js';
import { buildEvent } from './event.js';
import { CHUNK_HEADER_SIZE, CHUNK_SIZE, hasChunkMagic, isEmptyChunk, parseChunkHeader } from './header.js';
import { instantiate, toXml, type XChild } from './render.js';
import type { EvtxChunkHeader, EvtxIssue, EvtxItem, EvtxRecord } from './types.js';
import { filetimeIso } from './values.js';

const RECORD_HEADER = 24;
const MIN_RECORD = RECORD_HEADER + 4;

export interface ChunkResult {
  header: EvtxChunkHeader | null;
  items: EvtxItem[];
}

function issue(code: EvtxIssue['code'], message: string, offset: number | null, chunk: number, recordId: number | null = null): EvtxItem {
  return { error: { code, message, offset, chunk, recordId } };
}

function fromError(err: unknown, chunk: number, recordId: number | null, fallbackOffset: number): EvtxItem {
  if (err instanceof ParseError) return issue(err.code, err.message, err.offset ?? fallbackOffset, chunk, recordId);
  // A RangeError or similar here is a parser bug; it still must not end the walk.
  return issue('decode', err instanceof Error ? err.message : String(err), fallbackOffset, chunk, recordId);
}

/** Record header at `off` when it is self-consistent (magic, size, copy of size); else null. */
function recordHeaderAt(c: ByteCursor, off: number): { size: number; id: number; time: bigint } | null {
  if (!c.has(off, MIN_RECORD) || c.u32(off, 'record signature') !== 0x00002a2a) return null;
  const size = c.u32(off + 4, 'record size');
  if (size < MIN_RECORD || !c.has(off, size) || c.u32(off + size - 4, 'copy of record size') !== size) return null;
  const idBig = c.u64big(off + 8, 'record identifier');
  if (idBig > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return { size, id: Number(idBig), time: c.u64big(off + 16, 'record written time') };
}

function parseRecord(ctx: ChunkContext, index: number, off: number, h: { size: number; id: number; time: bigint }, recovered: boolean): EvtxRecord {
  const body = parseNodes(ctx, off + RECORD_HEADER, off + h.size - 4, 0, false);
  const roots: XChild[] = [];
  instantiate(ctx, body.nodes, null, 0, roots);
  if (!roots.some((r) => typeof r !== 'string')) throw new ParseError('decode', { what: 'record has no root element', offset: ctx.c.base + off });
  return { recordId: h.id, time: filetimeIso(h.time), offset: ctx.c.base + off, chunk: index, recovered, xml: toXml(roots), event: buildEvent(roots) };
}

/**
 * `pastHeaderCount`: the slot lies beyond the chunk count the file header states; such slots
 * often hold unrelated bytes (file slack), so a missing signature there is not reported.
 */
export function readChunk(bytes: Uint8Array, index: number, fileOffset: number, pastHeaderCount = false): ChunkResult {
  const items: EvtxItem[] = [];
  if (bytes.length < CHUNK_HEADER_SIZE || isEmptyChunk(bytes)) return { header: null, items };
  const c = new ByteCursor(bytes, fileOffset);
  const ctx = new ChunkContext(c);
  let header: EvtxChunkHeader | null = null;
  if (!hasChunkMagic(bytes)) {
    if (!pastHeaderCount) items.push(issue('bad-signature', `chunk ${index}: no "ElfChnk" signature; scanning it for intact records`, fileOffset, index));
  } else {
    try {
      header = parseChunkHeader(bytes, index, fileOffset);
    } catch (err) {
      items.push(fromError(err, index, null, fileOffset));
    }
  }
  if (header && !header.headerCrcOk) items.push(issue('checksum', `chunk ${index}: header CRC32 mismatch`, fileOffset + 0x7c, index));
  if (header && !header.dataCrcOk) items.push(issue('checksum', `chunk ${index}: event records CRC32 mismatch`, fileOffset + 0x34, index));
  if (bytes.length < CHUNK_SIZE) items.push(issue('truncated', `chunk ${index}: only ${bytes.length} of ${CHUNK_SIZE} bytes present`, fileOffset, index));

  const allocated = new Set<number>();
  let pos = CHUNK_HEADER_SIZE;
  if (header) {
    const limit = Math.min(Math.max(header.freeSpaceOffset, CHUNK_HEADER_SIZE), bytes.length);
    while (pos + MIN_RECORD <= limit) {
      const h = recordHeaderAt(c, pos);
      if (!h) {
        items.push(issue('decode', `chunk ${index}: no intact record header at chunk offset ${pos} before the free space offset ${limit}`, fileOffset + pos, index));
        break;
      }
      allocated.add(h.id);
      try {
        items.push(parseRecord(ctx, index, pos, h, false));
      } catch (err) {
        items.push(fromError(err, index, h.id, fileOffset + pos));
      }
      pos += h.size;
    }
  }
  recoverRecords(ctx, bytes, index, pos, allocated, items);
  return { header, items };
}

/** Scans [from, end of chunk) for intact record headers not already read; their records are `recovered`. */
function recoverRecords(ctx: ChunkContext, bytes: Uint8Array, index: number, from: number, allocated: Set<number>, items: EvtxItem[]): void {
  let i = from;
  while (i + MIN_RECORD <= bytes.length) {
    i = bytes.indexOf(0x2a, i);
    if (i < 0 || i + MIN_RECORD > bytes.length) return;
    const h = bytes[i + 1] === 0x2a && bytes[i + 2] === 0 && bytes[i + 3] === 0 ? recordHeaderAt(ctx.c, i) : null;
    if (!h || h.id === 0 || allocated.has(h.id)) {
      i++;
      continue;
    }
    try {
      items.push(parseRecord(ctx, index, i, h, true));
      allocated.add(h.id);
      i += h.size;
    } catch {
      // Slack is mostly stale bytes: a header-shaped run that does not parse is not worth an issue.
      i++;
    }
  }
}

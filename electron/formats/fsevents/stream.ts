/**
 * An fseventsd file end to end without holding it whole: compressed bytes come from the Reader
 * in bounded windows, node:zlib inflates them (every gzip member in turn), and each page is
 * parsed as soon as its bytes are in. Output is capped, so a gzip bomb stops at the cap.
 */
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';
import { DLS_PAGE_HEADER_BYTES, FSEVENTS_LIMITS } from './constants.js';
import { pageRecords, readPageHeader, type DlsRecord } from './pages.js';

export interface FseventsReadOptions {
  maxDecompressedBytes?: number;
  maxRecords?: number;
  signal?: AbortSignal;
}

export interface FseventsSummary {
  pages: number;
  records: number;
  decompressedBytes: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];

async function* compressed(reader: Reader, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < reader.size; off += FSEVENTS_LIMITS.readChunkBytes) {
    signal?.throwIfAborted();
    const b = await reader.read(off, Math.min(FSEVENTS_LIMITS.readChunkBytes, reader.size - off));
    if (b.length === 0) return;
    yield b;
  }
}

/**
 * Yields every record; throws ParseError (after the records before the damage were yielded)
 * for a bad gzip stream, a bad page or a cap. `summary`, when given, is filled in as it goes.
 */
export async function* readFsevents(reader: Reader, opts: FseventsReadOptions = {}, summary?: FseventsSummary): AsyncGenerator<DlsRecord> {
  const maxOut = opts.maxDecompressedBytes ?? FSEVENTS_LIMITS.maxDecompressedBytes;
  const maxRecords = opts.maxRecords ?? FSEVENTS_LIMITS.maxRecords;
  const s = summary ?? { pages: 0, records: 0, decompressedBytes: 0 };
  const head = await reader.read(0, Math.min(2, reader.size));
  if (head.length < 2 || head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) {
    throw new ParseError('bad-signature', { what: 'gzip magic of an fseventsd file', offset: 0 });
  }
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  const source = Readable.from(compressed(reader, opts.signal));
  source.on('error', (e) => gunzip.destroy(e));
  source.pipe(gunzip);
  let pending: Uint8Array = new Uint8Array(0);
  let pendingBase = 0; // stream offset of pending[0]
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      s.decompressedBytes += chunk.length;
      if (s.decompressedBytes > maxOut) {
        throw new ParseError('limit-exceeded', { what: 'decompressed fseventsd bytes', offset: pendingBase, need: s.decompressedBytes, have: maxOut });
      }
      pending = pending.length === 0 ? new Uint8Array(chunk) : concat(pending, chunk);
      let used = 0;
      while (pending.length - used >= DLS_PAGE_HEADER_BYTES) {
        const c = new ByteCursor(pending.subarray(used), pendingBase + used);
        const h = readPageHeader(c, 0);
        if (c.length < h.size) break; // wait for the rest of the page
        for (const r of pageRecords(c.slice(0, h.size, 'DLS page'), h, s.pages)) {
          if (++s.records > maxRecords) throw new ParseError('limit-exceeded', { what: 'fseventsd records', offset: r.offset, need: s.records, have: maxRecords });
          yield r;
        }
        s.pages++;
        used += h.size;
      }
      pending = pending.subarray(used);
      pendingBase += used;
    }
  } catch (e) {
    if (e instanceof ParseError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'ABORT_ERR' || (e as Error).name === 'AbortError') throw e;
    throw new ParseError('decode', { what: 'gzip stream of an fseventsd file', offset: 0 }, `gzip stream of an fseventsd file does not inflate: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  if (pending.length > 0) {
    // A partial header or page at the end: what fseventsd leaves when it is killed mid-write.
    throw new ParseError('truncated', { what: 'last DLS page', offset: pendingBase, need: pending.length >= DLS_PAGE_HEADER_BYTES ? new ByteCursor(pending).u32(8, 'DLS page size') : DLS_PAGE_HEADER_BYTES, have: pending.length });
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

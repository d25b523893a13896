/**
 * Opens an EVTX log through a Reader: the 4 KiB file header first, then one 64 KiB chunk at a
 * time, so a log of hundreds of MB never sits in memory whole.
 */
import type { Reader } from '../../io/reader.js';
import { readChunk } from './chunk.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE, parseFileHeader } from './header.js';
import type { EvtxFileHeader, EvtxItem } from './types.js';

export const EVTX_PARSER = { id: 'evtx', version: '1' } as const;

export interface EvtxFile {
  readonly header: EvtxFileHeader;
  /** Records (allocated, then recovered, chunk by chunk) and `{ error }` items, in file order. */
  records(opts?: { signal?: AbortSignal; recovered?: boolean }): AsyncGenerator<EvtxItem>;
}

/** Throws ParseError when the file header is missing or not "ElfFile"; everything later is an item. */
export async function openEvtx(reader: Reader): Promise<EvtxFile> {
  const header = parseFileHeader(await reader.read(0, FILE_HEADER_SIZE), reader.size);
  return {
    header,
    async *records(opts = {}) {
      const keepRecovered = opts.recovered ?? true;
      if (!header.checksumOk) {
        yield { error: { code: 'checksum', message: 'file header CRC32 mismatch', offset: 0x7c, chunk: null, recordId: null } };
      }
      for (let i = 0; i < header.chunksInFile; i++) {
        opts.signal?.throwIfAborted();
        const off = FILE_HEADER_SIZE + i * CHUNK_SIZE;
        const bytes = await reader.read(off, CHUNK_SIZE);
        for (const item of readChunk(bytes, i, off, i >= header.chunkCount).items) {
          if (!keepRecovered && 'recovered' in item && item.recovered) continue;
          yield item;
        }
      }
    },
  };
}

/**
 * Chunk decoding for UDIF: zlib (node's inflate on the libuv pool), ADC and bzip2 (own bounded
 * decoders), LZFSE (formats/lzfse). Other types (LZMA 0x80000008) get a clear unsupported-version
 * ParseError unless a decoder is registered. Output is capped at the chunk's sector count × 512.
 */
import { inflate } from 'node:zlib';
import { promisify } from 'node:util';
import { ParseError } from '../../common/issues.js';
import { lzfseDecode } from '../lzfse/index.js';
import { adcDecompress } from './adc.js';
import { bunzip2 } from './bzip2.js';
import { CHUNK, CHUNK_NAMES } from './mish.js';

const inflateAsync = promisify(inflate);

/** (compressed bytes, exact decoded size) → decoded bytes; throws ParseError. */
export type Decoder = (input: Uint8Array, size: number) => Uint8Array | Promise<Uint8Array>;

const extra = new Map<number, Decoder>();

/** Let another module provide a decoder for a chunk type this one lacks (LZMA). */
export function registerChunkDecoder(type: number, decoder: Decoder): void {
  extra.set(type, decoder);
}

export async function decodeChunk(type: number, input: Uint8Array, size: number, at: number): Promise<Uint8Array> {
  switch (type) {
    case CHUNK.zlib:
      try {
        return await inflateAsync(input, { maxOutputLength: Math.max(size, 1) });
      } catch (e) {
        throw new ParseError('decode', { what: 'zlib chunk', offset: at }, `zlib chunk at ${at} does not inflate (${(e as Error).message})`);
      }
    case CHUNK.adc:
      return adcDecompress(input, size);
    case CHUNK.bzip2:
      return bunzip2(input, size);
    case CHUNK.lzfse:
      return lzfseDecode(input, { maxOutput: size, sizeHint: size });
    default: {
      const d = extra.get(type);
      if (d) return d(input, size);
      const name = CHUNK_NAMES[type] ?? `0x${type.toString(16)}`;
      throw new ParseError('unsupported-version', { what: `${name} chunk`, offset: at }, `${name} chunk at ${at}: this version cannot decode ${name} chunks`);
    }
  }
}

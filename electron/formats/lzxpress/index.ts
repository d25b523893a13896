/** LZXPRESS decompression ([MS-XCA]): Huffman (format 4) and plain LZ77 (format 3). See SPEC.md. */
export { decompressHuffman, buildDecodingTable, LZXPRESS_DEFAULT_MAX_OUTPUT, type DecompressOptions } from './huffman.js';
export { decompressPlain } from './plain.js';
export const LZXPRESS_PARSER = { id: 'lzxpress', version: '1' } as const;

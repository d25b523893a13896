/** LZFSE and LZVN decompression (Apple): DMG chunks and APFS/HFS+ decmpfs. See SPEC.md. */
export { lzfseDecode, type LzfseOptions } from './lzfse.js';
export { lzvnDecode } from './lzvn.js';
export const LZFSE_PARSER = { id: 'lzfse', version: '1' } as const;

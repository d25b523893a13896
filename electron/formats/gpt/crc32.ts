/** GPT header and entry-array checksums are plain CRC-32 (io/crc32). */
export { crc32 } from '../../io/crc32.js';

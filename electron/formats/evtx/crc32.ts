/** EVTX checksums are plain CRC-32 over one or more byte ranges (io/crc32). */
export { crc32Parts as crc32 } from '../../io/crc32.js';

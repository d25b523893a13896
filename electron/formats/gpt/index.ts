/** GUID Partition Table (primary and backup headers, CRC32-checked). See SPEC.md. */
export { parseGpt, gptSectorSize, gptTypeName, guidAt, GPT_MAX_ENTRIES, GPT_MAX_ENTRY_SIZE } from './gpt.js';
export { crc32 } from './crc32.js';
export type { GptPartition, GptTable } from './gpt.js';

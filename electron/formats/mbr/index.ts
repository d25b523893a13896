/** MBR (DOS) partition tables, incl. the extended/logical chain. See SPEC.md. */
export { parseMbr, hasBootSignature, mbrTypeName, MBR_SECTOR, MBR_MAX_LOGICAL } from './mbr.js';
export type { MbrPartition, MbrTable } from './mbr.js';

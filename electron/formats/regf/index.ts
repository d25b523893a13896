/**
 * Windows registry hive (regf) reader: base block, hbins, nk/vk/lists/db, transaction log replay
 * in memory, deleted-key recovery (SPEC.md). Reads bounded windows through a Reader.
 */
export { openHive, Hive, Key, type Value, type HiveOptions, type RegfIssue } from './hive.js';
export type { ValueData } from './data.js';
export type { ReplayResult } from './logs.js';
export type { BaseBlock } from './base-block.js';
export { parseBaseBlock, baseBlockChecksum } from './base-block.js';
export { deletedKeys, type DeletedKey } from './deleted.js';
export { dumpRecords, walkKeys, renderData, type DumpRecord } from './dump.js';
export { filetimeIso, typeName } from './constants.js';
export { marvin32 } from './marvin32.js';

export const REGF_PARSER = { id: 'regf', version: '1' } as const;

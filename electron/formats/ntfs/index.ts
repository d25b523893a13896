/**
 * NTFS: boot sector, MFT records with fixups, attributes (resident, non-resident, attribute
 * lists), runlists, sparse and LZNT1-compressed streams, directory indexes (with names recovered
 * from their slack) and a scan for deleted records. See SPEC.md. The Filesystem view over it is
 * evidence/filesystems/ntfs.ts.
 */
export { NtfsVolume, ntfsCacheSizes, simpleFold, ROOT_ENTRY, MAX_ATTR_LIST_BYTES, MAX_EXTENSION_RECORDS } from './volume.js';
export { parseBootSector, looksLikeNtfs, NTFS_MAX_CLUSTER, NTFS_MAX_RECORD } from './boot.js';
export type { NtfsBoot } from './boot.js';
export { parseMftRecord, recordSignature, MAX_ATTRS_PER_RECORD } from './record.js';
export { applyFixups } from './fixup.js';
export { decodeRunlist, findOverlap, runlistValid } from './runlist.js';
export { lznt1Decompress } from './lznt1.js';
export { AttrStreamReader } from './stream.js';
export type { StreamLayout } from './stream.js';
export { readIndex, parseIndexRoot, MAX_INDEX_ENTRIES, MAX_INDEX_DEPTH } from './dir-index.js';
export type { IndexEntry, IndexNodeSeen } from './dir-index.js';
export { readIndexNames, IndexName } from './dir-names.js';
export { scanNodeSlack, slackIsDir, SLACK_TIME_MIN_MS, SLACK_TIME_MAX_MS, MAX_SLACK_PER_NODE } from './index-slack.js';
export type { SlackName } from './index-slack.js';
export { readIndexWithSlack, MAX_SLACK_BLOCKS, MAX_SLACK_NAMES } from './dir-slack.js';
export type { IndexWithSlack } from './dir-slack.js';
export { scanDeleted } from './scan.js';
export type { DeletedRecord } from './scan.js';
export { parseFileName, parseStandardInformation, parseAttributeList, filetimeIso } from './attrs.js';
export { isoFromMs } from './text.js';
export { MftTable, MAX_TABLE_RECORDS, REC_FAST, REC_IN_USE, REC_DIR } from './mft-table.js';
export { ReadAheadReader } from './read-ahead.js';
export type { NtfsFile, NtfsStream } from './file.js';
export { ATTR, NS } from './types.js';
export type { Attr, AttrListEntry, FileName, MftRecord, MftRef, NtfsIssue, NtfsTimes, Run, StandardInformation } from './types.js';
export { placeDeleted, displayNames } from './deleted.js';
export type { DeletedName, DeletedPlacement } from './deleted.js';

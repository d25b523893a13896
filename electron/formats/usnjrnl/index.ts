/**
 * NTFS USN change journal ($Extend\$UsnJrnl:$J): records V2, V3 (128-bit file ids) and V4
 * (range tracking), reason/source flags decoded, walked page by page over a sparse stream.
 * Layout and references: SPEC.md.
 */
export const USNJRNL_PARSER = { id: 'usnjrnl', version: '1' } as const;
export { parseUsnRecord, headerProblem, USN_PAGE_SIZE, USN_MIN_LENGTH, USN_MAX_EXTENTS } from './record.js';
export type { UsnRecord, UsnFileRef, UsnExtent } from './record.js';
export { USN_REASON, USN_SOURCE, decodeReasons, decodeSources, hasReason } from './reasons.js';
export type { UsnReasonName } from './reasons.js';
export { walkUsnJournal, newStats, USN_WINDOW_BYTES, USN_MAX_ISSUES } from './walk.js';
export type { AllocatedRangesSource, UsnWalkIssue, UsnWalkStats, UsnWalkOptions } from './walk.js';
export { dumpUsnJournal } from './dump.js';

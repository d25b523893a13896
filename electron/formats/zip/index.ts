/**
 * ZIP reading for triage collections (SPEC.md): node-stream-zip lists ZIP files on disk; our own
 * bounded central-directory reader handles ZIPs inside other evidence and damaged archives.
 * Members are read in place: stored → a slice of the archive; deflated/encrypted → streamed, with
 * a private temp copy only when random access needs it. Nothing is ever extracted.
 */
export { ZipArchive, type ZipLister } from './archive.js';
export { findEocd, readCentralDirectory } from './central-directory.js';
export { ZIP_LIMITS } from './limits.js';
export { liveSpillDirs, SpillReader } from './spill.js';
export { StreamedReader, type StreamedReaderOptions } from './streamed-reader.js';
export type { ZipEncryption, ZipEntryInfo, ZipIssue, ZipOpenOptions, ZipTimeBasis, ZipTimes } from './types.js';

export const ZIP_PARSER = { id: 'zip', version: '1' } as const;

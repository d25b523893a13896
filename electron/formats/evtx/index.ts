/** Windows XML Event Log (EVTX) parser: the only public surface of formats/evtx (see SPEC.md). */
export { openEvtx, EVTX_PARSER, type EvtxFile } from './evtx.js';
export { dumpEvtx, type EvtxDumpItem } from './dump.js';
export { filetimeIso } from './values.js';
export type { EvtxChunkHeader, EvtxEvent, EvtxFileHeader, EvtxIssue, EvtxItem, EvtxJson, EvtxRecord, EvtxSystem } from './types.js';

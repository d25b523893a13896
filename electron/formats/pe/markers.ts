import { ascii, findNeedles, utf16le, type Needle } from '../../io/find-bytes.js';
import type { Reader } from '../../io/reader.js';

/**
 * Byte strings of the 3CX Windows loader chain (dossier 4.1 steps 3-6, 10 and 9): the RC4 key and
 * the event name carried by the trojanised ffmpeg.dll, the carrier's file name, the doubled
 * FEEDFACE marker before the encrypted blob, and strings of the decrypted stage (dead-drop URL,
 * cookie name). Several needles may share an id (ASCII and UTF-16LE spellings).
 */
export const THREECX_MARKERS: readonly Needle[] = [
  { id: 'rc4-key', bytes: ascii('3jB(2bsG#@c7') },
  { id: 'avmonitor-event', bytes: utf16le('AVMonitorRefreshEvent') },
  { id: 'd3dcompiler-name', bytes: ascii('d3dcompiler_47.dll') },
  { id: 'feedface-x2', bytes: Uint8Array.from([0xfe, 0xed, 0xfa, 0xce, 0xfe, 0xed, 0xfa, 0xce]) },
  { id: 'iconstorages-url', bytes: ascii('raw.githubusercontent.com/IconStorages/images') },
  { id: 'iconstorages-url', bytes: utf16le('raw.githubusercontent.com/IconStorages/images') },
  { id: 'tutma-cookie', bytes: ascii('__tutma') },
];

/**
 * Every place (first 16 per needle) where a 3CX loader marker occurs in the file, sorted by offset.
 * Streams the file once in 1 MiB windows.
 */
export async function markersIn(reader: Reader): Promise<{ id: string; offset: number }[]> {
  // findNeedles counts hits per id; distinct internal ids keep both spellings of a marker counted
  // separately, then the public id is restored.
  const needles = THREECX_MARKERS.map((n, i) => ({ id: `${i}`, bytes: n.bytes }));
  const hits = await findNeedles(reader, needles);
  return hits.map((h) => ({ id: THREECX_MARKERS[Number(h.id)]!.id, offset: h.offset }));
}

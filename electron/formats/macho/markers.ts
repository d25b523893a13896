/**
 * Byte markers of the trojanised libffmpeg.dylib (dossier §4.4): strings kept XOR-0x7A encoded
 * and decoded at run time, and the injected export `_run_avcodec`. A streaming search, so any
 * file size costs one window of memory.
 */
import type { Reader } from '../../io/reader.js';
import { ascii, findNeedles, xorBytes, type Needle, type NeedleHit } from '../../io/find-bytes.js';

export const XOR_KEY = 0x7a;

/** Plain text of each marker; the XOR ones are searched for encoded, without a terminator. */
export const MACHO_MARKER_TEXT = {
  'xor7a-main-storage': '%s/.main_storage',
  'xor7a-updateagent': '%s/UpdateAgent',
  'xor7a-session-lock': '.session-lock',
  'run-avcodec': '_run_avcodec',
} as const;

export type MachoMarkerId = keyof typeof MACHO_MARKER_TEXT;

export const MACHO_MARKERS: readonly Needle[] = (Object.keys(MACHO_MARKER_TEXT) as MachoMarkerId[]).map((id) => ({
  id,
  bytes: id.startsWith('xor7a-') ? xorBytes(ascii(MACHO_MARKER_TEXT[id]), XOR_KEY) : ascii(MACHO_MARKER_TEXT[id]),
}));

/** Offsets of each marker (first 16 hits per marker), sorted by offset. */
export async function machoMarkers(reader: Reader, opts: { signal?: AbortSignal } = {}): Promise<NeedleHit[]> {
  return findNeedles(reader, MACHO_MARKERS, opts.signal ? { signal: opts.signal } : {});
}

/**
 * Property lists: binary `bplist00` (own bounded reader) and XML (the `plist` package behind
 * input checks). The only public surface of formats/plist; see SPEC.md.
 */
import { ParseError } from '../../common/issues.js';
import { LIMITS } from '../../common/limits.js';
import { parseBplist } from './bplist.js';
import { parseXmlPlist } from './xml.js';
import type { PlistValue } from './types.js';

export type { PlistValue } from './types.js';
export { PLIST_LIMITS } from './types.js';
export { parseBplist } from './bplist.js';

export const PLIST_PARSER = { id: 'plist', version: '1' } as const;

const BPLIST = [0x62, 0x70, 0x6c, 0x69, 0x73, 0x74]; // "bplist"

/** Decode a plist of either encoding, chosen by content; throws ParseError. */
export function parsePlist(bytes: Uint8Array): { format: 'binary' | 'xml'; value: PlistValue } {
  if (bytes.length > LIMITS.plistMaxBytes) {
    throw new ParseError('limit-exceeded', { what: 'plist size', need: bytes.length, have: LIMITS.plistMaxBytes });
  }
  if (bytes.length >= BPLIST.length && BPLIST.every((b, i) => bytes[i] === b)) {
    return { format: 'binary', value: parseBplist(bytes) };
  }
  return { format: 'xml', value: parseXmlPlist(bytes) };
}

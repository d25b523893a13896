/**
 * XML property lists, decoded by the `plist` package (@xmldom/xmldom underneath) behind checks
 * that keep hostile documents out of it: a size cap, strict text decoding, no DTD internal subset
 * and no entity other than the five predefined ones and character references. @xmldom 0.9 does
 * not expand DTD entities at all (it leaves `&name;` as literal text and logs an error), so an
 * entity-expansion bomb cannot grow; refusing such documents up front keeps the output honest
 * (no silent literal `&name;`) and the console quiet.
 */
import { parse as xmlPlistParse } from 'plist';
import { ParseError } from '../../common/issues.js';
import { LIMITS } from '../../common/limits.js';
import { PLIST_LIMITS, type PlistValue } from './types.js';

const INTERNAL_SUBSET = /<!DOCTYPE[^>[]*\[/i;
const ENTITY_DECL = /<!ENTITY/i;
const UNKNOWN_ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)/;
/** `<plist>` holding nothing but white space and comments: plistlib reads it as None. */
const EMPTY_ROOT = /<plist\b[^>]*?(?:\/>|>(?:\s|<!--[\s\S]*?-->)*<\/plist\s*>)/;

export function parseXmlPlist(bytes: Uint8Array): PlistValue {
  if (bytes.length > LIMITS.plistMaxBytes) {
    throw new ParseError('limit-exceeded', { what: 'XML plist size', need: bytes.length, have: LIMITS.plistMaxBytes });
  }
  // Apple's parser skips leading white space before `<?xml`; expat (plistlib) does not.
  const text = decodeText(bytes).replace(/^[\s\uFEFF]+/, '');
  if (!text.startsWith('<')) throw new ParseError('bad-signature', { what: 'XML plist (no leading "<")', offset: 0 });
  if (INTERNAL_SUBSET.test(text) || ENTITY_DECL.test(text)) {
    throw new ParseError('decode', { what: 'XML plist with a DTD internal subset or entity declaration' });
  }
  // `&` is literal inside CDATA sections and comments, so those are left out of the scan.
  if (UNKNOWN_ENTITY.test(text.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g, ''))) {
    throw new ParseError('decode', { what: 'XML plist entity reference other than amp/lt/gt/quot/apos' });
  }
  let value: unknown;
  try {
    value = xmlPlistParse(text);
  } catch (e) {
    // Malformed XML, unknown tags, `__proto__` keys and deep-nesting stack overflows all land here.
    const msg = e instanceof Error ? e.message : String(e);
    throw new ParseError('decode', { what: 'XML plist' }, `decode: XML plist: ${msg.split('\n')[0]}`);
  }
  if (Array.isArray(value) && value.length === 0 && EMPTY_ROOT.test(text)) return null;
  checkTree(value, 0, { n: 0 });
  return value as PlistValue;
}

function decodeText(b: Uint8Array): string {
  try {
    if (b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be', { fatal: true }).decode(b.subarray(2));
    if (b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le', { fatal: true }).decode(b.subarray(2));
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(b);
  } catch {
    throw new ParseError('decode', { what: 'XML plist text encoding (not valid UTF-8/UTF-16)' });
  }
}

/** Bounds the tree we hand on and turns an unparsable `<date>` (Invalid Date) into a ParseError. */
function checkTree(v: unknown, depth: number, count: { n: number }): void {
  if (++count.n > PLIST_LIMITS.maxExpandedValues) {
    throw new ParseError('limit-exceeded', { what: 'XML plist values', need: count.n, have: PLIST_LIMITS.maxExpandedValues });
  }
  if (depth > LIMITS.plistMaxDepth) {
    throw new ParseError('limit-exceeded', { what: 'XML plist nesting depth', need: depth, have: LIMITS.plistMaxDepth });
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new ParseError('decode', { what: 'XML plist <date> value' });
  } else if (Array.isArray(v)) {
    for (const x of v) checkTree(x, depth + 1, count);
  } else if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    for (const x of Object.values(v)) checkTree(x, depth + 1, count);
  }
}

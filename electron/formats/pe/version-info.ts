import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { PeIssue, PeVersionInfo } from './types.js';

const VS_FFI_SIGNATURE = 0xfeef04bd;
const FIXED_FILE_INFO_BYTES = 52;
const BLOCK_HEADER_BYTES = 6; // wLength, wValueLength, wType
/** StringFileInfo tables, strings and Var blocks walked in one resource; real ones have < 50. */
const MAX_BLOCKS = 4096;

interface Block {
  key: string;
  type: number;
  valueLength: number;
  valueOff: number;
  childrenOff: number;
  end: number;
}

const align4 = (n: number): number => (n + 3) & ~3;

/**
 * Every block (VS_VERSIONINFO, StringFileInfo, StringTable, String, VarFileInfo, Var) has the same
 * header: wLength (whole block incl. children), wValueLength, wType (1 = text, value counted in
 * UTF-16 units; 0 = binary, in bytes), szKey (NUL-terminated UTF-16LE), padding to 32 bits, Value,
 * padding to 32 bits, children. Alignment is relative to the start of VS_VERSIONINFO, which the
 * resource compiler places on a 32-bit boundary.
 */
function readBlock(c: ByteCursor, off: number, limit: number, what: string): Block {
  const wLength = c.u16(off, `${what}.wLength`);
  const valueLength = c.u16(off + 2, `${what}.wValueLength`);
  const type = c.u16(off + 4, `${what}.wType`);
  if (wLength < BLOCK_HEADER_BYTES) {
    throw new ParseError('decode', { what: `${what}.wLength`, offset: c.base + off }, `${what}.wLength ${wLength} at offset ${c.base + off} is smaller than its header`);
  }
  // A block claiming more than its parent holds is clamped to the parent (seen in padded files).
  const end = Math.min(off + wLength, limit);
  const keyUnits = Math.floor(Math.max(0, end - off - BLOCK_HEADER_BYTES) / 2);
  const key = c.utf16leZ(off + BLOCK_HEADER_BYTES, keyUnits, `${what}.szKey`);
  const valueOff = Math.min(align4(off + BLOCK_HEADER_BYTES + key.units * 2), end);
  const valueBytes = type === 1 ? valueLength * 2 : valueLength;
  const childrenOff = Math.min(align4(valueOff + valueBytes), end);
  return { key: key.text, type, valueLength, valueOff, childrenOff, end };
}

/** Children of a block, each decoded by `visit`; stops at the parent's end or the block cap. */
function eachChild(c: ByteCursor, parent: Block, what: string, budget: { left: number }, visit: (b: Block, off: number) => void): void {
  let off = parent.childrenOff;
  while (off + BLOCK_HEADER_BYTES <= parent.end) {
    if (--budget.left < 0) {
      throw new ParseError('limit-exceeded', { what, offset: c.base + off, need: MAX_BLOCKS + 1, have: MAX_BLOCKS });
    }
    const b = readBlock(c, off, parent.end, what);
    visit(b, off);
    off = align4(b.end); // wLength >= 6 keeps this moving forward
  }
}

function version(ms: number, ls: number): string {
  return `${ms >>> 16}.${ms & 0xffff}.${ls >>> 16}.${ls & 0xffff}`;
}

/**
 * Decodes VS_VERSIONINFO from `bytes` (the RT_VERSION resource data at file offset `offset`).
 * Throws ParseError when the root block is unusable; damaged children become issues.
 */
export function parseVersionInfo(bytes: Uint8Array, offset: number, issues: PeIssue[]): PeVersionInfo {
  const c = new ByteCursor(bytes, offset);
  const root = readBlock(c, 0, bytes.length, 'VS_VERSIONINFO');
  if (root.key !== 'VS_VERSION_INFO') {
    throw new ParseError('bad-signature', { what: 'VS_VERSIONINFO.szKey', offset: offset + BLOCK_HEADER_BYTES },
      `VS_VERSIONINFO key is ${JSON.stringify(root.key.slice(0, 40))}, not "VS_VERSION_INFO"`);
  }
  let fileVersion: string | null = null;
  let productVersion: string | null = null;
  if (root.valueLength >= FIXED_FILE_INFO_BYTES && c.has(root.valueOff, FIXED_FILE_INFO_BYTES)) {
    // VS_FIXEDFILEINFO: 0x00 dwSignature, 0x08/0x0c dwFileVersionMS/LS, 0x10/0x14 dwProductVersionMS/LS
    const v = root.valueOff;
    if (c.u32(v, 'VS_FIXEDFILEINFO.dwSignature') === VS_FFI_SIGNATURE) {
      fileVersion = version(c.u32(v + 8, 'dwFileVersionMS'), c.u32(v + 12, 'dwFileVersionLS'));
      productVersion = version(c.u32(v + 16, 'dwProductVersionMS'), c.u32(v + 20, 'dwProductVersionLS'));
    } else {
      issues.push({ message: 'VS_FIXEDFILEINFO has a bad signature', offset: offset + v });
    }
  } else if (root.valueLength !== 0) {
    issues.push({ message: `VS_FIXEDFILEINFO length ${root.valueLength} is too short or cut off`, offset: offset + root.valueOff });
  }

  const strings: Record<string, string> = Object.create(null) as Record<string, string>;
  const budget = { left: MAX_BLOCKS };
  try {
    eachChild(c, root, 'VS_VERSIONINFO.Children', budget, (child) => {
      if (child.key !== 'StringFileInfo') return; // VarFileInfo holds only the translation list
      eachChild(c, child, 'StringTable', budget, (table) => {
        eachChild(c, table, 'String', budget, (s) => {
          // Value decoded to the first NUL or the block end: writers disagree on whether
          // wValueLength counts the NUL, or counts bytes instead of characters.
          const units = Math.floor(Math.max(0, s.end - s.valueOff) / 2);
          const value = s.valueLength === 0 ? '' : c.utf16leZ(s.valueOff, units, 'String.Value').text;
          if (s.key !== '' && !(s.key in strings)) strings[s.key] = value;
        });
      });
    });
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    issues.push({ message: `version resource: ${e.message}`, offset: e.offset ?? null });
  }
  return { fileVersion, productVersion, strings: { ...strings }, offset };
}

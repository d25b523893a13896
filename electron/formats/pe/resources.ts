import { ParseError } from '../../common/issues.js';
import { LIMITS } from '../../common/limits.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';
import { DIR_RESOURCE, rvaToOffset, type PeHeaders } from './headers.js';
import type { PeIssue } from './types.js';

const RT_VERSION = 16;
const HIGH_BIT = 0x80000000;
/** VS_VERSIONINFO.wLength is a u16, so a version resource never needs more than this. */
export const VERSION_RESOURCE_MAX_BYTES = 0xffff;

interface WalkState {
  base: number; // file offset of the resource directory root
  visited: Set<number>;
  entries: number;
  issues: PeIssue[];
}

/**
 * Finds the first RT_VERSION data entry (type 16 → first name → first language) and returns the
 * file offset and size of its data, or null when the PE has no resources or no version resource.
 * Damage inside the tree becomes issues; the walk skips the bad directory and goes on.
 */
export async function findVersionResource(reader: Reader, h: PeHeaders, issues: PeIssue[]): Promise<{ offset: number; size: number } | null> {
  const dir = h.dataDirs[DIR_RESOURCE];
  if (!dir || dir.rva === 0) return null;
  const at = rvaToOffset(h, dir.rva, reader.size);
  if (!at) {
    issues.push({ message: `resource directory RVA 0x${dir.rva.toString(16)} is not backed by file data`, offset: null });
    return null;
  }
  // Offsets inside the tree are relative to its root and stay inside the section holding it.
  const len = Math.min(at.avail, LIMITS.peMaxResourceBytes);
  const c = new ByteCursor(await reader.read(at.offset, len), at.offset);
  const st: WalkState = { base: at.offset, visited: new Set(), entries: 0, issues };
  const entry = walk(c, 0, 0, st);
  if (!entry) return null;

  const data = rvaToOffset(h, entry.rva, reader.size);
  if (!data) {
    issues.push({ message: `version resource data RVA 0x${entry.rva.toString(16)} is not backed by file data`, offset: entry.at });
    return null;
  }
  let size = entry.size;
  if (size > data.avail) {
    issues.push({ message: `version resource size ${size} runs past its section (${data.avail} bytes left)`, offset: entry.at });
    size = data.avail;
  }
  return { offset: data.offset, size: Math.min(size, VERSION_RESOURCE_MAX_BYTES) };
}

/** Depth 0 = type, 1 = name, 2 = language; IMAGE_RESOURCE_DIRECTORY (16 bytes) + 8-byte entries. */
function walk(c: ByteCursor, rel: number, depth: number, st: WalkState): { rva: number; size: number; at: number } | null {
  if (st.visited.has(rel)) {
    st.issues.push({ message: `resource directory at +0x${rel.toString(16)} visited twice (loop in the tree)`, offset: st.base + rel });
    return null;
  }
  st.visited.add(rel);
  let count: number;
  try {
    // 0x0c NumberOfNamedEntries u16, 0x0e NumberOfIdEntries u16
    count = c.u16(rel + 12, 'IMAGE_RESOURCE_DIRECTORY.NumberOfNamedEntries') + c.u16(rel + 14, 'IMAGE_RESOURCE_DIRECTORY.NumberOfIdEntries');
  } catch (e) {
    return recover(e, st);
  }
  for (let i = 0; i < count; i++) {
    if (++st.entries > LIMITS.peMaxResourceEntries) {
      st.issues.push({ message: `more than ${LIMITS.peMaxResourceEntries} resource entries: walk stopped`, offset: st.base + rel });
      return null;
    }
    const e = rel + 16 + i * 8;
    let name: number, data: number;
    try {
      name = c.u32(e, 'IMAGE_RESOURCE_DIRECTORY_ENTRY.Name');
      data = c.u32(e + 4, 'IMAGE_RESOURCE_DIRECTORY_ENTRY.OffsetToData');
    } catch (err) {
      return recover(err, st); // the rest of this directory's entries lie past the data as well
    }
    if (depth === 0 && ((name & HIGH_BIT) !== 0 || name !== RT_VERSION)) continue;
    if ((data & HIGH_BIT) !== 0) {
      if (depth + 1 >= LIMITS.peMaxResourceDepth) {
        st.issues.push({ message: `resource tree deeper than ${LIMITS.peMaxResourceDepth} levels`, offset: st.base + e });
        continue;
      }
      const found = walk(c, (data & ~HIGH_BIT) >>> 0, depth + 1, st);
      if (found) return found;
    } else if (depth === 0) {
      st.issues.push({ message: 'RT_VERSION entry points at data instead of a directory', offset: st.base + e });
    } else {
      try {
        // IMAGE_RESOURCE_DATA_ENTRY: 0x00 OffsetToData (an RVA) u32, 0x04 Size u32
        return { rva: c.u32(data, 'IMAGE_RESOURCE_DATA_ENTRY.OffsetToData'), size: c.u32(data + 4, 'IMAGE_RESOURCE_DATA_ENTRY.Size'), at: st.base + data };
      } catch (err) {
        recover(err, st);
      }
    }
  }
  return null;
}

function recover(e: unknown, st: WalkState): null {
  if (!(e instanceof ParseError)) throw e;
  st.issues.push({ message: `resource tree: ${e.message}`, offset: e.offset ?? null });
  return null;
}

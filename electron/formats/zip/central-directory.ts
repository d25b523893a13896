/**
 * Our own bounded central-directory reader over any Reader (a ZIP met inside an image or inside
 * another ZIP): EOCD search in the last 64 KiB + comment, zip64 locator and record, then the
 * entries in bounded windows. Counts and offsets from the data are checked against the bytes present.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';
import { decodeName, dosDateTime, FLAG_ENCRYPTED, FLAG_STRONG_ENCRYPTION, FLAG_UTF8, parseExtra, U32_MAX } from './fields.js';
import { ZIP_LIMITS } from './limits.js';
import type { ZipEncryption, ZipEntryInfo, ZipIssue } from './types.js';

const SIG_EOCD = 0x06054b50;
const SIG_Z64_LOCATOR = 0x07064b50;
const SIG_Z64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;

export interface EndOfCentralDirectory {
  eocdOffset: number;
  entries: number;
  cdSize: number;
  cdOffset: number;
  zip64: boolean;
  /** Where the central directory must end: the zip64 record, or the EOCD. */
  cdLimit: number;
  comment: string;
}

/** Find the EOCD (last match whose comment length reaches the end exactly, else the last match). */
export async function findEocd(r: Reader): Promise<EndOfCentralDirectory> {
  const span = Math.min(r.size, ZIP_LIMITS.eocdSearchBytes);
  const base = r.size - span;
  const tail = await r.read(base, span);
  const c = new ByteCursor(tail, base);
  let found = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] !== 0x50 || c.u32(i, 'EOCD signature') !== SIG_EOCD) continue;
    if (found < 0) found = i;
    if (i + 22 + c.u16(i + 20, 'EOCD comment length') === tail.length) { found = i; break; }
  }
  if (found < 0) throw new ParseError('bad-signature', { what: 'end of central directory record', offset: base }, 'no ZIP end-of-central-directory record in the last 64 KiB');
  const commentLen = Math.min(c.u16(found + 20, 'EOCD comment length'), tail.length - found - 22);
  const eocd: EndOfCentralDirectory = {
    eocdOffset: base + found,
    entries: c.u16(found + 10, 'EOCD total entries'),
    cdSize: c.u32(found + 12, 'EOCD central directory size'),
    cdOffset: c.u32(found + 16, 'EOCD central directory offset'),
    zip64: false,
    cdLimit: base + found,
    comment: decodeName(c.raw(found + 22, commentLen, 'EOCD comment'), false),
  };
  const needs64 = eocd.entries === 0xffff || eocd.cdSize === U32_MAX || eocd.cdOffset === U32_MAX;
  const locAt = eocd.eocdOffset - 20;
  if (locAt >= 0) {
    const loc = new ByteCursor(await r.read(locAt, 20), locAt);
    if (loc.has(0, 20) && loc.u32(0, 'zip64 locator signature') === SIG_Z64_LOCATOR) {
      const recAt = loc.u64(8, 'zip64 EOCD offset');
      if (recAt + 56 > r.size) throw new ParseError('out-of-bounds', { what: 'zip64 end of central directory record', offset: recAt, need: 56, have: Math.max(0, r.size - recAt) });
      const rec = new ByteCursor(await r.read(recAt, 56), recAt);
      if (rec.u32(0, 'zip64 EOCD signature') !== SIG_Z64_EOCD) throw new ParseError('bad-signature', { what: 'zip64 end of central directory record', offset: recAt });
      eocd.entries = rec.u64(32, 'zip64 total entries');
      eocd.cdSize = rec.u64(40, 'zip64 central directory size');
      eocd.cdOffset = rec.u64(48, 'zip64 central directory offset');
      eocd.zip64 = true;
      eocd.cdLimit = recAt;
    } else if (needs64) {
      throw new ParseError('bad-signature', { what: 'zip64 end of central directory locator', offset: locAt }, 'EOCD fields say zip64 but there is no zip64 locator before it');
    }
  }
  return eocd;
}

export interface CentralDirectory {
  eocd: EndOfCentralDirectory;
  entries: ZipEntryInfo[];
  /** Bytes of data before the archive proper (self-extractors, concatenated files). */
  prefixBytes: number;
}

/** Read every central-directory entry; a bad entry ends the walk with an issue (the earlier ones stand). */
export async function readCentralDirectory(r: Reader, issues: ZipIssue[], maxEntries: number = ZIP_LIMITS.maxEntries): Promise<CentralDirectory> {
  const eocd = await findEocd(r);
  let cdStart = eocd.cdOffset;
  let prefix = 0;
  if (cdStart + eocd.cdSize > eocd.cdLimit || !(await sigAt(r, cdStart, SIG_CENTRAL))) {
    // Data prepended to the archive shifts every offset by the same amount; the CD ends where the EOCD (or zip64 record) starts.
    const guess = eocd.cdLimit - eocd.cdSize;
    if (eocd.entries > 0 && guess >= 0 && guess !== cdStart && (await sigAt(r, guess, SIG_CENTRAL))) {
      prefix = guess - cdStart;
      cdStart = guess;
      issues.push({ severity: 'warning', code: 'prefix-data', member: null, message: `${prefix} bytes precede the ZIP data; offsets adjusted` });
    } else if (eocd.entries > 0) {
      throw new ParseError('out-of-bounds', { what: 'central directory', offset: cdStart, need: eocd.cdSize, have: Math.max(0, r.size - cdStart) });
    }
  }
  const cdEnd = Math.min(cdStart + eocd.cdSize, r.size);
  const entries: ZipEntryInfo[] = [];
  let pos = cdStart;
  let win = new ByteCursor(new Uint8Array(0), pos);
  const ensure = async (n: number): Promise<void> => {
    if (pos >= win.base && pos + n <= win.base + win.length) return;
    const len = Math.max(n, Math.min(ZIP_LIMITS.cdWindowBytes, cdEnd - pos));
    win = new ByteCursor(await r.read(pos, len), pos);
  };
  while (pos + 46 <= cdEnd) {
    if (entries.length >= maxEntries) {
      issues.push({ severity: 'error', code: 'limit-exceeded', member: null, message: `central directory lists more than ${maxEntries} entries; the rest were skipped` });
      break;
    }
    try {
      await ensure(46);
      const o = pos - win.base;
      if (win.u32(o, 'central directory entry signature') !== SIG_CENTRAL) throw new ParseError('bad-signature', { what: 'central directory entry', offset: pos });
      const varLen = win.u16(o + 28, 'name length') + win.u16(o + 30, 'extra length') + win.u16(o + 32, 'comment length');
      if (pos + 46 + varLen > cdEnd) throw new ParseError('truncated', { what: 'central directory entry', offset: pos, need: 46 + varLen, have: cdEnd - pos });
      await ensure(46 + varLen);
      const e = parseCentralEntry(win.slice(pos - win.base, 46 + varLen, 'central directory entry'), entries.length, prefix);
      if (e.localHeaderOffset < 0 || e.localHeaderOffset >= r.size) throw new ParseError('out-of-bounds', { what: `local header offset of ${e.name}`, offset: pos, need: e.localHeaderOffset, have: r.size });
      entries.push(e);
      pos += 46 + varLen;
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      issues.push({ severity: 'error', code: err.code, member: null, message: `central directory walk stopped after ${entries.length} entries: ${err.message}` });
      break;
    }
  }
  if (entries.length !== eocd.entries && entries.length < maxEntries) {
    issues.push({ severity: 'warning', code: 'count-mismatch', member: null, message: `EOCD declares ${eocd.entries} entries; the central directory holds ${entries.length}` });
  }
  return { eocd, entries, prefixBytes: prefix };
}

async function sigAt(r: Reader, off: number, sig: number): Promise<boolean> {
  if (off < 0 || off + 4 > r.size) return false;
  const b = await r.read(off, 4);
  return b.length === 4 && new ByteCursor(b).u32(0, 'signature') === sig;
}

/** One central-directory entry from a window that holds exactly its bytes. */
export function parseCentralEntry(c: ByteCursor, index: number, prefix: number): ZipEntryInfo {
  const flags = c.u16(8, 'general purpose flags');
  const method = c.u16(10, 'compression method');
  const nameLen = c.u16(28, 'name length');
  const extraLen = c.u16(30, 'extra length');
  const nameBytes = c.raw(46, nameLen, 'file name');
  let name = decodeName(nameBytes, (flags & FLAG_UTF8) !== 0);
  const csize32 = c.u32(20, 'compressed size');
  const size32 = c.u32(24, 'uncompressed size');
  const off32 = c.u32(42, 'local header offset');
  const extra = parseExtra(c.raw(46 + nameLen, extraLen, 'extra field'), c.base + 46 + nameLen, {
    size: size32 === U32_MAX, csize: csize32 === U32_MAX, offset: off32 === U32_MAX,
  });
  if (extra.unicodeName && !(flags & FLAG_UTF8)) name = extra.unicodeName.name;
  const size = size32 === U32_MAX ? extra.zip64?.size ?? size32 : size32;
  const compressedSize = csize32 === U32_MAX ? extra.zip64?.compressedSize ?? csize32 : csize32;
  const localHeaderOffset = (off32 === U32_MAX ? extra.zip64?.localHeaderOffset ?? off32 : off32) + prefix;
  const dos = dosDateTime(c.u16(12, 'last mod time'), c.u16(14, 'last mod date'));
  let encryption: ZipEncryption = 'none';
  if (flags & FLAG_ENCRYPTED) encryption = flags & FLAG_STRONG_ENCRYPTION ? 'strong' : method === 99 ? 'aes' : 'zipcrypto';
  const entry: ZipEntryInfo = {
    index,
    name,
    isDir: name.endsWith('/') || name.endsWith('\\'),
    versionMadeBy: c.u16(4, 'version made by'),
    flags,
    method,
    crc32: c.u32(16, 'crc-32'),
    compressedSize,
    size,
    localHeaderOffset,
    externalAttributes: c.u32(38, 'external attributes'),
    dosTime: c.u16(12, 'last mod time'),
    encryption,
    times: extra.times ?? { modified: dos, accessed: null, created: null, basis: dos ? 'local-no-zone' : 'none' },
    ...(extra.aes ? { aesActualMethod: extra.aes.actualMethod, aesStrength: extra.aes.strength, aesVendorVersion: extra.aes.vendorVersion } : {}),
  };
  return entry;
}

/**
 * Local file headers: where a member's data starts, a cross-check of the central directory, and
 * (when the central directory is gone) a recovery walk over the local headers from offset 0.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';
import { decodeName, dosDateTime, FLAG_DATA_DESCRIPTOR, FLAG_ENCRYPTED, FLAG_STRONG_ENCRYPTION, FLAG_UTF8, parseExtra, U32_MAX } from './fields.js';
import { ZIP_LIMITS } from './limits.js';
import type { ZipEncryption, ZipEntryInfo, ZipIssue, ZipMemberLocation, ZipTimes } from './types.js';

export const SIG_LOCAL = 0x04034b50;
const SIG_DESCRIPTOR = 0x08074b50;

/** Locate a member's data; the central directory stays authoritative, differences become issues. */
export async function locateMember(r: Reader, e: ZipEntryInfo, issues: ZipIssue[]): Promise<ZipMemberLocation> {
  const at = e.localHeaderOffset;
  checkHeaderOffset(r, e);
  const h = await r.read(at, 30);
  const lens = headerLengths(new ByteCursor(h, at), e);
  const v = await r.read(at + 30, lens.nameLen + lens.extraLen);
  return parseLocal(r.size, e, h, v, issues);
}

/** Bytes read at once when local headers lie close together (a collection of small files). */
const LOCATE_WINDOW = 256 * 1024;
/** Bytes read past a header's offset so its name and a typical extra field come in the same read. */
const HEADER_SLACK = 30 + 1024;

/**
 * Locate many members with few reads: headers are visited in offset order and every run of headers
 * within LOCATE_WINDOW bytes is fetched in one read (20,000 small members → ~20 reads instead of
 * 40,000). Each result is the location or the ParseError that member's header gave, in `entries` order.
 */
export async function locateMembers(r: Reader, entries: readonly ZipEntryInfo[], issues: ZipIssue[]): Promise<(ZipMemberLocation | ParseError)[]> {
  const out: (ZipMemberLocation | ParseError)[] = new Array<ZipMemberLocation | ParseError>(entries.length);
  const order = entries.map((_, i) => i).sort((a, b) => entries[a]!.localHeaderOffset - entries[b]!.localHeaderOffset);
  let winStart = 0;
  let win: Uint8Array = new Uint8Array(0);
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const e = entries[i]!;
    try {
      checkHeaderOffset(r, e);
      const at = e.localHeaderOffset;
      if (at < winStart || at + 30 > winStart + win.length) {
        // A new window: up to the last header that still fits, plus room for its name and extra.
        let last = at;
        for (let j = k + 1; j < order.length; j++) {
          const o = entries[order[j]!]!.localHeaderOffset;
          if (o + HEADER_SLACK > at + LOCATE_WINDOW) break;
          last = o;
        }
        winStart = at;
        win = await r.read(at, Math.min(r.size - at, last - at + HEADER_SLACK));
      }
      const rel = at - winStart;
      const h = win.subarray(rel, rel + 30);
      const lens = headerLengths(new ByteCursor(h, at), e);
      const end = rel + 30 + lens.nameLen + lens.extraLen;
      // A name or extra longer than the slack: read just that header's variable part.
      const v = end <= win.length ? win.subarray(rel + 30, end) : await r.read(at + 30, lens.nameLen + lens.extraLen);
      out[i] = parseLocal(r.size, e, h, v, issues);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      out[i] = err;
    }
  }
  return out;
}

function checkHeaderOffset(r: Reader, e: ZipEntryInfo): void {
  const at = e.localHeaderOffset;
  if (!Number.isSafeInteger(at) || at < 0 || at + 30 > r.size) throw new ParseError('out-of-bounds', { what: `local header of ${e.name}`, offset: Math.max(0, at), need: 30, have: Math.max(0, r.size - at) });
}

function headerLengths(h: ByteCursor, e: ZipEntryInfo): { nameLen: number; extraLen: number } {
  if (h.u32(0, 'local header signature') !== SIG_LOCAL) throw new ParseError('bad-signature', { what: `local header of ${e.name}`, offset: e.localHeaderOffset });
  return { nameLen: h.u16(26, 'local name length'), extraLen: h.u16(28, 'local extra length') };
}

/** One local header (`h`: its 30 fixed bytes, `vb`: name and extra) checked against the central entry. */
function parseLocal(size: number, e: ZipEntryInfo, hb: Uint8Array, vb: Uint8Array, issues: ZipIssue[]): ZipMemberLocation {
  const at = e.localHeaderOffset;
  const h = new ByteCursor(hb, at);
  const { nameLen, extraLen } = headerLengths(h, e);
  const dataOffset = at + 30 + nameLen + extraLen;
  if (dataOffset + e.compressedSize > size) {
    throw new ParseError('truncated', { what: `data of ${e.name}`, offset: dataOffset, need: e.compressedSize, have: Math.max(0, size - dataOffset) });
  }
  const v = new ByteCursor(vb, at + 30);
  const localName = decodeName(v.raw(0, nameLen, 'local file name'), (h.u16(6, 'local flags') & FLAG_UTF8) !== 0);
  if (localName !== e.name && localName.replace(/\\/g, '/') !== e.name.replace(/\\/g, '/')) {
    issues.push({ severity: 'warning', code: 'name-mismatch', member: e.name, message: `local header names this member ${JSON.stringify(localName)}; the central directory name is used` });
  }
  let times: ZipTimes | undefined;
  let aes: { aesActualMethod: number; aesStrength: number; aesVendorVersion: number } | undefined;
  const wantAes = e.method === 99 && e.aesStrength === undefined;
  if ((e.times.basis !== 'utc' || wantAes) && extraLen > 0) {
    // The local extended-timestamp extra can carry atime/ctime that the central copy leaves out;
    // a lister that skips extras (node-stream-zip) leaves the AES parameters to be read here.
    const x = parseExtra(v.raw(nameLen, extraLen, 'local extra field'), at + 30 + nameLen, { size: false, csize: false, offset: false });
    if (e.times.basis !== 'utc') times = x.times;
    if (wantAes && x.aes) aes = { aesActualMethod: x.aes.actualMethod, aesStrength: x.aes.strength, aesVendorVersion: x.aes.vendorVersion };
  }
  return { entry: times || aes ? { ...e, ...(times ? { times } : {}), ...aes } : e, dataOffset };
}

/**
 * Recover members from local headers when there is no usable central directory (a truncated or
 * damaged archive). Sizes come from the local header, or from the data descriptor found after the
 * data when bit 3 is set; the walk stops at the first header it cannot account for.
 */
export async function walkLocalHeaders(r: Reader, issues: ZipIssue[], maxEntries: number = ZIP_LIMITS.maxEntries): Promise<ZipEntryInfo[]> {
  const out: ZipEntryInfo[] = [];
  let at = 0;
  while (at + 30 <= r.size && out.length < maxEntries) {
    const h = new ByteCursor(await r.read(at, 30), at);
    if (h.u32(0, 'local header signature') !== SIG_LOCAL) break;
    const flags = h.u16(6, 'local flags');
    const method = h.u16(8, 'local method');
    const nameLen = h.u16(26, 'local name length');
    const extraLen = h.u16(28, 'local extra length');
    if (at + 30 + nameLen + extraLen > r.size) break;
    const v = new ByteCursor(await r.read(at + 30, nameLen + extraLen), at + 30);
    const name = decodeName(v.raw(0, nameLen, 'local file name'), (flags & FLAG_UTF8) !== 0);
    let csize = h.u32(18, 'local compressed size');
    let size = h.u32(22, 'local uncompressed size');
    let crc = h.u32(14, 'local crc-32');
    const extra = parseExtra(v.raw(nameLen, extraLen, 'local extra'), at + 30 + nameLen, { size: size === U32_MAX, csize: csize === U32_MAX, offset: false });
    if (csize === U32_MAX && extra.zip64?.compressedSize !== undefined) csize = extra.zip64.compressedSize;
    if (size === U32_MAX && extra.zip64?.size !== undefined) size = extra.zip64.size;
    const dataOffset = at + 30 + nameLen + extraLen;
    let next = dataOffset + csize;
    if (flags & FLAG_DATA_DESCRIPTOR && csize === 0) {
      const d = await findDescriptor(r, dataOffset);
      if (!d) {
        issues.push({ severity: 'error', code: 'truncated', member: name, message: `no data descriptor found after ${name}; recovery stops here` });
        break;
      }
      ({ csize, size, crc } = d);
      next = d.end;
    } else if (flags & FLAG_DATA_DESCRIPTOR) {
      next += (await descriptorLength(r, next));
    }
    if (dataOffset + csize > r.size) {
      issues.push({ severity: 'error', code: 'truncated', member: name, message: `${name} is cut off (${csize} bytes declared, ${r.size - dataOffset} present)` });
      break;
    }
    let encryption: ZipEncryption = 'none';
    if (flags & FLAG_ENCRYPTED) encryption = flags & FLAG_STRONG_ENCRYPTION ? 'strong' : method === 99 ? 'aes' : 'zipcrypto';
    const dos = dosDateTime(h.u16(10, 'local time'), h.u16(12, 'local date'));
    out.push({
      index: out.length, name, isDir: name.endsWith('/') || name.endsWith('\\'), versionMadeBy: 0, flags, method, crc32: crc,
      compressedSize: csize, size, localHeaderOffset: at, externalAttributes: 0, dosTime: h.u16(10, 'local time'), encryption,
      times: extra.times ?? { modified: dos, accessed: null, created: null, basis: dos ? 'local-no-zone' : 'none' },
      ...(extra.aes ? { aesActualMethod: extra.aes.actualMethod, aesStrength: extra.aes.strength, aesVendorVersion: extra.aes.vendorVersion } : {}),
    });
    at = next;
  }
  return out;
}

async function descriptorLength(r: Reader, at: number): Promise<number> {
  const b = new ByteCursor(await r.read(at, 4), at);
  return b.has(0, 4) && b.u32(0, 'descriptor signature') === SIG_DESCRIPTOR ? 16 : 12;
}

/** Search forward for a signed data descriptor whose compressed size equals the distance walked. */
async function findDescriptor(r: Reader, dataStart: number): Promise<{ csize: number; size: number; crc: number; end: number } | null> {
  const limit = Math.min(r.size, dataStart + ZIP_LIMITS.descriptorSearchBytes);
  const win = 1024 * 1024;
  for (let base = dataStart; base < limit; base += win - 16) {
    const buf = await r.read(base, Math.min(win, limit - base));
    const c = new ByteCursor(buf, base);
    for (let i = 0; i + 16 <= buf.length; i++) {
      if (buf[i] !== 0x50 || buf[i + 1] !== 0x4b || c.u32(i, 'descriptor signature') !== SIG_DESCRIPTOR) continue;
      const csize = c.u32(i + 8, 'descriptor compressed size');
      if (csize === base + i - dataStart) return { crc: c.u32(i + 4, 'descriptor crc'), csize, size: c.u32(i + 12, 'descriptor size'), end: base + i + 16 };
    }
    if (buf.length < win) break;
  }
  return null;
}
